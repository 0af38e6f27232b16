import type { Context } from '../../server/context';
import type { MemberRow } from '../identity/member.entity';
import { ConversationErrors } from './conversation.errors';

export type BlockServiceDeps = Pick<Context, 'clock' | 'em' | 'loaders'>;

/** Blocks stop messages both ways (sending and live delivery). */
export class BlockService {
  constructor(private readonly ctx: BlockServiceDeps) {}

  async block(viewer: MemberRow, memberId: string): Promise<MemberRow> {
    const member = await this.other(viewer, memberId);
    await this.ctx.em.execute('insert into member_block (blocker_id, blocked_id, created_at) values (?, ?, ?) on conflict do nothing', [
      viewer.id,
      memberId,
      this.ctx.clock.now(),
    ]);
    this.ctx.loaders.blockedByViewer.clear(member.id).prime(member.id, true);
    return member;
  }

  async unblock(viewer: MemberRow, memberId: string): Promise<MemberRow> {
    const member = await this.other(viewer, memberId);
    await this.ctx.em.execute('delete from member_block where blocker_id = ? and blocked_id = ?', [viewer.id, memberId]);
    this.ctx.loaders.blockedByViewer.clear(member.id).prime(member.id, false);
    return member;
  }

  private async other(viewer: MemberRow, memberId: string): Promise<MemberRow> {
    if (memberId === viewer.id) throw ConversationErrors.toYourself('memberId');
    const member = await this.ctx.loaders.memberById.load(memberId);
    if (!member) throw ConversationErrors.recipientNotFound();
    return member;
  }
}
