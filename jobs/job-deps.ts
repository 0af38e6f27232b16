import type { Logger } from 'pino';
import type { Clock } from '../server/clock';
import type { Orm } from '../server/db/orm';
import type { Config } from '../server/env';
import type { Mailer } from '../server/mailer';
import type { HearthPubSub } from '../server/pubsub';
import type { DigestSender } from '../schema/engagement/digest-sender';

/** What every job receives: made once per worker process. */
export interface JobDeps {
  config: Config;
  orm: Orm;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  digests: DigestSender;
  /** Announces what jobs write (notifications) to open subscriptions; shared with the API in-process. */
  pubSub?: HearthPubSub;
  /** Aborted when the worker stops: a job finishes the unit in hand and leaves the rest to its retry. */
  stopping?: AbortSignal;
}

/** Jobs enqueue other jobs through this, so they need not know Agenda. */
export interface JobQueue {
  enqueue<Data>(name: string, data: Data): Promise<void>;
}
