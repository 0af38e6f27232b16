import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Every LiveKit webhook event handled, by its id: LiveKit retries deliveries, a replay is ignored. */
@Entity({ tableName: 'livekit_event' })
export class LiveKitEventRecord {
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  event!: string;

  @Property({ type: 'text', nullable: true })
  roomName: string | null = null;

  /** LiveKit's own timestamp of the event. */
  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime' })
  receivedAt!: Date;
}
