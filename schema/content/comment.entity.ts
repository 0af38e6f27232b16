import { randomUUID } from 'node:crypto';
import { OptionalProps, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import type { Key } from '../../server/db/read-model';
import { Member } from '../identity/member.entity';
import { Content } from './content.entity';

/**
 * A comment on a content item, or a reply to one (one level deep). Deleting keeps the row so
 * the thread keeps its shape: `body` becomes null and `deletedAt` is set.
 */
@ObjectType('Comment', { simpleResolvers: true })
export class CommentRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => Content, { ref: true, deleteRule: 'cascade' })
  content!: Key;

  @ManyToOne(() => Member, { ref: true, deleteRule: 'cascade' })
  author!: Key;

  @ManyToOne(() => Comment, { ref: true, nullable: true, deleteRule: 'cascade' })
  parent: Key | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Null once deleted.' })
  body!: string | null;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  editedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  deletedAt: Date | null = null;

  /** Hidden by a moderator (or automatically after enough reports): only its author and moderators still see it. */
  @Property({ type: 'datetime', nullable: true })
  hiddenAt: Date | null = null;
}

/** The managed comment (see CommentRow). */
@Entity({ tableName: 'comment' })
@Index({ properties: ['content', 'createdAt', 'id'] })
@Index({ properties: ['parent', 'createdAt', 'id'] })
// A suspension finds the member's comments by author (notificationsByMember; migration AuthorIndexes).
@Index({ name: 'comment_author_id_index', properties: ['author'] })
export class Comment extends CommentRow {
  [OptionalProps]?: 'id' | 'parent' | 'createdAt' | 'editedAt' | 'deletedAt' | 'hiddenAt';

  declare content: Ref<Content>;
  declare author: Ref<Member>;
  declare parent: Ref<Comment> | null;
}
