import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export enum SessionEmailKind {
  /** "You are registered": sent within a minute of a new registration, with the calendar event. */
  REGISTERED = 'REGISTERED',
  REMINDER_24H = 'REMINDER_24H',
  REMINDER_15M = 'REMINDER_15M',
  /** "You missed it": the replay is ready and the registrant did not attend. */
  REPLAY_MISSED = 'REPLAY_MISSED',
}

/**
 * The guard of a session email to one registrant (sent once, bar the outbox's one resend window
 * documented in README): the primary key includes the
 * start time it was for, so moving a session gives reminders for the new time, once, and a job
 * run twice finds the row and sends nothing.
 */
@Entity({ tableName: 'session_reminder' })
export class SessionReminder {
  [OptionalProps]?: 'sentAt' | 'messageId';

  @PrimaryKey({ type: 'uuid' })
  sessionId!: string;

  @PrimaryKey({ type: 'uuid' })
  memberId!: string;

  @PrimaryKey({ type: 'text' })
  kind!: SessionEmailKind;

  @PrimaryKey({ type: 'datetime' })
  startsAt!: Date;

  @Property({ type: 'datetime' })
  claimedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  messageId: string | null = null;
}
