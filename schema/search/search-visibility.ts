import { sql, type Sql } from '../../server/db/sql';
import { Role, type Member } from '../identity/member.entity';
import { moderates, visibleToSql } from '../moderation/visibility';

/**
 * Which rows a viewer may find, per kind, as SQL conditions on the aliases the search statement
 * uses: `c` (content, also the item a comment is on), `cm` (comment), `m` (member), `s` (live
 * session). The same rules as everywhere else in the API:
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
 * The one place these rules live for search.
 */
export interface SearchVisibility {
  content: Sql;
  comment: Sql;
  member: Sql;
  liveSession: Sql;
}

export function searchVisibility(viewer: Member, now: Date): SearchVisibility {
  const draftRule = viewer.role === Role.ADMIN ? sql`true` : sql`(c.status <> 'DRAFT' or c.author_id = ${viewer.id}::uuid)`;
  const moderated = (alias: string): Sql =>
    moderates(viewer) ? sql`true` : { text: visibleToSql(alias, 'author_id', '?::timestamptz', '?::uuid'), params: [viewer.id, now] };
  const content = sql`${draftRule} and ${moderated('c')}`;
  const notBlocked = (column: string): Sql => ({
    text: `not exists (select 1 from member_block b where b.blocker_id = ?::uuid and b.blocked_id = ${column})`,
    params: [viewer.id],
  });
  return {
    content,
    comment: sql`cm.deleted_at is null and ${content} and ${moderated('cm')} and ${notBlocked('cm.author_id')}`,
    member: moderates(viewer)
      ? notBlocked('m.id')
      : sql`${notBlocked('m.id')} and not (m.suspended_until is not null and m.suspended_until > ${now}::timestamptz)`,
    liveSession: sql`true`,
  };
}
