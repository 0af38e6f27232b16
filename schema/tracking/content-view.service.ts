import type { Context } from '../../server/context';
import { AppError, ErrorCode, notFound } from '../../server/errors';
import type { Member } from '../identity/member.entity';
import type { RecordContentViewInput } from './tracking.inputs';

export interface RecordedView {
  contentId: string;
  totalSeconds: number;
  firstSeenAt: Date;
  newView: boolean;
}

/** Records what members view: the raw material of "seen", reach and digests. */
export class ContentViewService {
  constructor(private readonly ctx: Context) {}

  async record(viewer: Member, input: RecordContentViewInput): Promise<RecordedView> {
    const [content] = await this.ctx.em.execute<{ status: string }[]>('select status from content where id = ?', [input.contentId]);
    if (!content) throw notFound('Content');
    if (content.status === 'DRAFT') {
      throw new AppError(ErrorCode.BAD_USER_INPUT, 'Views can only be recorded for published content.', { fields: { contentId: 'not published' } });
    }
    const row = await this.ctx.viewWriter.write({ memberId: viewer.id, contentId: input.contentId, at: this.ctx.clock.now(), seconds: input.seconds, source: input.source });
    return { contentId: input.contentId, totalSeconds: row.seconds, firstSeenAt: new Date(row.first_seen_at), newView: row.new_view };
  }
}
