import { announceEndedSuspensions } from '../schema/moderation/suspension-ends';
import { createHearthPubSub } from '../server/pubsub';
import type { JobDefinition, JobDeps } from './job-deps';

export const ANNOUNCE_SUSPENSION_ENDS = 'announce-suspension-ends';

/**
 * Readers' unread counts are told within a minute of a suspension's end, as session reminders are
 * due to the minute: one indexed query on the few suspended members (member_suspended_index) and
 * one row written per run.
 */
export const SUSPENSION_ENDS_EVERY_MS = 60_000;

/**
 * Every minute: the suspensions that ran out since the last run, their readers told their new
 * unread count (schema/moderation/suspension-ends.ts). Idempotent: a watermark says what was told.
 */
export async function announceSuspensionEnds(deps: JobDeps): Promise<{ members: number; readers: number }> {
  const told = await announceEndedSuspensions(
    // Without the worker's pub/sub (a bare JobDeps) nobody is connected to hear it.
    { orm: deps.orm, clock: deps.clock, pubSub: deps.pubSub ?? createHearthPubSub(undefined).pubSub },
    { key: ANNOUNCE_SUSPENSION_ENDS, firstLookBackMs: SUSPENSION_ENDS_EVERY_MS },
  );
  if (told.members) deps.logger.info({ job: ANNOUNCE_SUSPENSION_ENDS, ...told }, 'suspension ends announced');
  return told;
}

/** No backoff: the next run, a minute later, takes up from the watermark whatever is left. */
export const announceSuspensionEndsJob: JobDefinition = {
  name: ANNOUNCE_SUSPENSION_ENDS,
  run: (deps) => announceSuspensionEnds(deps),
  options: { concurrency: 1 },
  everyMs: () => SUSPENSION_ENDS_EVERY_MS,
};
