import { PrimaryKeyProp, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Member } from '../identity/member.entity';
import { Conversation } from './conversation.entity';

/** A member's seat in a conversation: read position and whether they left it. */
@Entity({ tableName: 'conversation_participant' })
@Index({ properties: ['member', 'conversation'] })
export class ConversationParticipant {
  [PrimaryKeyProp]?: ['conversation', 'member'];

  @ManyToOne(() => Conversation, { primary: true, ref: true, deleteRule: 'cascade' })
  conversation!: Ref<Conversation>;

  @ManyToOne(() => Member, { primary: true, ref: true, deleteRule: 'cascade' })
  member!: Ref<Member>;

  @Property({ type: 'datetime', nullable: true })
  lastReadAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  leftAt: Date | null = null;
}
