import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { byIdLoader, groupLoader } from '../../server/dataloaders';
import { uuidArray } from '../../server/db/sql';
import { inPairOrder, PAIRS, ViewerKeyedLoader, type PairRow } from '../../server/viewer-loader';
import { Comment } from './comment.entity';
import { Content } from './content.entity';
import { Theme } from './theme.entity';
import { visibleToSql } from '../moderation/visibility';

/** Themes joined to a key column (`content_id` of content_theme, `member_id` of member_interest, `session_id` of live_session_theme). */
export function themesBy(em: EntityManager, table: 'content_theme' | 'member_interest' | 'live_session_theme', keyColumn: string) {
  return groupLoader<Theme>(async (keys) => {
    const rows = await em.execute<(Record<string, unknown> & { key: string })[]>(
      `select l.${keyColumn} as key, t.id, t.slug, t.name, t.created_at
         from ${table} l join theme t on t.id = l.theme_id
        where l.${keyColumn} = any(?::uuid[])
        order by t.name`,
      [uuidArray(keys)],
    );
    const toTheme = readModel(em, Theme);
    return rows.map((row) => [row.key, toTheme(row)]);
  });
}

/** Replies of one comment by one author, hidden by moderation or not (see `replyCountsByCommentId`). */
export interface ReplyCount {
  authorId: string;
  hidden: boolean;
  suspendedUntil: Date | null;
  count: number;
}

/** The content domain's per-request DataLoaders whose answers are the same for every viewer. */
export function createContentLoaders(em: EntityManager) {
  return {
    contentById: byIdLoader((ids) => em.find(Content, { id: { $in: [...ids] } })),
    commentById: byIdLoader((ids) => em.find(Comment, { id: { $in: [...ids] } })),
    themesByContentId: themesBy(em, 'content_theme', 'content_id'),
    interestsByMemberId: themesBy(em, 'member_interest', 'member_id'),
    /** The first page of replies of top-level comments (see `firstReplies`), per page size and reader. */
    firstRepliesBySize: new Map<string, DataLoader<string, Comment[]>>(),
    /**
     * Replies per top-level comment, deleted ones included (they keep their place in the thread),
     * by author and moderation state: each viewer counts the ones they may see (CommentService.replies).
     */
    replyCountsByCommentId: groupLoader<ReplyCount>(async (ids) => {
      const rows = await em.execute<(Omit<ReplyCount, 'suspendedUntil'> & { parent_id: string; suspendedUntil: string | Date | null })[]>(
        `select c.parent_id, c.author_id as "authorId", c.hidden_at is not null as hidden, m.suspended_until as "suspendedUntil", count(*)::int as count
           from comment c join member m on m.id = c.author_id
          where c.parent_id = any(?::uuid[])
          group by c.parent_id, c.author_id, c.hidden_at is not null, m.suspended_until`,
        [uuidArray(ids)],
      );
      return rows.map(({ parent_id, suspendedUntil, ...count }) => [
        parent_id,
        { ...count, suspendedUntil: suspendedUntil ? new Date(suspendedUntil) : null },
      ]);
    }),
  };
}

/** The content domain's per-viewer loaders (see ViewerKeyedLoader). */
export function createContentViewerLoaders(em: EntityManager) {
  return {
    /** Whether the viewer has ever viewed each item. */
    seenByMe: new ViewerKeyedLoader<boolean>(
      () => false,
      async (viewerIds, ids) => {
        const rows = await em.execute<PairRow[]>(
          `select k.viewer_id, k.id as key_id from ${PAIRS}
            where exists (select 1 from content_view v where v.member_id = k.viewer_id and v.content_id = k.id)`,
          [uuidArray(viewerIds), uuidArray(ids)],
        );
        return inPairOrder(viewerIds, ids, rows, () => true, false);
      },
    ),
  };
}

/** Whose replies a first page holds: all of them (moderators), or those visible to one member (`now`: the application clock). */
export type ReplyReader = { moderator: true } | { moderator: false; viewerId: string | null; now: Date };

/**
 * The oldest `size + 1` replies of each of a page's top-level comments that `reader` may see
 * (moderation/visibility), in one statement for the whole page (`size + 1`: the extra row tells
 * whether more follow).
 */
export function firstReplies(
  em: EntityManager,
  loaders: { firstRepliesBySize: Map<string, DataLoader<string, Comment[]>> },
  size: number,
  reader: ReplyReader,
) {
  const key = `${size}|${reader.moderator ? 'moderator' : (reader.viewerId ?? 'anonymous')}`;
  let loader = loaders.firstRepliesBySize.get(key);
  if (!loader) {
    const visible = reader.moderator
      ? { text: 'true', params: [] }
      : { text: visibleToSql('c', 'author_id', '?::timestamptz', '?::uuid'), params: [reader.viewerId, reader.now] };
    loader = groupLoader<Comment>(async (ids) => {
      const rows = await em.execute<Record<string, unknown>[]>(
        `select * from (select c.*, row_number() over (partition by c.parent_id order by c.created_at, c.id) as position
                          from comment c where c.parent_id = any(?::uuid[]) and ${visible.text}) ranked
          where position <= ? order by parent_id, position`,
        [uuidArray(ids), ...visible.params, size + 1],
      );
      const toComment = readModel(em, Comment);
      return rows.map((row) => [row.parent_id as string, toComment(row)]);
    });
    loaders.firstRepliesBySize.set(key, loader);
  }
  return loader;
}

type ContentLoaders = ReturnType<typeof createContentLoaders>;
type ContentViewerLoaders = ReturnType<typeof createContentViewerLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends ContentLoaders {}
  interface ViewerKeyedLoaders extends ContentViewerLoaders {}
}
