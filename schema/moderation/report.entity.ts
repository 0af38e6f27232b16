import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { ReportKind, ReportReason } from './moderation.enums';

/** One member's report about one subject: once per member and subject (a unique index). */
@ObjectType('Report', { simpleResolvers: true })
export class ReportRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  caseId!: string;

  @Property({ type: 'uuid' })
  reporterId!: string;

  @Enum({ items: () => ReportKind, columnType: 'text' })
  @Field(() => ReportKind)
  kind!: ReportKind;

  @Property({ type: 'uuid' })
  @Field(() => ID)
  subjectId!: string;

  @Enum({ items: () => ReportReason, columnType: 'text' })
  @Field(() => ReportReason)
  reason!: ReportReason;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  note: string | null = null;

  @Property({ type: 'datetime' })
  @Field()
  createdAt!: Date;
}

/** The managed report (see ReportRow). */
@Entity({ tableName: 'report' })
@Unique({ properties: ['reporterId', 'subjectId'] })
@Index({ properties: ['caseId'] })
export class Report extends ReportRow {
  [OptionalProps]?: 'id' | 'note';
}
