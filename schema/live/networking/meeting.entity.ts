import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum MeetingStatus {
  REQUESTED = 'REQUESTED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
}
registerEnumType(MeetingStatus, { name: 'MeetingStatus' });

/** A business meeting one member asks another for, held in the private room `meeting-<id>`. */
@ObjectType('Meeting', { simpleResolvers: true })
export class MeetingRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  requesterId!: string;

  @Property({ type: 'uuid' })
  recipientId!: string;

  /** The session where they met, if any. */
  @Property({ type: 'uuid', nullable: true })
  sessionId: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  message: string | null = null;

  @Property({ type: 'datetime' })
  @Field()
  proposedStart!: Date;

  @Enum({ items: () => MeetingStatus, nativeEnumName: 'meeting_status' })
  @Field(() => MeetingStatus)
  status: MeetingStatus = MeetingStatus.REQUESTED;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  respondedAt: Date | null = null;
}

/** The managed meeting (see MeetingRow). */
@Entity({ tableName: 'meeting' })
@Index({ properties: ['requesterId', 'createdAt'] })
@Index({ properties: ['recipientId', 'createdAt'] })
@Index({ properties: ['sessionId'] })
export class Meeting extends MeetingRow {
  [OptionalProps]?: 'id' | 'sessionId' | 'message' | 'status' | 'createdAt' | 'respondedAt';
}
