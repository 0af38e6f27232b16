import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Member } from '../identity/member.entity';

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
@Entity({ tableName: 'visit' })
@Index({ properties: ['member', 'startedAt'] })
@Index({ properties: ['startedAt'] })
@ObjectType({ simpleResolvers: true })
export class Visit {
  [OptionalProps]?: 'source' | 'attributedDigestId';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ManyToOne(() => Member, { ref: true, deleteRule: 'cascade' })
  member!: Ref<Member>;

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
