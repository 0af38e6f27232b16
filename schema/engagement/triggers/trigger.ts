import type { Sql } from '../../../server/db/sql';

/** What a trigger reads from its rule. */
export interface TriggerRule {
  inactivityDays: number;
  everyDays: number;
  minUnseen: number;
  createdAt: Date;
}

/**
 * One way a rule decides who gets a digest and for which period. A trigger is one file: its kind
 * (the GraphQL enum value), and the SQL that, from the CTE `audience(id, last_visit_at, created_at)`,
 * selects `(member_id, period_key)` at `now`. The period key names the period a member may get one
 * digest for; the same key must come out for the same member until that period is over.
 */
export interface EngagementTriggerDefinition<Kind extends string = string> {
  kind: Kind;
  description: string;
  eligible(rule: TriggerRule, now: Date): Sql;
  /**
   * Days before `now` in which every member the trigger selects has, by its very condition, no
   * visit (INACTIVITY: `inactivityDays`). Their habit is read before them: that span is zero for
   * everyone selected, where the outcome after a digest is not (minimum-detectable-lift.ts).
   */
  quietDays?(rule: TriggerRule): number;
}

export const DAY_MS = 86_400_000;
