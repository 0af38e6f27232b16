import type { EntityManager } from '@mikro-orm/postgresql';
import { EMPTY_SQL, sql, textArray, uuidArray, type Sql } from '../../server/db/sql';
import { visibleToOthers } from '../moderation/visibility';
import { DigestStatus } from './digest.entity';
import type { RuleForEligibility } from './eligibility';
import type { MemberOutcomes } from './lift';
import { triggerOf } from './triggers';
import { plannedRows } from '../../server/db/read-query';

/**
 * The engagement domain's reads that bypass the ORM, each one statement built with the sql
 * helper: who a rule selects, what a digest holds, what a claim reads under its lock, and the
 * figures that measure a rule.
 */

const rows = plannedRows;

export interface EligibleMember {
  member_id: string;
  period_key: string;
  held_out: boolean;
  /** The rule's digest for this period, if one exists already. */
  digest_status: DigestStatus | null;
  digest_lease_until: Date | null;
  digest_attempts: number;
  /** Another digest (any rule) was decided for this member within the global budget interval. */
  over_budget: boolean;
}

/** Members who opted in and match the rule's audience; empty lists restrict nothing. */
function audienceSql(rule: RuleForEligibility, memberIds: readonly string[] | null): Sql {
  return sql`
    select m.id, m.last_visit_at, m.created_at from member m
    where m.digest_emails
      and (cardinality(${textArray(rule.audienceRoles)}::text[]) = 0 or m.role::text = any(${textArray(rule.audienceRoles)}::text[]))
      and (cardinality(${textArray(rule.audienceMemberships)}::text[]) = 0 or m.membership::text = any(${textArray(rule.audienceMemberships)}::text[]))
      and (cardinality(${textArray(rule.audienceThemes)}::text[]) = 0 or exists (
        select 1 from member_interest mi join theme t on t.id = mi.theme_id
        where mi.member_id = m.id and t.slug = any(${textArray(rule.audienceThemes)}::text[])))
      ${memberIds ? sql`and m.id = any(${uuidArray(memberIds)}::uuid[])` : EMPTY_SQL}`;
}

/**
 * A stable draw per rule and member: the same member stays in (or out of) a rule's holdout for the
 * rule's whole life, so treated and held-out groups can be compared over time.
 */
const HOLDOUT_DRAW = `(('x' || substr(md5(?::text || ':' || e.member_id::text), 1, 8))::bit(32)::bigint % 100)`;

/**
 * Who the rule selects at `now`, each with the period key, the holdout draw, the rule's digest for
 * that period (if any) and the global budget. All in one statement.
 */
export function eligibilitySql(
  rule: RuleForEligibility,
  now: Date,
  minIntervalDays: number,
  memberIds: readonly string[] | null = null,
): Sql {
  const eligible = triggerOf(rule.trigger).eligible(rule, now);
  return sql`
    with audience as (${audienceSql(rule, memberIds)}), eligible as (${eligible})
    select e.member_id, e.period_key,
      ${{ text: HOLDOUT_DRAW, params: [rule.id] }} < ${rule.holdoutPercent}::int as held_out,
      d.status as digest_status, d.lease_until as digest_lease_until, coalesce(d.attempts, 0) as digest_attempts,
      exists (
        select 1 from digest b
        where b.member_id = e.member_id and b.status in (${DigestStatus.SENT}, ${DigestStatus.HELD_OUT}, ${DigestStatus.PENDING})
          and b.created_at > ${now}::timestamptz - make_interval(days => ${minIntervalDays}::int)
          and not (b.rule_id = ${rule.id}::uuid and b.period_key = e.period_key)
      ) as over_budget
    from eligible e
    left join digest d on d.rule_id = ${rule.id}::uuid and d.member_id = e.member_id and d.period_key = e.period_key
    order by e.member_id`;
}

export async function eligibleMembers(
  em: EntityManager,
  rule: RuleForEligibility,
  now: Date,
  minIntervalDays: number,
  memberIds: readonly string[] | null = null,
): Promise<EligibleMember[]> {
  return rows<EligibleMember>(em, eligibilitySql(rule, now, minIntervalDays, memberIds));
}

export interface DigestSelection {
  hot: string[];
  cold: string[];
}

/**
 * PRODUCT.md content selection for one member, in one statement.
 * Hot: published since the member's last digest or last visit (whichever is later; joining if
 * neither), unseen, newest day first and most viewed within a day. Cold: older, unseen, on the
 * member's themes (declared interests plus the three themes they view most), ranked by viewers
 * among members interested in the same themes. Hot first, then cold, up to `maxItems`.
 */
function selectionSql(member: Sql, maxItems: number, now: Date) {
  return sql`
    with me as (
      select m.id, coalesce(greatest(m.last_visit_at,
        (select max(d.sent_at) from digest d where d.member_id = m.id and d.status = 'SENT')), m.created_at) as hot_since
      from member m where m.id = ${member}
    ), unseen as (
      select c.id, c.published_at, c.view_count from content c
      where c.status = 'PUBLISHED' and c.published_at <= ${now}::timestamptz and ${visibleToOthers('c', 'author_id', now)}
        and not exists (select 1 from content_view v where v.member_id = ${member} and v.content_id = c.id)
    ), hot as (
      select u.id from unseen u, me where u.published_at > me.hot_since
      order by date_trunc('day', u.published_at) desc, u.view_count desc, u.published_at desc, u.id
      limit ${maxItems}::int
    ), my_themes as (
      select mi.theme_id from member_interest mi where mi.member_id = ${member}
      union
      (select ct.theme_id from content_view v join content_theme ct on ct.content_id = v.content_id
       where v.member_id = ${member} group by ct.theme_id order by count(*) desc, ct.theme_id limit 3)
    ), cold as (
      select u.id from unseen u
      cross join me
      join content_theme ct on ct.content_id = u.id
      left join content_theme_popularity p on p.theme_id = ct.theme_id and p.content_id = ct.content_id
      where ct.theme_id in (select theme_id from my_themes) and u.published_at <= me.hot_since
      group by u.id, u.published_at
      order by sum(coalesce(p.viewers, 0)) desc, u.published_at desc, u.id
      limit ${maxItems}::int
    )
    select id, true as hot from hot
    union all
    select id, false as hot from cold`;
}

function toSelection(rows: { id: string; hot: boolean }[], maxItems: number): DigestSelection {
  const hot = rows.filter((row) => row.hot).map((row) => row.id);
  const cold = rows
    .filter((row) => !row.hot)
    .map((row) => row.id)
    .slice(0, Math.max(0, maxItems - hot.length));
  return { hot, cold };
}

export async function selectDigestContent(em: EntityManager, memberId: string, maxItems: number, now: Date): Promise<DigestSelection> {
  return toSelection(await rows<{ id: string; hot: boolean }>(em, selectionSql(sql`${memberId}::uuid`, maxItems, now)), maxItems);
}

/**
 * The same selection for many members in one statement (a LATERAL per member): a digest batch
 * plans and round-trips once instead of once per member.
 */
export async function selectDigestContentFor(
  em: EntityManager,
  memberIds: readonly string[],
  maxItems: number,
  now: Date,
): Promise<Map<string, DigestSelection>> {
  const selection = selectionSql(sql`b.member_id`, maxItems, now);
  const query = sql`select b.member_id, s.id, s.hot from unnest(${uuidArray(memberIds)}::uuid[]) as b(member_id)
    cross join lateral (${selection}) s`;
  const found = memberIds.length ? await rows<{ member_id: string; id: string; hot: boolean }>(em, query) : [];
  const byMember = new Map<string, { id: string; hot: boolean }[]>(memberIds.map((id) => [id, []]));
  for (const row of found) byMember.get(row.member_id)!.push(row);
  return new Map([...byMember].map(([memberId, memberRows]) => [memberId, toSelection(memberRows, maxItems)]));
}

/** Whether the member wants digests (false for a member who is gone). */
export async function digestEmailsOn(em: EntityManager, memberId: string): Promise<boolean> {
  const [row] = await rows<{ digest_emails: boolean }>(em, sql`select digest_emails from member where id = ${memberId}`);
  return row?.digest_emails ?? false;
}

/** The columns of a digest row the sender works with. */
export interface DigestRow {
  id: string;
  memberId: string;
  status: DigestStatus;
  items: string[];
  hotCount: number;
  messageId: string | null;
  attempts: number;
  leaseUntil: Date | null;
}

/** The DigestRow columns of the digest aliased `d`. */
const DIGEST_COLUMNS = sql`d.id, d.member_id as "memberId", d.status, d.items::text[] as items, d.hot_count as "hotCount",
  d.message_id as "messageId", d.attempts, d.lease_until as "leaseUntil"`;

/**
 * What a batch claim reads under its members' locks for the members it did not insert a row for:
 * the rule's digest of each (member, period), in the order given (`id` null where there is none).
 */
export function digestRowsFor(
  em: EntityManager,
  ruleId: string,
  targets: readonly { memberId: string; periodKey: string }[],
): Promise<DigestRow[]> {
  return rows<DigestRow>(
    em,
    sql`select ${DIGEST_COLUMNS}
         from unnest(${uuidArray(targets.map((t) => t.memberId))}::uuid[], ${textArray(targets.map((t) => t.periodKey))}::text[])
           with ordinality as target(member_id, period_key, n)
         left join digest d on d.rule_id = ${ruleId}::uuid and d.member_id = target.member_id and d.period_key = target.period_key
         order by target.n`,
  );
}

/** One item of a digest email, with its reader's address and whether they have seen it by now. */
export interface DigestEmailRow {
  email: string;
  display_name: string;
  locale: string | null;
  time_zone: string | null;
  id: string;
  title: string;
  type: string;
  summary: string | null;
  published_at: Date;
  themes: string[];
  seen: boolean;
}

/**
 * One row per item of each digest with its member's address, and whether the member has seen it by
 * now (`member_id` says whose). "Seen" is one index probe per pair, a lateral `limit 1` rather than
 * an `exists`: PostgreSQL ran the `exists` for a group's 48 pairs as one hashed scan of all of
 * content_view whenever that table was small enough (tens of thousands of views), at 3.5 ms a group.
 */
export function digestEmailRows(
  em: EntityManager,
  digests: readonly { memberId: string; items: readonly string[] }[],
): Promise<(DigestEmailRow & { member_id: string })[]> {
  const pairs = digests.flatMap(({ memberId, items }) => items.map((item) => [memberId, item]));
  return rows<DigestEmailRow & { member_id: string }>(
    em,
    sql`select m.id as member_id, m.email, m.display_name, m.locale, m.time_zone, c.id, c.title, c.type, c.summary, c.published_at,
         coalesce(array(select t.name from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id order by t.name), '{}') as themes,
         seen.seen is not null as seen
       from unnest(${uuidArray(pairs.map(([member]) => member))}::uuid[], ${uuidArray(pairs.map(([, item]) => item))}::uuid[]) as p(member_id, content_id)
       join member m on m.id = p.member_id join content c on c.id = p.content_id
       left join lateral (select true as seen from content_view v where v.member_id = p.member_id and v.content_id = p.content_id limit 1) seen on true`,
  );
}

/** A rule's selections over a window, and how their outcomes are measured. */
export interface RuleWindow {
  ruleId: string;
  from: Date;
  to: Date;
  horizonDays: number;
  now: Date;
}

/** One member's measured selections in one arm. */
export interface RuleOutcomeRow extends MemberOutcomes {
  member_id: string;
  status: 'SENT' | 'HELD_OUT';
  outcome_sum: number;
  returned: number;
}

/**
 * The outcome of a selection (a digest SENT or HELD_OUT at `created_at`): the calendar days, in
 * zone `zone`, on which the member was active in the H × 24 hours after it (visits clipped to
 * that span). Measured only once those H days are over; later selections are `pending`.
 * One row per member and arm: the estimator needs members, not selections (lift.ts).
 */
export function ruleOutcomeRows(em: EntityManager, { ruleId, from, to, horizonDays, now }: RuleWindow, zone: string) {
  return rows<RuleOutcomeRow>(
    em,
    sql`
with d as (
  select id, status, member_id, created_at, created_at + make_interval(days => ${horizonDays}::int) as horizon_end from digest
  where rule_id = ${ruleId} and created_at >= ${from} and created_at < ${to} and status in ('SENT', 'HELD_OUT')
), measured as (
  select d.member_id, d.status, o.days
  from d cross join lateral (
    select count(distinct day)::int as days from visit v
    cross join lateral generate_series(
      (greatest(v.started_at, d.created_at) at time zone ${zone}::text)::date::timestamp,
      (least(v.last_activity_at, d.horizon_end) at time zone ${zone}::text)::date::timestamp, interval '1 day') day
    where v.member_id = d.member_id and v.last_activity_at > d.created_at and v.started_at <= d.horizon_end
  ) o
  where d.horizon_end <= ${now}
)
select member_id, status, count(*)::int as selections, sum(days)::int as outcome_sum, count(*) filter (where days > 0)::int as returned
from measured group by member_id, status`,
  );
}

/** Secondary figures over every selection of the window, measured or not. */
export interface RuleSelectionFigures {
  sent: number;
  held_out: number;
  pending: number;
  clicked: number;
  attributed_visits: number;
}

export async function ruleSelectionFigures(
  em: EntityManager,
  { ruleId, from, to, horizonDays, now }: RuleWindow,
): Promise<RuleSelectionFigures> {
  const [figures] = await rows<RuleSelectionFigures>(
    em,
    sql`
with d as (
  select id, status, created_at from digest
  where rule_id = ${ruleId} and created_at >= ${from} and created_at < ${to} and status in ('SENT', 'HELD_OUT')
)
select
  count(*) filter (where status = 'SENT')::int as sent,
  count(*) filter (where status = 'HELD_OUT')::int as held_out,
  count(*) filter (where created_at + make_interval(days => ${horizonDays}::int) > ${now})::int as pending,
  count(*) filter (where status = 'SENT' and exists (select 1 from digest_click c where c.digest_id = d.id))::int as clicked,
  (select count(*) from visit v where v.attributed_digest_id in (select id from d))::int as attributed_visits
from d`,
  );
  return figures;
}

/** Visit days per member-window: how many windows, their mean and variance. */
export interface VisitDayHistory {
  n: number;
  mean: number;
  variance: number;
}

/**
 * For each member and each of `windows` windows of H × 24 hours before `end` that began after
 * they joined: their visit days in it, counted as a selection's outcome is (ruleOutcomeRows).
 * Only the mean and variance over all member-windows come back.
 */
export async function visitDayHistory(
  em: EntityManager,
  memberIds: readonly string[],
  { end, horizonDays, windows, zone }: { end: Date; horizonDays: number; windows: number; zone: string },
): Promise<VisitDayHistory> {
  const [history] = await rows<VisitDayHistory>(
    em,
    sql`
with w as (
  select m.id as member_id, ${end}::timestamptz - make_interval(days => ${horizonDays}::int * k) as start_at, ${end}::timestamptz - make_interval(days => ${horizonDays}::int * (k - 1)) as end_at
  from unnest(${uuidArray(memberIds)}::uuid[]) m(id) cross join generate_series(1, ${windows}::int) k
  -- A span before the member joined says nothing about their habit.
  where ${end}::timestamptz - make_interval(days => ${horizonDays}::int * k) >= (select created_at from member where member.id = m.id)
), outcomes as (
  select (select count(distinct day) from visit v
          cross join lateral generate_series(
            (greatest(v.started_at, w.start_at) at time zone ${zone}::text)::date::timestamp,
            (least(v.last_activity_at, w.end_at) at time zone ${zone}::text)::date::timestamp, interval '1 day') day
          where v.member_id = w.member_id and v.last_activity_at > w.start_at and v.started_at <= w.end_at)::float8 as days
  from w
)
select count(*)::int as n, coalesce(avg(days), 0)::float8 as mean, coalesce(var_samp(days), 0)::float8 as variance from outcomes`,
  );
  return history;
}
