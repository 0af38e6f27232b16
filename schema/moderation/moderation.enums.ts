import { registerEnumType } from 'type-graphql';

/** What a report is about. */
export enum ReportKind {
  CONTENT = 'CONTENT',
  COMMENT = 'COMMENT',
  MESSAGE = 'MESSAGE',
  MEMBER = 'MEMBER',
}

export enum ReportReason {
  SPAM = 'SPAM',
  HARASSMENT = 'HARASSMENT',
  OFF_TOPIC = 'OFF_TOPIC',
  OTHER = 'OTHER',
}

export enum ModerationCaseStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

/** How a moderator closes a case. */
export enum ModerationAction {
  /** Nothing wrong: the case closes and anything auto-hidden shows again. */
  DISMISS = 'DISMISS',
  /** The subject stays for its author (with a notice) and moderators, and vanishes for everyone else. */
  HIDE = 'HIDE',
  /** The subject is deleted (a comment keeps its place in the thread, as when its author deletes it). */
  DELETE = 'DELETE',
  /** The subject's author (the member, for a MEMBER report) is suspended; the case note is the reason. */
  SUSPEND_AUTHOR = 'SUSPEND_AUTHOR',
}

/** What the moderation log records. */
export enum ModerationLogAction {
  DISMISS = 'DISMISS',
  HIDE = 'HIDE',
  DELETE = 'DELETE',
  SUSPEND = 'SUSPEND',
  UNSUSPEND = 'UNSUSPEND',
  /** Hidden automatically after enough distinct reporters (no moderator: `actor` is null). */
  AUTO_HIDE = 'AUTO_HIDE',
}

registerEnumType(ReportKind, { name: 'ReportKind', description: 'What a report is about.' });
registerEnumType(ReportReason, { name: 'ReportReason' });
registerEnumType(ModerationCaseStatus, { name: 'ModerationCaseStatus' });
registerEnumType(ModerationAction, { name: 'ModerationAction', description: 'How resolveReport closes a case.' });
registerEnumType(ModerationLogAction, { name: 'ModerationLogAction' });
