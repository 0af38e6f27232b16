import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Membership, Role } from '../identity/member.entity';
import { EngagementTrigger } from './triggers';

@ObjectType({ simpleResolvers: true, description: 'Who a rule addresses; an empty list means no restriction on that dimension.' })
export class EngagementAudience {
  @Field(() => [Role])
  roles!: Role[];

  @Field(() => [String], { description: 'Theme slugs: members interested in at least one of them.' })
  themes!: string[];

  @Field(() => [Membership])
  memberships!: Membership[];
}

/** An admin's standing instruction: which members get a digest of what they have not seen, and when. */
@ObjectType('EngagementRule', { simpleResolvers: true })
export class EngagementRuleRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Property({ type: 'text' })
  @Field(() => EngagementTrigger)
  trigger!: EngagementTrigger;

  @Property({ type: 'int' })
  @Field(() => Int, { description: 'INACTIVITY: days since the last visit.' })
  inactivityDays!: number;

  @Property({ type: 'int' })
  @Field(() => Int, { description: 'UNSEEN_BACKLOG: length of a period, in days.' })
  everyDays!: number;

  @Property({ type: 'int' })
  @Field(() => Int, { description: 'UNSEEN_BACKLOG: unseen items published in the period needed to send.' })
  minUnseen!: number;

  @Property({ type: 'int' })
  @Field(() => Int)
  maxItems!: number;

  @Property({ type: 'text[]' })
  audienceRoles!: Role[];

  @Property({ type: 'text[]' })
  audienceThemes!: string[];

  @Property({ type: 'text[]' })
  audienceMemberships!: Membership[];

  @Property({ type: 'int' })
  @Field(() => Int, { description: 'Share of eligible members (0..50) kept as a control group: recorded, never emailed.' })
  holdoutPercent!: number;

  @Property({ type: 'boolean' })
  @Field()
  enabled: boolean = false;

  @Property({ type: 'uuid' })
  createdById!: string;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  @Field()
  updatedAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'When the worker last evaluated this rule (null: never, e.g. while disabled since its creation).',
  })
  lastRunAt: Date | null = null;

  @Property({ type: 'int', default: 0 })
  @Field(() => Int, { description: 'Members that evaluation selected for a digest or the holdout.' })
  lastRunMembers: number = 0;

  /** Deleted rules keep their digests (budget and statistics); they are never evaluated again. */
  @Property({ type: 'datetime', nullable: true })
  deletedAt: Date | null = null;
}

/** The managed engagement rule (see EngagementRuleRow). */
@Entity({ tableName: 'engagement_rule' })
@Index({ properties: ['enabled'] })
export class EngagementRule extends EngagementRuleRow {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'enabled' | 'lastRunAt' | 'lastRunMembers';
}
