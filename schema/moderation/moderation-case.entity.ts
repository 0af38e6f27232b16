import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ModerationAction, ModerationCaseStatus, ReportKind } from './moderation.enums';

/**
 * The reports about one subject, from the first report until a moderator resolves them. At most
 * one case per subject is open (a partial unique index); a report after resolution opens a new one.
 */
@ObjectType('ModerationCase', { description: 'Open or resolved reports about one subject.', simpleResolvers: true })
export class ModerationCaseRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Enum({ items: () => ReportKind, columnType: 'text' })
  @Field(() => ReportKind)
  subjectKind!: ReportKind;

  @Property({ type: 'uuid' })
  @Field(() => ID)
  subjectId!: string;

  @Enum({ items: () => ModerationCaseStatus, columnType: 'text' })
  @Field(() => ModerationCaseStatus)
  status: ModerationCaseStatus = ModerationCaseStatus.OPEN;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Distinct members who reported the subject in this case.' })
  reportCount: number = 0;

  @Property({ type: 'boolean' })
  @Field(() => Boolean, { description: 'Hidden automatically once enough members reported it, until a moderator decides.' })
  autoHidden: boolean = false;

  @Property({ type: 'datetime' })
  @Field()
  openedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  resolvedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  resolvedById: string | null = null;

  @Enum({ items: () => ModerationAction, columnType: 'text', nullable: true })
  @Field(() => ModerationAction, { nullable: true })
  action: ModerationAction | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The moderator’s note when resolving.' })
  note: string | null = null;
}

/** The managed moderation case (see ModerationCaseRow). */
@Entity({ tableName: 'moderation_case' })
@Index({ properties: ['status', 'openedAt', 'id'] })
export class ModerationCase extends ModerationCaseRow {
  [OptionalProps]?: 'id' | 'status' | 'reportCount' | 'autoHidden' | 'resolvedAt' | 'resolvedById' | 'action' | 'note';
}
