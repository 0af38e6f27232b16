import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { Member } from '../identity/member.entity';
import { NotificationKind, NotificationSubjectType } from './notification-kind';
import type { Key } from '../../server/db/read-model';

/** An in-app notification for one member. `actor` resolves through the member DataLoader. */
@ObjectType('Notification', { simpleResolvers: true })
export class NotificationRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Member, { ref: true, deleteRule: 'cascade' })
  recipient!: Key;

  @Property({ type: 'text' })
  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @ManyToOne(() => Member, { ref: true, nullable: true, deleteRule: 'set null' })
  actor: Key | null = null;

  @Property({ type: 'text' })
  @Field(() => NotificationSubjectType)
  subjectType!: NotificationSubjectType;

  @Property({ type: 'uuid' })
  @Field(() => ID)
  subjectId!: string;

  /** Kept as it was when notified: the subject may change or go, the notification still reads. */
  @Property({ type: 'text' })
  @Field({ description: 'Title of the content or session, or an excerpt of the comment or message, when the notification was made.' })
  subjectTitle!: string;

  /** Where the subject lives (the content of a comment, the conversation of a message), for deep links. */
  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The content of a comment, the conversation of a message.' })
  contextId: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  readAt: Date | null = null;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();
}

/** The managed notification (see NotificationRow). */
@Entity({ tableName: 'notification' })
@Index({ properties: ['recipient', 'createdAt', 'id'] })
// Moderation's decisions find notifications by subject, and the unread ones by actor (migration NotificationSubjectIndexes).
@Index({ name: 'notification_subject_index', properties: ['subjectType', 'subjectId'] })
@Index({ name: 'notification_actor_unread_index', properties: ['actor'], where: 'read_at is null' })
export class Notification extends NotificationRow {
  [OptionalProps]?: 'id' | 'actor' | 'readAt' | 'createdAt' | 'contextId';

  declare recipient: Ref<Member>;

  declare actor: Ref<Member> | null;
}
