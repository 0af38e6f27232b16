import { EMPTY_SQL, sql, type Sql } from '../../server/db/sql';
import { Role, MemberRow } from '../identity/member.entity';
import { moderates, visibleToSql } from '../moderation/visibility';

/**
 * Which rows a viewer may find, per kind, as SQL conditions on the aliases the search statement
 * uses: `c` (content), `cm` (comment), `m` (member), `s` (live session). The same rules as
 * everywhere else in the API:
 *
 * - content: drafts only for their author and admins (ContentService's `canSee`); published and
 *   archived items for every member;
 * - comments: never deleted ones, only on items the viewer may see, never by a member the viewer
 *   blocked;
 * - members: not those the viewer blocked;
 * - live sessions: every one (as `liveSession(id)`);
 * - moderation (schema/moderation/visibility.ts): hidden items and comments, and those of a
 *   suspended author, only for their author and moderators; suspended members for moderators only.
 *
 * A comment is checked against the few items the viewer may not see (`hiddenItems`: drafts,
 * hidden items, items of suspended authors, found through indexes and probed as a hash) rather
 * than joined to its own item: a common word matches tens of thousands of comments, and a join per
 * comment was most of a search's time (P-search).
 *
 * The one place these rules live for search.
 */
export interface SearchVisibility {
  content: Sql;
  comment: Sql;
  member: Sql;
  liveSession: Sql;
}

/**
 * The ids of the items `viewer` may not see, as a subquery: others' drafts (unless an admin), and
 * (unless a moderator) others' hidden items and items of suspended authors. Each part is read
 * through an index (content_feed_index by status, content_hidden_index, content_author_id_index).
 * Null when the viewer may see every item.
 */
function hiddenItems(viewer: MemberRow, now: Date): Sql | null {
  const parts: Sql[] = [];
  if (viewer.role !== Role.ADMIN) {
    parts.push(sql`select d.id from content d where d.status = 'DRAFT' and d.author_id <> ${viewer.id}::uuid`);
  }
  if (!moderates(viewer)) {
    parts.push(sql`select d.id from content d where d.hidden_at is not null and d.author_id <> ${viewer.id}::uuid`);
    parts.push(sql`select d.id from member hider join content d on d.author_id = hider.id
      where hider.suspended_until > ${now}::timestamptz and hider.id <> ${viewer.id}::uuid`);
  }
  return parts.length ? parts.reduce((all, part) => sql`${all} union all ${part}`) : null;
}

export function searchVisibility(viewer: MemberRow, now: Date): SearchVisibility {
  const draftRule = viewer.role === Role.ADMIN ? sql`true` : sql`(c.status <> 'DRAFT' or c.author_id = ${viewer.id}::uuid)`;
  const moderated = (alias: string): Sql =>
    moderates(viewer) ? sql`true` : { text: visibleToSql(alias, 'author_id', '?::timestamptz', '?::uuid'), params: [viewer.id, now] };
  const content = sql`${draftRule} and ${moderated('c')}`;
  // `not in` a subquery without outer references: PostgreSQL hashes the viewer's blocks once.
  const notBlocked = (column: string): Sql => ({
    text: `${column} not in (select b.blocked_id from member_block b where b.blocker_id = ?::uuid)`,
    params: [viewer.id],
  });
  const hidden = hiddenItems(viewer, now);
  const onVisibleItem = hidden ? sql` and cm.content_id not in (${hidden})` : EMPTY_SQL;
  return {
    content,
    comment: sql`cm.deleted_at is null${onVisibleItem} and ${moderated('cm')} and ${notBlocked('cm.author_id')}`,
    member: moderates(viewer)
      ? notBlocked('m.id')
      : sql`${notBlocked('m.id')} and not (m.suspended_until is not null and m.suspended_until > ${now}::timestamptz)`,
    liveSession: sql`true`,
  };
}
