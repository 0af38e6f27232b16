import type { Sql } from '../../server/db/sql';
import type { Member, MemberRow } from '../identity/member.entity';
import { Role } from '../identity/member.entity';

/**
 * What moderation hides, in one place. Content, comments and messages are hidden from everyone
 * but their author and moderators when a moderator (or enough reporters) hid them, and while
 * their author is suspended. Every list that others read (feed, comments, conversations, digests,
 * notifications, search) filters with `visibleToOthersSql`; single reads use `hiddenFrom`. A
 * meeting is its requester's: `meetingVisibleTo`.
 */

/** Admins and moderators: they see hidden items (to decide about them). */
export const moderates = (viewer: Pick<Member, 'role'> | null | undefined): boolean =>
  viewer?.role === Role.ADMIN || viewer?.role === Role.MODERATOR;

export const isSuspended = (member: Pick<Member, 'suspendedUntil'> | null | undefined, now: Date): boolean =>
  !!member?.suspendedUntil && member.suspendedUntil.getTime() > now.getTime();

/**
 * SQL condition: the row `alias` (with `hidden_at` and an author column) is visible to members
 * other than its author. `now` is a placeholder or expression for the current time (the
 * application clock, not the database's).
 */
export function visibleToOthersSql(alias: string, authorColumn: string, now: string): string {
  return `${alias}.hidden_at is null and ${notSuspendedSql(alias, authorColumn, now)}`;
}

/** SQL condition: the member in `alias.memberColumn` is not suspended at `now` (a suspension is a window: `until` ends it). */
export function notSuspendedSql(alias: string, memberColumn: string, now: string): string {
  return `not exists (select 1 from member hider where hider.id = ${alias}.${memberColumn} and hider.suspended_until > ${now})`;
}

/** `visibleToOthersSql` as a fragment for the `sql` tag, at `now`. */
export const visibleToOthers = (alias: string, authorColumn: string, now: Date): Sql => ({
  text: visibleToOthersSql(alias, authorColumn, '?::timestamptz'),
  params: [now],
});

/** SQL condition for a viewer: visible to others, or the viewer's own (`viewer`: a placeholder for their id). */
export function visibleToSql(alias: string, authorColumn: string, now: string, viewer: string): string {
  return `(${alias}.${authorColumn} = ${viewer} or (${visibleToOthersSql(alias, authorColumn, now)}))`;
}

/**
 * SQL condition for the meeting `alias` and the viewer `viewerId`, one of its two members: a meeting
 * is its requester's (they asked, their message), so while the requester is suspended it is hidden
 * from the other member whatever its status (no answer, no join), as a suspended sender's messages
 * are. The requester keeps seeing it, as their own messages; a member who asked a suspended member
 * still sees that meeting (it is theirs). Nothing hides a meeting one by one (no hidden_at), and
 * moderators have no exemption: only the two members ever read a meeting.
 */
export const meetingVisibleTo = (alias: string, viewerId: string, now: Date): Sql => ({
  text: `(${alias}.requester_id = ?::uuid or ${notSuspendedSql(alias, 'requester_id', '?::timestamptz')})`,
  params: [viewerId, now],
});

interface Moderated {
  hiddenAt: Date | null;
}

/**
 * Whether `viewer` must not see `item` by `authorId` (whose member row is `author`): hidden or
 * its author suspended, and the viewer neither its author nor a moderator.
 */
export function hiddenFrom(
  viewer: MemberRow | null,
  item: Moderated,
  authorId: string,
  author: Pick<Member, 'suspendedUntil'> | null,
  now: Date,
): boolean {
  if (viewer && (viewer.id === authorId || moderates(viewer))) return false;
  return item.hiddenAt !== null || isSuspended(author, now);
}

/** Hidden for everyone but its author and moderators (what its author is told about). */
export const isHidden = (item: Moderated, author: Pick<Member, 'suspendedUntil'> | null, now: Date): boolean =>
  item.hiddenAt !== null || isSuspended(author, now);

const AUTHORED: [type: string, table: string, authorColumn: string][] = [
  ['CONTENT', 'content', 'author_id'],
  ['COMMENT', 'comment', 'author_id'],
  ['MESSAGE', 'message', 'sender_id'],
];

/**
 * SQL condition: the notification `alias` is not about something hidden from its recipient (a
 * hidden item, comment or message, or one whose author is suspended), nor caused by a member now
 * suspended (its actor: a meeting request or acceptance, a comment, a message, a publication). One
 * `?` per subject type and one for the actor, each `now`: see `notificationVisible`.
 */
export function notificationVisibleSql(alias: string): string {
  const subjects = AUTHORED.map(
    ([type, table, author]) =>
      `not exists (select 1 from ${table} s where ${alias}.subject_type = '${type}' and s.id = ${alias}.subject_id and s.${author} <> ${alias}.recipient_id and not (${visibleToOthersSql('s', author, '?::timestamptz')}))`,
  );
  const actor = `not exists (select 1 from member actor where actor.id = ${alias}.actor_id and actor.id <> ${alias}.recipient_id and actor.suspended_until > ?::timestamptz)`;
  return [...subjects, actor].join(' and ');
}

/** `notificationVisibleSql` as a fragment for the `sql` tag, at `now`. */
export const notificationVisible = (alias: string, now: Date): Sql => ({
  text: notificationVisibleSql(alias),
  params: [...AUTHORED.map(() => now), now],
});

/**
 * SQL: the notifications (`n.*`) meeting `where` (on `n`) that the member `memberId` caused (their
 * actor) or that are about a content item, comment or message they wrote: what their suspension
 * hides (notificationVisibleSql). A union of one arm per way, each reading notification by index
 * (by actor, or by subject from the member's items): one condition joined with `or` read all the
 * rows `where` left, every unread notification on each suspension. `where` goes into each arm,
 * where a partial index's condition (unread) must be seen. A notification may come out of two
 * arms. The member's items, comments and messages are found by their indexes by author
 * (content_author_id_index, comment_author_id_index, message_sender_id_index): without the last
 * two each suspension read both whole tables.
 */
export const notificationsByMember = (memberId: string, where: Sql): Sql => {
  const arms: Sql[] = [
    { text: `select n.* from notification n where n.actor_id = ?::uuid and ${where.text}`, params: [memberId, ...where.params] },
    ...AUTHORED.map(([type, table, author]) => ({
      text: `select n.* from ${table} s join notification n on n.subject_type = '${type}' and n.subject_id = s.id where s.${author} = ?::uuid and ${where.text}`,
      params: [memberId, ...where.params],
    })),
  ];
  return { text: arms.map((arm) => arm.text).join(' union all '), params: arms.flatMap((arm) => arm.params) };
};

/** What an author (or a moderator) is told about an item others cannot see; null when others see it. */
export function moderationNotice(item: Moderated, author: Pick<Member, 'suspendedUntil'> | null, now: Date): string | null {
  if (item.hiddenAt) return 'Hidden by the moderators: only you and the moderators can see it.';
  if (isSuspended(author, now)) return `Hidden while its author is suspended (until ${author!.suspendedUntil!.toISOString()}).`;
  return null;
}

/** What a notice needs of a request: who asks, the members' loader and the clock. */
interface NoticeContext {
  viewer?: Pick<Member, 'id' | 'role'> | null;
  loaders: { memberById: { load(id: string): Promise<Pick<Member, 'suspendedUntil'> | null | undefined> } };
  clock: { now(): Date };
}

/** `moderationNotice` as a field answers it: told to the item's author and to moderators only, null for everyone else. */
export async function moderationNoticeFor(item: Moderated, authorId: string, ctx: NoticeContext): Promise<string | null> {
  if (ctx.viewer?.id !== authorId && !moderates(ctx.viewer)) return null;
  return moderationNotice(item, (await ctx.loaders.memberById.load(authorId)) ?? null, ctx.clock.now());
}
