import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { Member } from '../identity/member.entity';
import { Conversation } from './conversation.entity';
import type { Key } from '../../server/db/read-model';

@ObjectType('Message', { simpleResolvers: true })
export class MessageRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Conversation, { ref: true, deleteRule: 'cascade' })
  conversation!: Key;

  @ManyToOne(() => Member, { ref: true, deleteRule: 'cascade' })
  sender!: Key;

  @Property({ type: 'text' })
  @Field()
  body!: string;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  /** Hidden by a moderator (or automatically after enough reports): only its author and moderators still see it. */
  @Property({ type: 'datetime', nullable: true })
  hiddenAt: Date | null = null;
}

/** The managed message (see MessageRow). */
@Entity({ tableName: 'message' })
@Index({ properties: ['conversation', 'createdAt', 'id'] })
// A suspension finds the member's messages by sender (notificationsByMember; migration AuthorIndexes).
@Index({ name: 'message_sender_id_index', properties: ['sender'] })
export class Message extends MessageRow {
  [OptionalProps]?: 'id' | 'createdAt' | 'hiddenAt';

  declare conversation: Ref<Conversation>;

  declare sender: Ref<Member>;
}
