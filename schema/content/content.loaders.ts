import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader, groupLoader } from '../../server/dataloaders';
import { rawSql } from '../../server/db/sql';
import { ViewerKeyedLoader } from '../../server/viewer-loader';
import { Comment, type CommentRow } from './comment.entity';
import { Content } from './content.entity';
import { firstRepliesOf, replyCounts, seenByViewers, themesOfKeys, type ReplyCount, type ThemeLink } from './content.queries';
import type { ThemeRow } from './theme.entity';
import { visibleToSql } from '../moderation/visibility';

/** Themes joined to a key column (`content_id` of content_theme, `member_id` of member_interest, `session_id` of live_session_theme). */
export function themesBy(em: () => EntityManager, table: ThemeLink, keyColumn: string) {
  return groupLoader<ThemeRow>((keys) => themesOfKeys(em(), table, keyColumn, keys));
}

/** The content domain's per-request DataLoaders whose answers are the same for every viewer. */
export function createContentLoaders(em: () => EntityManager) {
  return {
    contentById: byIdLoader((ids) => em().find(Content, { id: { $in: [...ids] } })),
    commentById: byIdLoader((ids) => em().find(Comment, { id: { $in: [...ids] } })),
    themesByContentId: themesBy(em, 'content_theme', 'content_id'),
    interestsByMemberId: themesBy(em, 'member_interest', 'member_id'),
    /** The first page of replies of top-level comments (see `firstReplies`), per page size and reader. */
    firstRepliesBySize: new Map<string, DataLoader<string, CommentRow[]>>(),
    /**
     * Replies per top-level comment, deleted ones included (they keep their place in the thread),
     * by author and moderation state: each viewer counts the ones they may see (CommentService.replies).
     */
    replyCountsByCommentId: groupLoader<ReplyCount>((ids) => replyCounts(em(), ids)),
  };
}

/** The content domain's per-viewer loaders (see ViewerKeyedLoader). */
export function createContentViewerLoaders(em: () => EntityManager) {
  return {
    /** Whether the viewer has ever viewed each item. */
    seenByMe: new ViewerKeyedLoader<boolean>(
      () => false,
      (viewerIds, ids) => seenByViewers(em(), viewerIds, ids),
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
  loaders: { firstRepliesBySize: Map<string, DataLoader<string, CommentRow[]>> },
  size: number,
  reader: ReplyReader,
) {
  const key = `${size}|${reader.moderator ? 'moderator' : (reader.viewerId ?? 'anonymous')}`;
  let loader = loaders.firstRepliesBySize.get(key);
  if (!loader) {
    const visible = reader.moderator
      ? rawSql('true')
      : rawSql(visibleToSql('c', 'author_id', '?::timestamptz', '?::uuid'), [reader.viewerId, reader.now]);
    loader = groupLoader<CommentRow>((ids) => firstRepliesOf(em, ids, visible, size + 1));
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
