import { EmailLinks } from '../schema/engagement/email-links';
import { SessionReminders, type SendCounts, type SessionRemindersOptions } from '../schema/live/reminders/session-reminders.service';
import type { SessionEmailKind } from '../schema/live/reminders/session-reminder.entity';
import { createHearthPubSub } from '../server/pubsub';
import type { JobDefinition, JobDeps } from './job-deps';

export const SEND_SESSION_REMINDERS = 'send-session-reminders';

/** Reminders are due to the minute: the scan is one indexed query per kind, cheap enough to run this often. */
export const SESSION_REMINDERS_EVERY_MS = 60_000;

export function createSessionReminders(deps: JobDeps, overrides: Partial<SessionRemindersOptions> = {}): SessionReminders {
  const { config } = deps;
  return new SessionReminders({
    orm: deps.orm,
    mailer: deps.mailer,
    // Without the worker's pub/sub (a bare JobDeps) the notifications are still written; nobody hears them live.
    pubSub: deps.pubSub ?? createHearthPubSub(undefined).pubSub,
    clock: deps.clock,
    logger: deps.logger,
    links: new EmailLinks(config.jwtSecret, config.publicUrl),
    publicUrl: config.publicUrl,
    communityName: config.communityName,
    communityLocale: config.communityLocale,
    communityTimezone: config.communityTimezone,
    mailFrom: config.mailFrom,
    leaseMs: config.jobLockLifetimeMs,
    stopping: deps.stopping,
    ...overrides,
  });
}

/**
 * Every minute: 24-hour and 15-minute reminders and "you missed it" emails that are due and not yet
 * sent. Idempotent (a guard row per registrant, kind and start time), so overlapping runs are harmless.
 */
export async function sendSessionReminders(deps: JobDeps): Promise<Record<SessionEmailKind, SendCounts>> {
  const counts = await createSessionReminders(deps).run();
  deps.logger.info({ job: SEND_SESSION_REMINDERS, ...counts }, 'session reminders');
  return counts;
}

/** No backoff: the next run, a minute later, retries whatever is left. */
export const sendSessionRemindersJob: JobDefinition = {
  name: SEND_SESSION_REMINDERS,
  run: (deps) => sendSessionReminders(deps),
  options: { concurrency: 1 },
  everyMs: () => SESSION_REMINDERS_EVERY_MS,
};
