import { Digest } from '../../schema/engagement/digest.entity';
import { DigestClick } from '../../schema/engagement/digest-click.entity';
import { EngagementRule } from '../../schema/engagement/engagement-rule.entity';
import { Comment } from '../../schema/content/comment.entity';
import { Content } from '../../schema/content/content.entity';
import { MemberInterest } from '../../schema/content/member-interest.entity';
import { Theme } from '../../schema/content/theme.entity';
import { Block } from '../../schema/conversation/block.entity';
import { ConversationParticipant } from '../../schema/conversation/conversation-participant.entity';
import { Conversation } from '../../schema/conversation/conversation.entity';
import { Message } from '../../schema/conversation/message.entity';
import { Member } from '../../schema/identity/member.entity';
import { RefreshToken } from '../../schema/identity/refresh-token.entity';
import { Notification } from '../../schema/notification/notification.entity';
import { ContentView } from '../../schema/tracking/content-view.entity';
import { Visit } from '../../schema/tracking/visit.entity';
import { AttendanceSegment } from '../../schema/live/sessions/attendance-segment.entity';
import { Lead } from '../../schema/live/leads/lead.entity';
import { LiveKitEventRecord } from '../../schema/live/sessions/livekit-event.entity';
import { LiveSession } from '../../schema/live/sessions/live-session.entity';
import { Meeting } from '../../schema/live/networking/meeting.entity';
import { SessionRegistration } from '../../schema/live/sessions/registration.entity';
import { SessionChatMessage } from '../../schema/live/chat/session-chat-message.entity';
import { SessionReminder } from '../../schema/live/reminders/session-reminder.entity';
import { ModerationCase } from '../../schema/moderation/moderation-case.entity';
import { ModerationLogEntry } from '../../schema/moderation/moderation-log-entry.entity';
import { Report } from '../../schema/moderation/report.entity';

/** Every persisted entity, by domain. A domain adds its entities here (and a migration). */
export const entities = [
  // identity
  Member,
  RefreshToken,
  // content
  Theme,
  MemberInterest,
  Content,
  Comment,
  // conversation
  Conversation,
  ConversationParticipant,
  Message,
  Block,
  // notification
  Notification,
  // tracking
  Visit,
  ContentView,
  // engagement
  EngagementRule,
  Digest,
  DigestClick,
  // live
  LiveSession,
  SessionRegistration,
  AttendanceSegment,
  LiveKitEventRecord,
  SessionChatMessage,
  SessionReminder,
  Meeting,
  Lead,
  // moderation
  ModerationCase,
  Report,
  ModerationLogEntry,
];
