import type { EntityManager } from '@mikro-orm/postgresql';
import type { WorldResult } from './world';

/** Treated vs held-out members by week since the rule: mean visit days and content reach (share of that week's items they saw). */
export async function weeklyFigures(em: EntityManager, ruleId: string, weeks: number, start: Date): Promise<WorldResult['weekly']> {
  const rows = await em.execute<{ week: number; held_out: boolean; members: number; visit_days: number; reach: number }[]>(
    `with arm as (
       select member_id, bool_or(status = 'HELD_OUT') as held_out from digest where rule_id = ? and status in ('SENT', 'HELD_OUT') group by member_id
     ), weeks as (select generate_series(0, ?::int - 1) as week)
     select w.week, a.held_out, count(*)::int as members,
       avg((select count(distinct (v.started_at at time zone 'UTC')::date) from visit v where v.member_id = a.member_id
            and v.started_at >= (?::date + w.week * 7) and v.started_at < (?::date + w.week * 7 + 7)))::float8 as visit_days,
       avg((select count(*) from content_view cv join content c on c.id = cv.content_id
            where cv.member_id = a.member_id and c.published_at >= ?::date + w.week * 7 and c.published_at < ?::date + w.week * 7 + 7)::float8
           / nullif((select count(*) from content c where c.published_at >= ?::date + w.week * 7 and c.published_at < ?::date + w.week * 7 + 7), 0))::float8 as reach
     from weeks w cross join arm a group by w.week, a.held_out order by w.week, a.held_out`,
    [ruleId, weeks, ...Array(6).fill(start.toISOString().slice(0, 10))],
  );
  return Array.from({ length: weeks }, (_, week) => {
    const treated = rows.find((row) => row.week === week && !row.held_out);
    const held = rows.find((row) => row.week === week && row.held_out);
    return {
      week: week + 1,
      treatedVisitDays: treated?.visit_days ?? 0,
      heldOutVisitDays: held?.visit_days ?? 0,
      treatedMembers: treated?.members ?? 0,
      heldOutMembers: held?.members ?? 0,
      reachTreated: treated?.reach ?? 0,
      reachHeldOut: held?.reach ?? 0,
    };
  });
}
