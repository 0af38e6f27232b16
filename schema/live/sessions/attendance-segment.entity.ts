import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/**
 * One LiveKit connection of a member to a session's room, keyed by the participant sid LiveKit
 * gives each connection: participant_joined and participant_left fill it in whatever order they
 * arrive, and a reconnect is a new segment. Minutes attended are the union of a member's segments.
 */
@Entity({ tableName: 'attendance_segment' })
@Unique({ properties: ['sessionId', 'participantSid'] })
@Index({ properties: ['sessionId', 'memberId'] })
@Index({ properties: ['memberId'] })
export class AttendanceSegment {
  [OptionalProps]?: 'id' | 'joinedAt' | 'leftAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'text' })
  participantSid!: string;

  @Property({ type: 'datetime', nullable: true })
  joinedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  leftAt: Date | null = null;
}
