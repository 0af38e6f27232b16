import type { EntityManager } from '@mikro-orm/postgresql';
import pino from 'pino';
import type { JobDeps, JobQueue } from '../jobs/job-deps';
import { EngagementRule } from '../schema/engagement/engagement-rule.entity';
import { SmtpMailer } from '../server/mailer';
import { createDigestSender } from '../jobs/send-digest.job';
import type { TestServer } from './server';

/** A persisted rule with PRODUCT.md defaults; enabled, no holdout unless overridden. */
export async function buildRule(em: EntityManager, createdById: string, overrides: Partial<EngagementRule> = {}): Promise<EngagementRule> {
  const rule = em.create(EngagementRule, {
    name: 'Come back',
    trigger: 'INACTIVITY',
    inactivityDays: 7,
    everyDays: 10,
    minUnseen: 3,
    maxItems: 6,
    audienceRoles: [],
    audienceThemes: [],
    audienceMemberships: [],
    holdoutPercent: 0,
    enabled: true,
    createdById,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  });
  await em.flush();
  return rule;
}

/** Job dependencies on a test server's database, clock and pub/sub, sending to `smtpUrl`. */
export function jobDeps(server: TestServer, smtpUrl: string): JobDeps {
  const base = {
    config: server.config,
    orm: server.hearth.deps.orm,
    clock: server.clock,
    logger: pino({ level: 'silent' }),
    mailer: new SmtpMailer(smtpUrl),
  };
  return { ...base, digests: createDigestSender(base), pubSub: server.hearth.deps.pubSub };
}

/** A queue that keeps what jobs enqueue, so a test can run them itself. */
export function collectingQueue(): JobQueue & { jobs: { name: string; data: any }[] } {
  const jobs: { name: string; data: any }[] = [];
  return {
    jobs,
    async enqueue(name, data) {
      jobs.push({ name, data });
    },
  };
}
