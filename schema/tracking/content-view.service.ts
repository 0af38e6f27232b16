import type { Context } from '../../server/context';
import { AppError, ErrorCode, notFound } from '../../server/errors';
import type { Member } from '../identity/member.entity';
import type { RecordContentViewInput } from './tracking.inputs';

/** What the first call of a view may credit: there is no earlier call to measure elapsed time from. */
export const FIRST_CALL_MAX_SECONDS = 60;

export interface RecordedView {
  contentId: string;
  totalSeconds: number;
  firstSeenAt: Date;
  newView: boolean;
}

/**
 * One statement under a per-(member, item) lock: extends the member's view of the item if it was
 * last seen less than 30 minutes ago (so within the current visit, by the visit definition: each
 * call is activity), else starts a new view (ViewWriter counts it on the item). The credit is capped by the
 * real time since the previous call. Params: member, content, now, seconds, first-call cap, source,
 * new id.
 */
export const RECORD_VIEW_SQL = `
with params as (
  select ?::uuid as member_id, ?::uuid as content_id, ?::timestamptz as at, ?::int as seconds,
         ?::int as first_cap, ?::view_source as source, ?::uuid as new_id
), current_view as (
  select v.id, v.last_seen_at from content_view v, params p
  where v.member_id = p.member_id and v.content_id = p.content_id and v.last_seen_at > p.at - interval '30 minutes'
  order by v.last_seen_at desc limit 1
), extended as (
  update content_view v set
    seconds = v.seconds + least(p.seconds, greatest(0, floor(extract(epoch from (p.at - v.last_seen_at))))::int),
    last_seen_at = greatest(v.last_seen_at, p.at)
  from params p, current_view c where v.id = c.id
  returning v.seconds, v.first_seen_at, false as new_view
), visit_now as (
  select vi.id from visit vi, params p
  where vi.member_id = p.member_id and vi.last_activity_at > p.at - interval '30 minutes'
  order by vi.started_at desc limit 1
), inserted as (
  insert into content_view (id, member_id, content_id, visit_id, first_seen_at, last_seen_at, seconds, source)
  select p.new_id, p.member_id, p.content_id, (select id from visit_now), p.at, p.at, least(p.seconds, p.first_cap), p.source
  from params p where not exists (select 1 from current_view)
  returning seconds, first_seen_at, true as new_view
)
select seconds, first_seen_at, new_view from extended union all select seconds, first_seen_at, new_view from inserted`;

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
