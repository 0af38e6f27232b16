import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../../../server/context';
import { NotificationKind } from '../../notification/notification-kind';
import { NotificationWriter } from '../../notification/notification-writer';
import { meetingNotice } from './networking.queries';

/**
 * Meeting notifications, written after the request or answer committed: the asked member hears of
 * a request (MEETING_REQUEST), the requester of an acceptance (MEETING_ACCEPTED); a decline is
 * silent. The subject title is the requester's message (or a plain label); contextId is the
 * session where they met, if any.
 */
export function registerMeetingHandlers(deps: AppDeps): void {
  async function notify(meetingId: string, recipientId: string, actorId: string, kind: NotificationKind, label: string) {
    const em = deps.orm.em.fork() as EntityManager;
    const meeting = await meetingNotice(em, meetingId);
    if (!meeting) return;
    await new NotificationWriter(em, deps.pubSub, deps.clock).notify([
      { recipientId, kind, actorId, subjectId: meetingId, subjectTitle: meeting.message ?? label, contextId: meeting.session_id },
    ]);
  }

  deps.events.on('MEETING_REQUESTED', ({ meetingId, requesterId, recipientId }) =>
    notify(meetingId, recipientId, requesterId, NotificationKind.MEETING_REQUEST, 'Meeting request'),
  );
  deps.events.on('MEETING_ACCEPTED', ({ meetingId, requesterId, recipientId }) =>
    notify(meetingId, requesterId, recipientId, NotificationKind.MEETING_ACCEPTED, 'Meeting accepted'),
  );
}
