import type { EntityManager } from '@mikro-orm/postgresql';
import { refreshContentPopularity } from '../schema/engagement/digest-content';
import { DIGEST_MAX_ATTEMPTS } from '../schema/engagement/digest-sender';
import { needsWork } from '../schema/engagement/eligibility';
import { eligibleMembers } from '../schema/engagement/engagement.queries';
import { EngagementRule } from '../schema/engagement/engagement-rule.entity';
import type { JobDefinition, JobDeps, JobQueue } from './job-deps';
import { SEND_DIGEST, type SendDigestData } from './send-digest.job';

export const EVALUATE_ENGAGEMENT_RULES = 'evaluate-engagement-rules';

export interface EvaluationSummary {
  rules: number;
  members: number;
  jobs: number;
}

/**
 * Every enabled rule: its eligible members, in SQL, minus those already handled for the period or
 * over the global budget, enqueued as send-digest jobs of `digestBatchSize` members (ids only).
 */
export async function evaluateEngagementRules(deps: JobDeps, queue: JobQueue): Promise<EvaluationSummary> {
  const em = deps.orm.em.fork() as EntityManager;
  await refreshContentPopularity(em);
  const rules = await em.find(EngagementRule, { enabled: true, deletedAt: null }, { orderBy: { createdAt: 'asc' } });
  const now = deps.clock.now();
  const summary: EvaluationSummary = { rules: rules.length, members: 0, jobs: 0 };
  for (const rule of rules) {
    const rows = await eligibleMembers(em, rule, now, deps.config.digestMinIntervalDays);
    const todo = rows.filter((row) => needsWork(row, now, DIGEST_MAX_ATTEMPTS));
    for (let start = 0; start < todo.length; start += deps.config.digestBatchSize) {
      const members = todo
        .slice(start, start + deps.config.digestBatchSize)
        .map((row) => ({ memberId: row.member_id, periodKey: row.period_key }));
      await queue.enqueue<SendDigestData>(SEND_DIGEST, { ruleId: rule.id, members });
      summary.jobs += 1;
    }
    summary.members += todo.length;
    rule.lastRunAt = now;
    rule.lastRunMembers = todo.length;
  }
  await em.flush();
  deps.logger.info({ job: EVALUATE_ENGAGEMENT_RULES, ...summary }, 'engagement rules evaluated');
  return summary;
}

export const evaluateEngagementRulesJob: JobDefinition = {
  name: EVALUATE_ENGAGEMENT_RULES,
  run: (deps, _data, queue) => evaluateEngagementRules(deps, queue),
  options: { concurrency: 1 },
  everyMs: (config) => config.rulesEveryMs,
};
