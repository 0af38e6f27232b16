import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

/** A message in a session's live chat, kept so latecomers and the replay page can read it. */
@ObjectType('SessionChatMessage', { simpleResolvers: true })
export class SessionChatMessageRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Field(() => ID)
  sessionId!: string;

  @Property({ type: 'uuid' })
  authorId!: string;

  @Property({ type: 'text' })
  @Field()
  body!: string;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();
}

/** The managed chat message (see SessionChatMessageRow). */
@Entity({ tableName: 'session_chat_message' })
@Index({ properties: ['sessionId', 'createdAt', 'id'] })
export class SessionChatMessage extends SessionChatMessageRow {
  [OptionalProps]?: 'id' | 'createdAt';
}
