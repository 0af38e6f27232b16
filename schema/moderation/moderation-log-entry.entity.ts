import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { ModerationLogAction, ReportKind } from './moderation.enums';

/** One moderation decision: who (null: automatic), what, on what, when and why. Never changed. */
@ObjectType('ModerationLogEntry', { description: 'One moderation decision.', simpleResolvers: true })
export class ModerationLogEntryRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  /** The moderator or admin; null for an automatic decision. Resolved to a Member by the resolver. */
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Enum({ items: () => ModerationLogAction, columnType: 'text' })
  @Field(() => ModerationLogAction)
  action!: ModerationLogAction;

  @Enum({ items: () => ReportKind, columnType: 'text' })
  @Field(() => ReportKind)
  subjectKind!: ReportKind;

  @Property({ type: 'uuid' })
  @Field(() => ID)
  subjectId!: string;

  @Property({ type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true })
  caseId: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why: the moderator’s note or the suspension reason.' })
  note: string | null = null;

  @Property({ type: 'datetime' })
  @Field()
  createdAt!: Date;
}

/** The managed moderation log entry (see ModerationLogEntryRow). */
@Entity({ tableName: 'moderation_log_entry' })
@Index({ properties: ['createdAt', 'id'] })
export class ModerationLogEntry extends ModerationLogEntryRow {
  [OptionalProps]?: 'id' | 'actorId' | 'caseId' | 'note';
}
