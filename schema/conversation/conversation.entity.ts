import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A one-to-one conversation. `pairKey` ("<smaller id>:<larger id>") is unique, so two members have
 * at most one conversation even when both write first at the same moment.
 */
@ObjectType('Conversation', { simpleResolvers: true })
export class ConversationRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  pairKey!: string;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  @Index()
  @Field({ description: 'When the newest message was sent; conversations sort by it.' })
  lastMessageAt: Date = new Date();
}

/** The managed conversation (see ConversationRow). */
@Entity({ tableName: 'conversation' })
export class Conversation extends ConversationRow {
  [OptionalProps]?: 'id' | 'createdAt' | 'lastMessageAt';
}

export const pairKeyOf = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
