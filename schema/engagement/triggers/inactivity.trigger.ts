import { sql } from '../../../server/db/sql';
import type { EngagementTriggerDefinition } from './trigger';

/**
 * PRODUCT.md INACTIVITY(days): a member whose last visit is at least `days` days old; not again
 * until they visit again or `days` more days pass. The period key is therefore the last visit
 * (a member who never visited counts from joining) and how many whole `days` have passed since.
 */
export const inactivityTrigger: EngagementTriggerDefinition<'INACTIVITY'> = {
  kind: 'INACTIVITY',
  description: 'Members whose last visit is at least `inactivityDays` days old; again after each further `inactivityDays` without a visit.',
  eligible(rule, now) {
    const days = rule.inactivityDays;
    return sql`
      select a.id as member_id,
        'inactivity:' || ${days}::int || 'd:' || (extract(epoch from s.since) * 1000)::bigint
          || ':' || floor(extract(epoch from (${now}::timestamptz - s.since)) / (${days}::int * 86400))::int as period_key
      from audience a cross join lateral (select coalesce(a.last_visit_at, a.created_at) as since) s
      where s.since <= ${now}::timestamptz - make_interval(days => ${days}::int)`;
  },
  quietDays: (rule) => rule.inactivityDays,
};
