import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A member followed a link of a digest; the visit that follows is attributed to it. */
@Entity({ tableName: 'digest_click' })
@Index({ properties: ['memberId', 'clickedAt'] })
@Index({ properties: ['digestId'] })
export class DigestClick {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  digestId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'uuid' })
  contentId!: string;

  @Property({ type: 'datetime' })
  clickedAt!: Date;
}
