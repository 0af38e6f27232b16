import { Agenda, backoffStrategies } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { EVALUATE_ENGAGEMENT_RULES, evaluateEngagementRules } from './evaluate-engagement-rules.job';
import type { JobDeps, JobQueue } from './job-deps';
import { SEND_DIGEST, sendDigestBatch, type SendDigestData } from './send-digest.job';
import { SEND_SESSION_REMINDERS, SESSION_REMINDERS_EVERY_MS, sendSessionReminders } from './send-session-reminders.job';

export interface JobRunner {
  agenda: Agenda;
  queue: JobQueue;
  /** Finishes the jobs in hand, then stops taking new ones. */
  stop(): Promise<void>;
}

/** Every job, registered on one Agenda whose jobs live in PostgreSQL (agenda_jobs). */
export function createJobRunner(deps: JobDeps, databaseUrl: string, options: { processEveryMs?: number } = {}): JobRunner {
  const agenda = new Agenda({
    backend: new PostgresBackend({ connectionString: databaseUrl }),
    processEvery: options.processEveryMs ?? 1000,
    defaultLockLifetime: deps.config.jobLockLifetimeMs,
    maxConcurrency: 8,
  });
  agenda.on('error', (err) => deps.logger.error({ err }, 'job scheduler error'));
  agenda.on('fail', (err, job) => deps.logger.warn({ err, job: job.attrs.name, jobId: String(job.attrs._id) }, 'job failed'));
  const queue: JobQueue = {
    async enqueue(name, data) {
      await agenda.create(name, data).save();
    },
  };
  agenda.define(EVALUATE_ENGAGEMENT_RULES, async () => {
    await evaluateEngagementRules(deps, queue);
  }, { concurrency: 1 });
  agenda.define<SendDigestData>(SEND_DIGEST, async (job) => {
    await sendDigestBatch(deps, job.attrs.data);
  }, { concurrency: 4, backoff: backoffStrategies.exponential({ delay: 2000, maxDelay: 5 * 60_000, maxRetries: 8 }) });
  // No backoff: the next run, a minute later, retries whatever is left.
  agenda.define(SEND_SESSION_REMINDERS, async () => {
    await sendSessionReminders(deps);
  }, { concurrency: 1 });
  return {
    agenda,
    queue,
    async stop() {
      await agenda.drain({ timeout: deps.config.jobLockLifetimeMs, closeConnection: true });
    },
  };
}

/** Starts processing and schedules the recurring jobs (one schedule each, whatever the worker count). */
export async function startJobs(runner: JobRunner, rulesEveryMs: number): Promise<void> {
  await runner.agenda.start();
  await runner.agenda.every(rulesEveryMs, EVALUATE_ENGAGEMENT_RULES);
  await runner.agenda.every(SESSION_REMINDERS_EVERY_MS, SEND_SESSION_REMINDERS);
}
