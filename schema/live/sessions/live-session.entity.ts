import { randomUUID } from 'node:crypto';
import { Collection, OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToMany, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Theme } from '../../content/theme.entity';
import { Member } from '../../identity/member.entity';

export enum LiveSessionStatus {
  SCHEDULED = 'SCHEDULED',
  LIVE = 'LIVE',
  ENDED = 'ENDED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(LiveSessionStatus, { name: 'LiveSessionStatus' });

/**
 * A webinar hosted in the community, in the LiveKit room `session-<id>`. Status moves forward only
 * (SCHEDULED → LIVE → ENDED, or CANCELLED) whatever order LiveKit's webhooks arrive in.
 * `themes`, `speakers`, `partner`, `replay`, `registrantCount` and `viewerRegistration` are
 * resolved through DataLoaders (LiveSessionResolver).
 */
@ObjectType('LiveSession', { simpleResolvers: true })
export class LiveSessionRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'text' })
  @Field()
  title!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Markdown.' })
  description: string = '';

  @Property({ type: 'datetime' })
  @Field()
  startsAt!: Date;

  @Property({ type: 'datetime' })
  @Field()
  endsAt!: Date;

  /** Registrations accepted at most; null: no limit. */
  @Property({ type: 'int', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Registrations accepted at most; null means no limit.' })
  capacity: number | null = null;

  @Enum({ items: () => LiveSessionStatus, nativeEnumName: 'live_session_status' })
  @Field(() => LiveSessionStatus)
  status: LiveSessionStatus = LiveSessionStatus.SCHEDULED;

  /** A member with role PARTNER who receives the session's leads. */
  @Property({ type: 'uuid', nullable: true })
  @Index()
  partnerId: string | null = null;

  @Property({ type: 'boolean', default: false })
  @Field({ description: 'Start recording as soon as the room starts.' })
  autoRecord: boolean = false;

  /** The REPLAY content made from the recording. */
  @Property({ type: 'uuid', nullable: true })
  replayId: string | null = null;

  @Property({ type: 'uuid' })
  createdById!: string;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  /** When LiveKit reported the room started (room_started). */
  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  startedAt: Date | null = null;

  /** When LiveKit reported the room finished (room_finished). */
  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  endedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  cancelledAt: Date | null = null;

  /** The egress recording the room, once one was started. */
  @Property({ type: 'text', nullable: true })
  recordingEgressId: string | null = null;
}

/** The managed live session (see LiveSessionRow). */
@Entity({ tableName: 'live_session' })
@Index({ properties: ['startsAt', 'id'] })
export class LiveSession extends LiveSessionRow {
  [OptionalProps]?:
    | 'id'
    | 'description'
    | 'capacity'
    | 'status'
    | 'partnerId'
    | 'autoRecord'
    | 'replayId'
    | 'createdAt'
    | 'updatedAt'
    | 'startedAt'
    | 'endedAt'
    | 'cancelledAt'
    | 'recordingEgressId';

  @ManyToMany(() => Theme, undefined, { pivotTable: 'live_session_theme', joinColumn: 'session_id', inverseJoinColumn: 'theme_id' })
  themes = new Collection<Theme>(this);

  @ManyToMany(() => Member, undefined, { pivotTable: 'live_session_speaker', joinColumn: 'session_id', inverseJoinColumn: 'member_id' })
  speakers = new Collection<Member>(this);
}
