import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Member } from '../identity/member.entity';
import type { Key } from '../../server/db/read-model';

/** Where the activity that opened a visit came from. */
export enum VisitSource {
  DIRECT = 'DIRECT',
  EMAIL = 'EMAIL',
  NOTIFICATION = 'NOTIFICATION',
  LIVE = 'LIVE',
}
registerEnumType(VisitSource, { name: 'VisitSource' });

/**
 * A run of authenticated activity by one member: a gap of 30 minutes or more without activity
 * starts a new visit (PRODUCT.md). Rows are written by VisitTracker only.
 */
@ObjectType('Visit', { simpleResolvers: true })
export class VisitRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ManyToOne(() => Member, { ref: true, deleteRule: 'cascade' })
  member!: Key;

  @Property({ type: 'datetime' })
  @Field()
  startedAt!: Date;

  @Property({ type: 'datetime' })
  @Field()
  lastActivityAt!: Date;

  @Enum({ items: () => VisitSource, nativeEnumName: 'visit_source' })
  @Field(() => VisitSource)
  source: VisitSource = VisitSource.DIRECT;

  /** The digest email whose link opened this visit; filled by the engagement domain. */
  @Property({ type: 'uuid', nullable: true })
  attributedDigestId: string | null = null;
}

/** The managed visit (see VisitRow). */
@Entity({ tableName: 'visit' })
@Index({ properties: ['member', 'startedAt'] })
@Index({ properties: ['startedAt'] })
export class Visit extends VisitRow {
  [OptionalProps]?: 'source' | 'attributedDigestId';

  declare member: Ref<Member>;
}
