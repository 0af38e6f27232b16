import type { EntityManager } from '@mikro-orm/postgresql';
import { EMPTY_SQL, sql, textArray, uuidArray, type Sql } from '../../server/db/sql';
import { DigestStatus } from './digest.entity';
import type { EngagementRule } from './engagement-rule.entity';
import { triggerOf } from './triggers';

/** The parts of a rule eligibility reads (a saved rule, or a draft being previewed). */
export type RuleForEligibility = Pick<
  EngagementRule,
  | 'id'
  | 'trigger'
  | 'inactivityDays'
  | 'everyDays'
  | 'minUnseen'
  | 'holdoutPercent'
  | 'audienceRoles'
  | 'audienceThemes'
  | 'audienceMemberships'
  | 'createdAt'
>;

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
  const query = eligibilitySql(rule, now, minIntervalDays, memberIds);
  return em.execute<EligibleMember[]>(query.text, [...query.params]);
}

/** Whether a job should (still) work on this member's digest for the period. */
export function needsWork(row: EligibleMember, now: Date, maxAttempts: number): boolean {
  if (row.digest_status === null) return !row.over_budget;
  if (row.digest_status === DigestStatus.PENDING || row.digest_status === DigestStatus.FAILED) {
    return (!row.digest_lease_until || row.digest_lease_until <= now) && row.digest_attempts < maxAttempts;
  }
  return false;
}
