import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../server/clock';
import type { Orm } from '../../server/db/orm';
import type { HearthPubSub } from '../../server/pubsub';
import { readersAffectedBy } from '../notification/notification.queries';
import { NotificationWriter } from '../notification/notification-writer';
import { ReportKind } from './moderation.enums';
import { suspensionsEndedBetween } from './moderation.queries';

export interface SuspensionEndsDeps {
  orm: Orm;
  pubSub: HearthPubSub;
  clock: Clock;
}

export interface SuspensionEndsOptions {
  /** The key of the sweep's watermark (job_watermark.job). */
  key: string;
  /** How far back the very first sweep looks: nothing before it was ever announced, nor missed. */
  firstLookBackMs: number;
}

/**
 * A suspension that runs out at `until` shows again what it hid, as a lift does, but no request
 * emits anything then: this sweep, run by the worker, tells the readers of every suspension that
 * ended since the previous sweep their new unread count, as MODERATION_VISIBILITY_CHANGED's handler
 * does for a lift (the same readers, the same NotificationWriter, so on every instance through
 * pub/sub). A lifted suspension is null and an extended one ends later, so neither is told at its
 * old `until`. The watermark row is locked for the sweep, so two workers never tell the same end
 * twice; a sweep that dies after telling and before its commit is repeated: a second, harmless
 * recount. Answers how many suspensions ended and how many readers were told.
 */
export async function announceEndedSuspensions(
  deps: SuspensionEndsDeps,
  { key, firstLookBackMs }: SuspensionEndsOptions,
): Promise<{ members: number; readers: number }> {
  const now = deps.clock.now();
  return (deps.orm.em.fork() as EntityManager).transactional(async (tx) => {
    const em = tx as EntityManager;
    // Creates the watermark on the first sweep and locks it either way (a write, so it waits for a sweep in hand and reads its result).
    const [{ swept_until: sweptUntil }] = await em.execute<{ swept_until: Date | string }[]>(
      `insert into job_watermark (job, swept_until) values (?, ?::timestamptz)
       on conflict (job) do update set swept_until = job_watermark.swept_until returning swept_until`,
      [key, new Date(now.getTime() - firstLookBackMs)],
    );
    const since = new Date(sweptUntil);
    // The watermark never goes back: a worker whose clock is behind the last sweep's waits for it.
    if (since.getTime() >= now.getTime()) return { members: 0, readers: 0 };
    const ended = await suspensionsEndedBetween(em, since, now);
    const writer = new NotificationWriter(em, deps.pubSub, deps.clock);
    let readers = 0;
    for (const memberId of ended) {
      const affected = await readersAffectedBy(em, { kind: ReportKind.MEMBER, subjectId: memberId, authorId: memberId });
      await writer.announceCounts(affected);
      readers += affected.length;
    }
    await em.execute(`update job_watermark set swept_until = ?::timestamptz where job = ?`, [now, key]);
    return { members: ended.length, readers };
  });
}
