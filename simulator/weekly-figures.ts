import type { EntityManager } from '@mikro-orm/postgresql';
import type { WorldResult } from './world';

/** Treated vs held-out members by week since the rule: mean visit days and content reach (share of that week's items they saw). */
export async function weeklyFigures(em: EntityManager, ruleId: string, weeks: number, start: Date): Promise<WorldResult['weekly']> {
  // Set-based (each table read once, grouped by member and week): a subquery per member and week
  // took longer than Hearth's 10 s statement timeout for 5,000 members over 12 weeks on a loaded machine.
  const day0 = start.toISOString().slice(0, 10);
  // The simulator's report, not a request's query: Hearth's statement timeout (10 s) is lifted for
  // it. Even set-based it ran past it once at 5,000 members × 12 weeks, failing the run at its end.
  const rows = await em.transactional(async (txn) => {
    await txn.execute('set local statement_timeout = 0');
    // The grouped subqueries have no statistics: estimated small, they were joined by nested loops
    // (members × weeks × their rows) and ran past the pool's read timeout at 5,000 × 12. Hash joins read each once.
    await txn.execute('set local enable_nestloop = off');
    return weeklyRows(txn as EntityManager, ruleId, weeks, day0);
  });
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

function weeklyRows(em: EntityManager, ruleId: string, weeks: number, day0: string) {
  return em.execute<{ week: number; held_out: boolean; members: number; visit_days: number; reach: number }[]>(
    `with arm as (
       select member_id, bool_or(status = 'HELD_OUT') as held_out from digest where rule_id = ? and status in ('SENT', 'HELD_OUT') group by member_id
     ), weeks as (select generate_series(0, ?::int - 1) as week),
     days as (
       select v.member_id, ((v.started_at at time zone 'UTC')::date - ?::date) / 7 as week, count(distinct (v.started_at at time zone 'UTC')::date) as n
       from visit v join arm a on a.member_id = v.member_id
       where v.started_at >= ?::date and v.started_at < ?::date + ?::int * 7 group by 1, 2
     ), seen as (
       select cv.member_id, ((c.published_at at time zone 'UTC')::date - ?::date) / 7 as week, count(*) as n
       from content_view cv join content c on c.id = cv.content_id join arm a on a.member_id = cv.member_id
       where c.published_at >= ?::date and c.published_at < ?::date + ?::int * 7 group by 1, 2
     ), items as (
       select ((c.published_at at time zone 'UTC')::date - ?::date) / 7 as week, count(*) as n
       from content c where c.published_at >= ?::date and c.published_at < ?::date + ?::int * 7 group by 1
     )
     select w.week, a.held_out, count(*)::int as members, avg(coalesce(d.n, 0))::float8 as visit_days,
       avg(coalesce(s.n, 0)::float8 / nullif(i.n, 0))::float8 as reach
     from weeks w cross join arm a
     left join days d on d.member_id = a.member_id and d.week = w.week
     left join seen s on s.member_id = a.member_id and s.week = w.week
     left join items i on i.week = w.week
     group by w.week, a.held_out order by w.week, a.held_out`,
    [ruleId, weeks, day0, day0, day0, weeks, day0, day0, day0, weeks, day0, day0, day0, weeks],
  );
}
