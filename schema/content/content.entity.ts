import { randomUUID } from 'node:crypto';
import { Collection, OptionalProps, type Ref } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, ManyToMany, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Key } from '../../server/db/read-model';
import { Member } from '../identity/member.entity';
import { Theme } from './theme.entity';

export enum ContentType {
  ARTICLE = 'ARTICLE',
  VIDEO = 'VIDEO',
  PODCAST = 'PODCAST',
  DOCUMENT = 'DOCUMENT',
  REPLAY = 'REPLAY',
}

export enum ContentStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}

registerEnumType(ContentType, { name: 'ContentType' });
registerEnumType(ContentStatus, { name: 'ContentStatus' });

/**
 * A published item: article, video, podcast, document or session replay. `themes`, `author` and
 * `seenByMe` are resolved through DataLoaders (ContentResolver), never per row.
 */
@ObjectType('Content', { simpleResolvers: true })
export class ContentRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Enum({ items: () => ContentType, nativeEnumName: 'content_type' })
  @Field(() => ContentType)
  type!: ContentType;

  @Property({ type: 'text' })
  @Field()
  title!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  summary: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Markdown.' })
  body: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  mediaUrl: string | null = null;

  @ManyToOne(() => Member, { ref: true, deleteRule: 'restrict' })
  @Index()
  author!: Key;

  @Enum({ items: () => ContentStatus, nativeEnumName: 'content_status' })
  @Field(() => ContentStatus)
  status: ContentStatus = ContentStatus.DRAFT;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  publishedAt: Date | null = null;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  @Field()
  updatedAt: Date = new Date();

  /** Live comments (not deleted, not hidden by moderation); kept in the same transaction by the comment service and moderation (setHidden). */
  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Comments and replies, neither deleted nor hidden by the moderators.' })
  commentCount = 0;

  /** Recorded views; kept by the tracking domain. */
  @Property({ type: 'integer' })
  @Field(() => Int)
  viewCount = 0;

  /** Hidden by a moderator (or automatically after enough reports): only its author and moderators still see it. */
  @Property({ type: 'datetime', nullable: true })
  hiddenAt: Date | null = null;
}

/**
 * The managed content item (see ContentRow for what it holds). Only drafts lack a publication
 * date: every reader (content(id), search, tracking, pages, reach, digests) takes an item that is
 * not a draft for one every member may read, so an item is archived only once it was published.
 */
@Entity({ tableName: 'content' })
@Index({ name: 'content_feed_index', properties: ['status', 'publishedAt', 'id'] })
@Check({ name: 'content_published_at_check', expression: "status = 'DRAFT' or published_at is not null" })
export class Content extends ContentRow {
  [OptionalProps]?:
    | 'id'
    | 'status'
    | 'summary'
    | 'body'
    | 'mediaUrl'
    | 'publishedAt'
    | 'createdAt'
    | 'updatedAt'
    | 'commentCount'
    | 'viewCount'
    | 'hiddenAt';

  @ManyToMany(() => Theme, undefined, { pivotTable: 'content_theme', joinColumn: 'content_id', inverseJoinColumn: 'theme_id' })
  themes = new Collection<Theme>(this);

  declare author: Ref<Member>;
}
