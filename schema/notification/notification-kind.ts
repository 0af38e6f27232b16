import { registerEnumType } from 'type-graphql';

/**
 * Every notification kind and what its subject is. Adding a kind is adding a line here (kinds are
 * stored as text, so no migration); the domain that raises it calls NotificationService.notify.
 */
export enum NotificationKind {
  CONTENT_PUBLISHED = 'CONTENT_PUBLISHED',
  COMMENT_REPLY = 'COMMENT_REPLY',
  COMMENT_ON_MY_CONTENT = 'COMMENT_ON_MY_CONTENT',
  MESSAGE_RECEIVED = 'MESSAGE_RECEIVED',
  SESSION_LIVE = 'SESSION_LIVE',
  SESSION_REMINDER = 'SESSION_REMINDER',
  SESSION_CANCELLED = 'SESSION_CANCELLED',
  MEETING_REQUEST = 'MEETING_REQUEST',
  MEETING_ACCEPTED = 'MEETING_ACCEPTED',
  /** To admins and moderators: a report opened a moderation case. */
  REPORT_FILED = 'REPORT_FILED',
  /** To its author: a moderator (or enough reporters) hid their item, comment or message (subjectType says which). */
  CONTENT_HIDDEN = 'CONTENT_HIDDEN',
}

export enum NotificationSubjectType {
  CONTENT = 'CONTENT',
  COMMENT = 'COMMENT',
  MESSAGE = 'MESSAGE',
  SESSION = 'SESSION',
  MEETING = 'MEETING',
  MODERATION_CASE = 'MODERATION_CASE',
}

export const NOTIFICATION_SUBJECT: Record<NotificationKind, NotificationSubjectType> = {
  [NotificationKind.CONTENT_PUBLISHED]: NotificationSubjectType.CONTENT,
  [NotificationKind.COMMENT_REPLY]: NotificationSubjectType.COMMENT,
  [NotificationKind.COMMENT_ON_MY_CONTENT]: NotificationSubjectType.COMMENT,
  [NotificationKind.MESSAGE_RECEIVED]: NotificationSubjectType.MESSAGE,
  [NotificationKind.SESSION_LIVE]: NotificationSubjectType.SESSION,
  [NotificationKind.SESSION_REMINDER]: NotificationSubjectType.SESSION,
  [NotificationKind.SESSION_CANCELLED]: NotificationSubjectType.SESSION,
  [NotificationKind.MEETING_REQUEST]: NotificationSubjectType.MEETING,
  [NotificationKind.MEETING_ACCEPTED]: NotificationSubjectType.MEETING,
  [NotificationKind.REPORT_FILED]: NotificationSubjectType.MODERATION_CASE,
  // The default: a hidden comment or message names its own type (NewNotification.subjectType).
  [NotificationKind.CONTENT_HIDDEN]: NotificationSubjectType.CONTENT,
};

registerEnumType(NotificationKind, { name: 'NotificationKind' });
registerEnumType(NotificationSubjectType, { name: 'NotificationSubjectType' });
