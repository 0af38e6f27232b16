import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { byIdLoader, groupLoader } from '../../server/dataloaders';
import { uuidArray } from '../../server/db/sql';
import { inPairOrder, PAIRS, ViewerKeyedLoader, type PairRow } from '../../server/viewer-loader';
import { Comment } from './comment.entity';
import { Content } from './content.entity';
import { Theme } from './theme.entity';

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

/** The content domain's per-request DataLoaders whose answers are the same for every viewer. */
export function createContentLoaders(em: EntityManager) {
  return {
    contentById: byIdLoader((ids) => em.find(Content, { id: { $in: [...ids] } })),
    commentById: byIdLoader((ids) => em.find(Comment, { id: { $in: [...ids] } })),
    themesByContentId: themesBy(em, 'content_theme', 'content_id'),
    interestsByMemberId: themesBy(em, 'member_interest', 'member_id'),
    /** The first page of replies of top-level comments (see `firstReplies`), per page size. */
    firstRepliesBySize: new Map<number, DataLoader<string, Comment[]>>(),
    /** Replies per top-level comment, deleted ones included (they keep their place in the thread). */
    replyCountByCommentId: new DataLoader<string, number>(async (ids) => {
      const rows = await em.execute<{ parent_id: string; count: number }[]>(
        'select parent_id, count(*)::int as count from comment where parent_id = any(?::uuid[]) group by parent_id',
        [uuidArray(ids)],
      );
      const counts = new Map(rows.map((row) => [row.parent_id, row.count]));
      return ids.map((id) => counts.get(id) ?? 0);
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

/**
 * The oldest `size + 1` replies of each of a page's top-level comments, in one statement for the
 * whole page (`size + 1`: the extra row tells whether more follow).
 */
export function firstReplies(em: EntityManager, loaders: { firstRepliesBySize: Map<number, DataLoader<string, Comment[]>> }, size: number) {
  let loader = loaders.firstRepliesBySize.get(size);
  if (!loader) {
    loader = groupLoader<Comment>(async (ids) => {
      const rows = await em.execute<Record<string, unknown>[]>(
        `select * from (select c.*, row_number() over (partition by c.parent_id order by c.created_at, c.id) as position
                          from comment c where c.parent_id = any(?::uuid[]) and c.hidden_at is null) ranked
          where position <= ? order by parent_id, position`,
        [uuidArray(ids), size + 1],
      );
      const toComment = readModel(em, Comment);
      return rows.map((row) => [row.parent_id as string, toComment(row)]);
    });
    loaders.firstRepliesBySize.set(size, loader);
  }
  return loader;
}

type ContentLoaders = ReturnType<typeof createContentLoaders>;
type ContentViewerLoaders = ReturnType<typeof createContentViewerLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends ContentLoaders {}
  interface ViewerKeyedLoaders extends ContentViewerLoaders {}
}
