import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A member followed a link of an email to an item: the visit and the view that follow come from
 * that email. A digest's link names the digest (its rule's statistics count it); a session
 * email's link ("you missed it") names the session instead.
 */
@Entity({ tableName: 'digest_click' })
@Index({ properties: ['memberId', 'clickedAt'] })
@Index({ properties: ['digestId'] })
export class DigestClick {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid', nullable: true })
  digestId: string | null = null;

  /** The session whose email carried the link, for links outside digests. */
  @Property({ type: 'uuid', nullable: true })
  sessionId: string | null = null;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'uuid' })
  contentId!: string;

  @Property({ type: 'datetime' })
  clickedAt!: Date;
}
