import { sql } from '../../../server/db/sql';
import { DAY_MS, type EngagementTriggerDefinition, type TriggerRule } from './trigger';

/**
 * Periods of `everyDays` follow each other from `everyDays` before the rule was created, so a new
 * rule acts at once on what was published recently. At `now` the period judged is the last one
 * that has ended.
 */
export function backlogPeriod(rule: TriggerRule, now: Date): { start: Date; end: Date } {
  const length = rule.everyDays * DAY_MS;
  const anchor = rule.createdAt.getTime() - length;
  const ended = Math.max(1, Math.floor((now.getTime() - anchor) / length));
  return { start: new Date(anchor + (ended - 1) * length), end: new Date(anchor + ended * length) };
}

/**
 * PRODUCT.md UNSEEN_BACKLOG(everyDays, minUnseen): every `everyDays` days, a member with at least
 * `minUnseen` unseen items published in that period.
 */
export const unseenBacklogTrigger: EngagementTriggerDefinition<'UNSEEN_BACKLOG'> = {
  kind: 'UNSEEN_BACKLOG',
  description: 'Every `everyDays` days, members with at least `minUnseen` unseen items published in the period that just ended.',
  eligible(rule, now) {
    const { start, end } = backlogPeriod(rule, now);
    return sql`
      select a.id as member_id, ${`backlog:${start.toISOString()}`}::text as period_key
      from audience a
      where (
        select count(*) from content c
        where c.status = 'PUBLISHED' and c.published_at >= ${start}::timestamptz and c.published_at < ${end}::timestamptz
          and not exists (select 1 from content_view v where v.member_id = a.id and v.content_id = c.id)
      ) >= ${rule.minUnseen}::int`;
  },
};
