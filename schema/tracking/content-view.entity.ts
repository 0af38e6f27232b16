import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { registerEnumType } from 'type-graphql';
import { Content } from '../content/content.entity';
import { Member } from '../identity/member.entity';

/** Where a view came from (how the member reached the item). */
export enum ViewSource {
  FEED = 'FEED',
  SEARCH = 'SEARCH',
  EMAIL = 'EMAIL',
  NOTIFICATION = 'NOTIFICATION',
  LIVE = 'LIVE',
  DIRECT = 'DIRECT',
}
registerEnumType(ViewSource, { name: 'ViewSource' });

/**
 * One member viewing one item during one visit; heartbeats within the visit extend it. A member
 * has seen an item once any view of it exists (PRODUCT.md).
 */
@Entity({ tableName: 'content_view' })
@Index({ properties: ['member', 'content'] })
@Index({ properties: ['content', 'firstSeenAt'] })
@Index({ properties: ['firstSeenAt'] })
export class ContentView {
  [OptionalProps]?: 'id' | 'visitId' | 'seconds' | 'source';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Member, { ref: true, deleteRule: 'cascade' })
  member!: Ref<Member>;

  @ManyToOne(() => Content, { ref: true, deleteRule: 'cascade' })
  content!: Ref<Content>;

  /** The visit this view belongs to (no foreign key: visits merge and their ids may change). */
  @Property({ type: 'uuid', nullable: true })
  visitId: string | null = null;

  @Property({ type: 'datetime' })
  firstSeenAt!: Date;

  @Property({ type: 'datetime' })
  lastSeenAt!: Date;

  @Property({ type: 'integer' })
  seconds = 0;

  @Enum({ items: () => ViewSource, nativeEnumName: 'view_source' })
  source: ViewSource = ViewSource.DIRECT;
}
