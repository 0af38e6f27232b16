import { Agenda, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { Pool } from 'pg';
import { createPool, type DatabaseTimeouts } from '../server/db/pool';
import { throttledWarning } from '../server/unavailable';
import type { Config } from '../server/env';
import { modules } from '../schema/modules';
import type { JobDefinition, JobDeps, JobQueue } from './job-deps';

/** Every domain's jobs, from the module list. */
const jobs: JobDefinition[] = modules.flatMap((module) => module.jobs ?? []);

export interface JobRunner {
  agenda: Agenda;
  queue: JobQueue;
  /** Tells running jobs to wrap up, waits for them (a few seconds at most), releases every job this worker holds. */
  stop(): Promise<void>;
}

/** How long a stopping worker waits for its running jobs: the process exits within 10 s of SIGTERM. */
export const JOB_DRAIN_MS = 4_000;

/** Connections of the scheduler: job polling, locks and state, plus its LISTEN connection. */
const SCHEDULER_POOL_SIZE = 4;

export interface JobRunnerOptions {
  processEveryMs?: number;
  timeouts?: DatabaseTimeouts;
  /** Aborted when the worker stops: long jobs check it between units of work. */
  stopping?: AbortController;
}

/**
 * Agenda on a pool of our own, so every connection has an error listener and the request
 * timeouts; its LISTEN channel reconnects by itself, and its errors are logged (without a
 * listener, a PostgreSQL restart ended the process). Errors repeat every poll during an outage:
 * logged once per 10 s.
 */
function schedulerBackend(deps: JobDeps, databaseUrl: string, timeouts?: DatabaseTimeouts): { backend: PostgresBackend; pool: Pool } {
  const pool = createPool(databaseUrl, { max: SCHEDULER_POOL_SIZE, timeouts, logger: deps.logger, name: 'job scheduler' });
  const backend = new PostgresBackend({ pool });
  backend.notificationChannel?.on('error', throttledWarning(deps.logger, 'job notifications (LISTEN) interrupted; reconnecting'));
  return { backend, pool };
}

/** Every job, registered on one Agenda whose jobs live in PostgreSQL (agenda_jobs). */
export function createJobRunner(deps: JobDeps, databaseUrl: string, options: JobRunnerOptions = {}): JobRunner {
  const { backend, pool } = schedulerBackend(deps, databaseUrl, options.timeouts);
  const agenda = new Agenda({
    backend,
    processEvery: options.processEveryMs ?? 1000,
    defaultLockLifetime: deps.config.jobLockLifetimeMs,
    maxConcurrency: 8,
  });
  agenda.on('error', throttledWarning(deps.logger, 'job scheduler error'));
  agenda.on('fail', (err, job) => deps.logger.warn({ err, job: job.attrs.name, jobId: String(job.attrs._id) }, 'job failed'));
  const queue: JobQueue = {
    async enqueue(name, data) {
      await agenda.create(name, data).save();
    },
  };
  for (const job of jobs) {
    agenda.define(
      job.name,
      async (run: Job) => {
        await job.run(deps, run.attrs.data, queue);
      },
      job.options,
    );
  }
  return {
    agenda,
    queue,
    async stop() {
      options.stopping?.abort();
      await releaseJobs(agenda);
      await pool.end();
    },
  };
}

/**
 * Waits up to JOB_DRAIN_MS for the running jobs (each records its outcome and unlocks itself), then
 * unlocks what this worker still holds (jobs fetched but not started, jobs still running) so that
 * another worker takes them now rather than after JOB_LOCK_LIFETIME. Jobs are idempotent, so one
 * cut short and run again elsewhere sends nothing twice.
 */
async function releaseJobs(agenda: Agenda): Promise<void> {
  const stats = await agenda.getRunningStats(true).catch(() => null);
  const held = stats && Array.isArray(stats.lockedJobs) ? (stats.lockedJobs as { _id?: unknown }[]).map((job) => String(job._id)) : [];
  const finished = new Set<string>();
  const onComplete = (job: Job) => finished.add(String(job.attrs._id));
  agenda.on('complete', onComplete);
  try {
    await agenda.drain({ timeout: JOB_DRAIN_MS, closeConnection: false });
  } finally {
    agenda.off('complete', onComplete);
  }
  const left = held.filter((id) => !finished.has(id));
  if (left.length) await agenda.db.unlockJobs(left);
}

/** Starts processing and schedules the recurring jobs (one schedule each, whatever the worker count). */
export async function startJobs(runner: JobRunner, config: Config): Promise<void> {
  await runner.agenda.start();
  for (const job of jobs) if (job.everyMs) await runner.agenda.every(job.everyMs(config), job.name);
}
