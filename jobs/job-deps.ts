import type { Agenda } from 'agenda';
import type { Logger } from 'pino';
import type { Clock } from '../server/clock';
import type { Orm } from '../server/db/orm';
import type { Config } from '../server/env';
import type { Mailer } from '../server/mailer';
import type { HearthPubSub } from '../server/pubsub';

/** What every job receives from the worker itself: made once per worker process. */
export interface JobBase {
  config: Config;
  orm: Orm;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  /** Announces what jobs write (notifications) to open subscriptions; shared with the API in-process. */
  pubSub?: HearthPubSub;
  /** Aborted when the worker stops: a job finishes the unit in hand and leaves the rest to its retry. */
  stopping?: AbortSignal;
}

/**
 * Collaborators of the domains' jobs (each module's `jobServices`), merged in by each domain:
 * `declare module '../../jobs/job-deps' { interface JobServices { ... } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobServices {}

/** What every job receives. */
export interface JobDeps extends JobBase, JobServices {}

/** Jobs enqueue other jobs through this, so they need not know Agenda. */
export interface JobQueue {
  enqueue<Data>(name: string, data: Data): Promise<void>;
}

type AgendaDefineOptions = NonNullable<Parameters<Agenda['define']>[2]>;

/** One Agenda job, listed by its domain module (`jobs`); jobs carry ids only and are idempotent. */
export interface JobDefinition<Data = any> {
  name: string;
  run(deps: JobDeps, data: Data, queue: JobQueue): Promise<unknown>;
  options?: AgendaDefineOptions;
  /** A recurring job: how often it runs (one schedule, whatever the worker count). */
  everyMs?(config: Config): number;
}
