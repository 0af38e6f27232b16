import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../server/context';
import { decodeKeyset, toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import { Role, type Member, MemberRow } from '../identity/member.entity';
import { Comment, CommentRow } from './comment.entity';
import { ContentStatus } from './content.entity';
import { ContentErrors } from './content.errors';
import type { AddCommentInput, CommentsArgs, EditCommentInput, RepliesArgs } from './content.inputs';
import { firstReplies } from './content.loaders';
import { ContentService, type ContentServiceDeps } from './content.service';
import { hiddenFrom, isSuspended, moderates } from '../moderation/visibility';

const threadKey = (comment: CommentRow) => [comment.createdAt.toISOString(), comment.id];

/**
 * Deletes a comment in the caller's transaction, once: the update is conditional on the row, so
 * of concurrent deletes (its author's double click, a moderator's DELETE) only one changes it and
 * takes it out of its item's `commentCount`. Returns the deleted row, or null when it was deleted
 * already. A comment hidden by moderation had already left the count (setHidden).
 */
export async function softDeleteComment(em: EntityManager, id: string, now: Date): Promise<Record<string, unknown> | null> {
  const [deleted] = await em.execute<Record<string, unknown>[]>(
    'update comment set body = null, deleted_at = ? where id = ? and deleted_at is null returning *',
    [now, id],
  );
  if (!deleted) return null;
  if (!deleted.hidden_at) await em.execute('update content set comment_count = comment_count - 1 where id = ?', [deleted.content_id]);
  return deleted;
}

export type CommentServiceDeps = Pick<Context, 'clock' | 'em' | 'events' | 'loaders' | 'rateLimits' | 'viewer'> & ContentServiceDeps;

/** Comments and one level of replies; `content.commentCount` is kept in the same transaction. */
export class CommentService {
  constructor(private readonly ctx: CommentServiceDeps) {}

  /** For subscribing to an item's new comments: NOT_FOUND for an item the viewer cannot see, as `list` answers. */
  async assertMayFollow(viewer: MemberRow, contentId: string): Promise<void> {
    await new ContentService(this.ctx).get(viewer, contentId);
  }

  /** Top-level comments of an item, oldest first (a thread reads top-down); replies hang off each. */
  async list(viewer: MemberRow, { contentId, first, after }: CommentsArgs): Promise<ConnectionShape<Comment>> {
    await new ContentService(this.ctx).get(viewer, contentId);
    const cursor = decodeKeyset(after);
    const where = cursor
      ? { $or: [{ createdAt: { $gt: new Date(cursor[0]) } }, { createdAt: new Date(cursor[0]), id: { $gt: String(cursor[1]) } }] }
      : {};
    const visible = this.visibleTo(viewer);
    const rows = await this.ctx.em.find(
      Comment,
      { content: contentId, parent: null, ...where, ...visible },
      { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: first + 1 },
    );
    return withTotalCount(toConnection(rows, first, threadKey, after), () =>
      this.ctx.em.count(Comment, { content: contentId, parent: null, ...visible }),
    );
  }

  /** Hidden comments, and those of suspended members, are for their author and moderators only (see moderation/visibility). */
  private visibleTo(viewer: MemberRow | null) {
    if (moderates(viewer)) return {};
    const now = this.ctx.clock.now();
    const own = viewer ? [{ author: viewer.id }] : [];
    return {
      $and: [{ $or: [...own, { hiddenAt: null, author: { $or: [{ suspendedUntil: null }, { suspendedUntil: { $lte: now } }] } }] }],
    };
  }

  /**
   * A top-level comment's replies the viewer may see, oldest first (a reply has none): hidden ones
   * and those of suspended members only for their author and moderators. The first page of every
   * comment of a thread page comes from one statement; later pages seek from their cursor.
   */
  async replies(comment: CommentRow, { first, after }: RepliesArgs): Promise<ConnectionShape<CommentRow>> {
    if (comment.parent) return withTotalCount(toConnection([], first, threadKey), async () => 0);
    const { viewer } = this.ctx;
    const now = this.ctx.clock.now();
    const cursor = decodeKeyset(after);
    const rows = cursor
      ? await this.ctx.em.find(
          Comment,
          {
            parent: comment.id,
            ...this.visibleTo(viewer),
            $or: [{ createdAt: { $gt: new Date(cursor[0]) } }, { createdAt: new Date(cursor[0]), id: { $gt: String(cursor[1]) } }],
          },
          { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: first + 1 },
        )
      : await firstReplies(
          this.ctx.em,
          this.ctx.loaders,
          first,
          moderates(viewer) ? { moderator: true } : { moderator: false, viewerId: viewer?.id ?? null, now },
        ).load(comment.id);
    return withTotalCount(toConnection(rows, first, threadKey, after), async () =>
      (await this.ctx.loaders.replyCountsByCommentId.load(comment.id))
        .filter((group) => moderates(viewer) || group.authorId === viewer?.id || !(group.hidden || isSuspended(group, now)))
        .reduce((sum, group) => sum + group.count, 0),
    );
  }

  async add(author: MemberRow, input: AddCommentInput): Promise<Comment> {
    const content = await new ContentService(this.ctx).get(author, input.contentId);
    if (content.status !== ContentStatus.PUBLISHED) throw ContentErrors.notPublished();
    const parent = input.parentId ? await this.replyableParent(input.parentId, content.id) : null;
    await this.ctx.rateLimits.consume('commentsPerMember', author.id);
    const comment = await this.ctx.em.transactional(async (em) => {
      const created = em.create(Comment, {
        content: content.id,
        author: author.id,
        parent: parent?.id ?? null,
        body: input.body.trim(),
        createdAt: this.ctx.clock.now(),
      });
      await em.flush();
      await em.execute('update content set comment_count = comment_count + 1 where id = ?', [content.id]);
      return created;
    });
    this.ctx.events.emit('COMMENT_ADDED', {
      commentId: comment.id,
      contentId: content.id,
      parentId: parent?.id ?? null,
      authorId: author.id,
    });
    return comment;
  }

  async edit(viewer: MemberRow, input: EditCommentInput): Promise<Comment> {
    const comment = await this.visible(viewer, input.id);
    if (comment.author.id !== viewer.id) throw ContentErrors.notAuthor();
    if (comment.deletedAt) throw ContentErrors.commentDeleted('id');
    // Decided by the row, not by what was read above: a delete committed meanwhile wins, and the
    // edit is refused rather than writing a body back into a deleted comment.
    const [edited] = await this.ctx.em.execute<Record<string, unknown>[]>(
      'update comment set body = ?, edited_at = ? where id = ? and deleted_at is null returning *',
      [input.body.trim(), this.ctx.clock.now(), comment.id],
    );
    if (!edited) throw ContentErrors.commentDeleted('id');
    return this.ctx.em.map(Comment, edited);
  }

  /**
   * Soft delete by its author or an admin: the row stays so replies keep their place. Idempotent:
   * of concurrent deletes (a double click, a retry) one deletes and counts, and every one answers
   * the stored deletion.
   */
  async delete(viewer: MemberRow, id: string): Promise<Comment> {
    const comment = await this.visible(viewer, id);
    if (comment.author.id !== viewer.id && viewer.role !== Role.ADMIN) throw ContentErrors.notAuthor();
    if (comment.deletedAt) return comment;
    const deleted = await this.ctx.em.transactional((em) => softDeleteComment(em as EntityManager, comment.id, this.ctx.clock.now()));
    if (deleted) return this.ctx.em.map(Comment, deleted);
    await this.ctx.em.refresh(comment);
    return comment;
  }

  /** For subscribers: the comment if it is live and its item is visible to the viewer. */
  async deliverable(viewer: MemberRow | null, id: string): Promise<Comment | null> {
    const comment = await this.ctx.loaders.commentById.load(id);
    if (!comment || comment.deletedAt) return null;
    const content = await this.ctx.loaders.contentById.load(comment.content.id);
    if (content?.status !== ContentStatus.PUBLISHED || !viewer) return null;
    // Moderation: not a hidden comment, one on a hidden item, or one by a suspended member (but to its author and moderators).
    const now = this.ctx.clock.now();
    const [writer, author] = await this.ctx.loaders.memberById.loadMany([comment.author.id, content.author.id]);
    const member = (loaded: unknown) => (loaded instanceof Error ? null : (loaded as Member | null));
    if (
      hiddenFrom(viewer, comment, comment.author.id, member(writer), now) ||
      hiddenFrom(viewer, content, content.author.id, member(author), now)
    )
      return null;
    return comment;
  }

  private async visible(viewer: MemberRow, id: string): Promise<Comment> {
    const comment = await this.ctx.em.findOne(Comment, { id });
    if (!comment) throw ContentErrors.commentNotFound();
    await new ContentService(this.ctx).get(viewer, comment.content.id).catch(() => {
      throw ContentErrors.commentNotFound();
    });
    return comment;
  }

  private async replyableParent(parentId: string, contentId: string): Promise<Comment> {
    const parent = await this.ctx.em.findOne(Comment, { id: parentId });
    if (!parent) throw ContentErrors.commentNotFound();
    if (parent.content.id !== contentId) throw ContentErrors.parentElsewhere();
    if (parent.parent) throw ContentErrors.replyTooDeep();
    if (parent.deletedAt) throw ContentErrors.commentDeleted('parentId');
    return parent;
  }
}
