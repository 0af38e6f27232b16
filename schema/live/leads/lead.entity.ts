import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum LeadSource {
  /** Attended one of the partner's sessions for at least LEAD_MIN_ATTENDED_MINUTES. */
  ATTENDED = 'ATTENDED',
  /** Watched the replay of one of the partner's sessions. */
  REPLAY_VIEWED = 'REPLAY_VIEWED',
  /** Had an accepted meeting with the partner. */
  MEETING = 'MEETING',
}
registerEnumType(LeadSource, { name: 'LeadSource' });

/** A consenting member who engaged with a partner: one row per partner and member. */
@ObjectType('Lead', { simpleResolvers: true })
export class LeadRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  partnerId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'text[]', columnType: 'text[]' })
  @Field(() => [LeadSource])
  sources: LeadSource[] = [];

  @Property({ type: 'datetime' })
  @Field()
  firstAt!: Date;

  @Property({ type: 'datetime' })
  @Field()
  lastAt!: Date;
}

/** The managed lead (see LeadRow). */
@Entity({ tableName: 'lead' })
@Unique({ properties: ['partnerId', 'memberId'] })
@Index({ properties: ['partnerId', 'lastAt'] })
export class Lead extends LeadRow {}
