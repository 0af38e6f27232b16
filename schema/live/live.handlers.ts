import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../server/context';
import { NotificationKind } from '../notification/notification-kind';
import { NotificationWriter } from '../notification/notification.service';
import { registrantsToNotify } from './sessions/sessions.queries';

/** Notifies every active registrant of a session (batched by NotificationWriter). */
async function notifyRegistrants(deps: AppDeps, sessionId: string, kind: NotificationKind, actorId: string | null): Promise<void> {
  const em = deps.orm.em.fork() as EntityManager;
  const rows = await registrantsToNotify(em, sessionId, actorId);
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
