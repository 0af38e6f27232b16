import { DigestStatus } from './digest.entity';
import type { EngagementRule } from './engagement-rule.entity';
import type { EligibleMember } from './engagement.queries';

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

/** Whether a job should (still) work on this member's digest for the period. */
export function needsWork(row: EligibleMember, now: Date, maxAttempts: number): boolean {
  if (row.digest_status === null) return !row.over_budget;
  if (row.digest_status === DigestStatus.PENDING || row.digest_status === DigestStatus.FAILED) {
    return (!row.digest_lease_until || row.digest_lease_until <= now) && row.digest_attempts < maxAttempts;
  }
  return false;
}
