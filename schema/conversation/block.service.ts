import type { Context } from '../../server/context';
import type { Member } from '../identity/member.entity';
import { ConversationErrors } from './conversation.errors';

/** Blocks stop messages both ways (sending and live delivery). */
export class BlockService {
  constructor(private readonly ctx: Context) {}

  async block(viewer: Member, memberId: string): Promise<boolean> {
    await this.other(viewer, memberId);
    await this.ctx.em.execute('insert into member_block (blocker_id, blocked_id, created_at) values (?, ?, ?) on conflict do nothing', [
      viewer.id,
      memberId,
      this.ctx.clock.now(),
    ]);
    return true;
  }

  async unblock(viewer: Member, memberId: string): Promise<boolean> {
    await this.other(viewer, memberId);
    await this.ctx.em.execute('delete from member_block where blocker_id = ? and blocked_id = ?', [viewer.id, memberId]);
    return true;
  }

  private async other(viewer: Member, memberId: string): Promise<void> {
    if (memberId === viewer.id) throw ConversationErrors.toYourself('memberId');
    if (!(await this.ctx.loaders.memberById.load(memberId))) throw ConversationErrors.recipientNotFound();
  }
}
