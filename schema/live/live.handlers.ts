import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../server/context';
import { NotificationKind } from '../notification/notification-kind';
import { NotificationWriter } from '../notification/notification.service';

/** Notifies every active registrant of a session (batched by NotificationWriter). */
async function notifyRegistrants(deps: AppDeps, sessionId: string, kind: NotificationKind, actorId: string | null): Promise<void> {
  const em = deps.orm.em.fork() as EntityManager;
  const rows = await em.execute<{ member_id: string; title: string }[]>(
    `select r.member_id, s.title from session_registration r join live_session s on s.id = r.session_id
      where r.session_id = ? and r.cancelled_at is null and r.member_id is distinct from ?::uuid`,
    [sessionId, actorId],
  );
  await new NotificationWriter(em, deps.pubSub, deps.clock).notify(
    rows.map((row) => ({ recipientId: row.member_id, kind, actorId, subjectId: sessionId, subjectTitle: row.title })),
  );
}

/** Who hears about what happens to a live session. */
export function registerLiveHandlers(deps: AppDeps): void {
  deps.events.on('SESSION_LIVE', ({ sessionId }) => notifyRegistrants(deps, sessionId, NotificationKind.SESSION_LIVE, null));
  deps.events.on('SESSION_CANCELLED', ({ sessionId, actorId }) =>
    notifyRegistrants(deps, sessionId, NotificationKind.SESSION_CANCELLED, actorId),
  );
}
