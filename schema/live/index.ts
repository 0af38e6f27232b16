import { sendSessionRemindersJob } from '../../jobs/send-session-reminders.job';
import { LiveKitRooms, type LiveRooms } from '../../integrations/livekit/room-client';
import { LiveKitWebhooks } from '../../integrations/livekit/webhooks';
import type { HearthModule } from '../../server/module';
import { SessionChatMessage } from './chat/session-chat-message.entity';
import { SessionChatResolver } from './chat/session-chat.resolver';
import { Lead } from './leads/lead.entity';
import { LeadResolver } from './leads/lead.resolver';
import { registerLiveHandlers } from './live.handlers';
import { createLiveLoaders, createLiveViewerLoaders } from './live.loaders';
import { registerMeetingHandlers } from './networking/meeting.handlers';
import { Meeting } from './networking/meeting.entity';
import { MeetingResolver } from './networking/meeting.resolver';
import { NetworkingResolver } from './networking/networking.resolver';
import { SessionReminder } from './reminders/session-reminder.entity';
import { AttendanceSegment } from './sessions/attendance-segment.entity';
import { LiveKitEventRecord } from './sessions/livekit-event.entity';
import { registerLiveKitWebhookRoute } from './sessions/livekit-webhook.route';
import { LiveSession } from './sessions/live-session.entity';
import { LiveSessionResolver } from './sessions/live-session.resolver';
import { LiveStatsResolver } from './sessions/live-stats.resolver';
import { SessionRegistration } from './sessions/registration.entity';
import { RegistrationResolver } from './sessions/registration.resolver';
import { SessionRosters } from './sessions/session-roster';

declare module '../../server/context' {
  interface DomainDeps {
    /** LiveKit's room and egress APIs (a recording fake in tests). */
    liveRooms: LiveRooms;
    liveWebhooks: LiveKitWebhooks;
    rosters: SessionRosters;
  }
}

declare module '../../server/pubsub' {
  interface Topics {
    /** Routed by session id: its status, schedule or replay changed. */
    LIVE_SESSION_UPDATED: [string, { sessionId: string }];
    /** Who may enter a session's room changed: every instance drops its roster (SessionRosters). */
    LIVE_ROSTER_CHANGED: [{ sessionId: string }];
    /** Routed by session id. */
    SESSION_CHAT_MESSAGE_ADDED: [string, { messageId: string }];
  }
}

declare module '../../server/events' {
  interface DomainEvents {
    /** An admin cancelled a session; its registrants hear about it. */
    SESSION_CANCELLED: { sessionId: string; actorId: string };
    /** LiveKit reported the session's room started. */
    SESSION_LIVE: { sessionId: string };
    /** The room of an autoRecord session started: its recording starts. */
    SESSION_RECORDING_DUE: { sessionId: string };
    /** A session's schedule, speakers, status or replay changed: who may join is read again, subscribers hear of it. */
    SESSION_CHANGED: { sessionId: string };
    /** A member registered for a session or cancelled: who may join is read again. */
    SESSION_REGISTRATION_CHANGED: { sessionId: string; memberId: string };
    SESSION_CHAT_MESSAGE_SENT: { messageId: string; sessionId: string; authorId: string };
    /** LiveKit reported a participant's connection (attendance segment) joined, or ended (left, or closed by the room's end). */
    SESSION_ATTENDANCE_JOINED: { sessionId: string; participantSid: string };
    SESSION_ATTENDANCE_LEFT: { sessionId: string; participantSid: string };
    MEETING_REQUESTED: { meetingId: string; requesterId: string; recipientId: string };
    MEETING_ACCEPTED: { meetingId: string; requesterId: string; recipientId: string };
  }
}

/** Live sessions in LiveKit rooms: sessions, chat, networking, leads and reminders. */
export const liveModule: HearthModule = {
  name: 'live',
  entities: [LiveSession, SessionRegistration, AttendanceSegment, LiveKitEventRecord, SessionChatMessage, SessionReminder, Meeting, Lead],
  resolvers: [
    LiveSessionResolver,
    RegistrationResolver,
    MeetingResolver,
    NetworkingResolver,
    LeadResolver,
    LiveStatsResolver,
    SessionChatResolver,
  ],
  provide: ({ config, orm, pubSub, clock }) => ({
    liveRooms: new LiveKitRooms({ ...config.liveKit, url: config.liveKitApiUrl }),
    liveWebhooks: new LiveKitWebhooks(config.liveKit),
    rosters: new SessionRosters(orm, pubSub, clock),
  }),
  loaders: createLiveLoaders,
  viewerLoaders: createLiveViewerLoaders,
  handlers: (deps) => {
    registerLiveHandlers(deps);
    registerMeetingHandlers(deps);
  },
  routes: registerLiveKitWebhookRoute,
  start: (deps) => deps.rosters.listen(),
  stop: [['session rosters', (deps) => deps.rosters.stop()]],
  jobs: [sendSessionRemindersJob],
};
