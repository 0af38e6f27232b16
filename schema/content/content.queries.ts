import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLResolveInfo } from 'graphql';
import { jsonRow, projection, readModel } from '../../server/db/read-model';
import { rawSql, sql, uuidArray, type Sql } from '../../server/db/sql';
import { decodeKeyset } from '../../server/pagination';
import { inPairOrder, pairsOf, type PairRow } from '../../server/viewer-loader';
import { selectedFields } from '../../server/selection';
import { MemberRow } from '../identity/member.entity';
import { visibleToSql } from '../moderation/visibility';
import { CommentRow } from './comment.entity';
import { ContentRow } from './content.entity';
import type { FeedArgs } from './content.inputs';
import { ThemeRow } from './theme.entity';
import { queryRows, readRows } from '../../server/db/read-query';

/**
 * The feed's reads, in one place: what an operation selects of a page, the one statement that
 * reads it (only the selected columns, the page's themes and authors embedded), and the page it
 * returns, each item with its themes and author filled. ContentService.feed hands the page to the
 * request's loaders and pages it; nothing else about the feed's columns lives elsewhere.
 */

/** What an operation asks of a feed page: the fields of its items and of their authors. */
export interface FeedSelection {
  item: ReadonlySet<string>;
  author: ReadonlySet<string>;
}

/** The feed's selection in the operation being resolved (through fragments and aliases). */
export const feedSelection = (info: GraphQLResolveInfo): FeedSelection => ({
  item: selectedFields(info, ['edges', 'node']),
  author: selectedFields(info, ['edges', 'node', 'author']),
});

/** One item of a feed page with what the page read of its themes, author and the viewer's view of it (null: not selected). */
export interface FeedItem {
  content: ContentRow;
  themes: ThemeRow[] | null;
  author: MemberRow | null;
  seenByMe: boolean | null;
}

export interface FeedPage {
  /** Up to `first + 1` items, newest first: one more than a page says whether another follows. */
  items: FeedItem[];
  /** Whether each author holds every member field: only then may it stand for the member elsewhere. */
  authorsComplete: boolean;
}

/** Read by code whatever the selection: keys, the cursor, who may see and edit an item. */
const ITEM_KEYS = ['id', 'status', 'author', 'publishedAt'];

type FeedRow = Record<string, unknown> & {
  themes_json: Record<string, unknown>[] | null;
  author_json: Record<string, unknown> | null;
  seen_by_me: boolean | null;
};

const and = (clauses: Sql[]): Sql => clauses.reduce((all, clause) => sql`${all} and ${clause}`);

/** The feed's WHERE clause: only the filters asked for, so the planner sees plain predicates. */
function feedFilter(viewerId: string, args: FeedArgs, now: Date): Sql {
  const clauses: Sql[] = [
    sql`c.status = 'PUBLISHED'`,
    { text: visibleToSql('c', 'author_id', '?::timestamptz', '?::uuid'), params: [viewerId, now] },
  ];
  const cursor = decodeKeyset(args.after);
  if (cursor) clauses.push(sql`(c.published_at, c.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`);
  if (args.type) clauses.push(sql`c.type = ${args.type}::content_type`);
  if (args.themeSlug) {
    clauses.push(
      sql`exists (select 1 from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id and t.slug = ${args.themeSlug})`,
    );
  }
  if (args.unseenOnly)
    clauses.push(sql`not exists (select 1 from content_view v where v.member_id = ${viewerId}::uuid and v.content_id = c.id)`);
  return and(clauses);
}

/**
 * Newest published first after the keyset cursor, as the viewer may see them; one statement,
 * run as a prepared statement (readRows).
 */
export async function feedPage(
  em: EntityManager,
  viewerId: string,
  args: FeedArgs,
  selection: FeedSelection,
  now: Date,
): Promise<FeedPage> {
  const items = projection(em, ContentRow, selection.item, ITEM_KEYS);
  const authors = projection(em, MemberRow, selection.author);
  const themes = selection.item.has('themes')
    ? rawSql(
        `coalesce((select json_agg(${jsonRow(em, ThemeRow, 't')} order by t.name) from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id), '[]')`,
      )
    : rawSql('null');
  const author = selection.item.has('author')
    ? rawSql(`(select ${authors.json('m')} from member m where m.id = c.author_id)`)
    : rawSql('null');
  // In the page's statement, as the client's ContentCard asks for it: a second statement per page cost a round trip (P1).
  const seenByMe = selection.item.has('seenByMe')
    ? sql`exists (select 1 from content_view v where v.member_id = ${viewerId}::uuid and v.content_id = c.id)`
    : rawSql('null');
  const query = sql`select ${rawSql(items.columns('c'))}, ${themes} as themes_json, ${author} as author_json, ${seenByMe} as seen_by_me
       from content c where ${feedFilter(viewerId, args, now)} order by c.published_at desc, c.id desc limit ${args.first + 1}`;
  const rows = await readRows<FeedRow>(em, query.text, query.params);
  const [toContent, toTheme, toMember] = [readModel(em, ContentRow), readModel(em, ThemeRow), readModel(em, MemberRow)];
  return {
    items: rows.map((row) => ({
      content: toContent(row),
      themes: row.themes_json?.map(toTheme) ?? null,
      author: row.author_json ? toMember(row.author_json) : null,
      seenByMe: row.seen_by_me,
    })),
    authorsComplete: authors.complete,
  };
}

/*
 * The content loaders' reads: one statement per batch.
 */

const rows = queryRows;

/** The tables that join themes to a key column (`content_id`, `member_id`, `session_id`). */
export type ThemeLink = 'content_theme' | 'member_interest' | 'live_session_theme';

/** Themes joined to each key through `table`'s `keyColumn`, as (key, theme) pairs by name. */
export async function themesOfKeys(
  em: EntityManager,
  table: ThemeLink,
  keyColumn: string,
  keys: readonly string[],
): Promise<[string, ThemeRow][]> {
  const key = rawSql(`l.${keyColumn}`);
  const found = await rows<Record<string, unknown> & { key: string }>(
    em,
    sql`select ${key} as key, t.id, t.slug, t.name, t.created_at
         from ${rawSql(table)} l join theme t on t.id = l.theme_id
        where ${key} = any(${uuidArray(keys)}::uuid[])
        order by t.name`,
  );
  const toTheme = readModel(em, ThemeRow);
  return found.map((row) => [row.key, toTheme(row)]);
}

/** Replies of one comment by one author, hidden by moderation or not (see `replyCountsByCommentId`). */
export interface ReplyCount {
  authorId: string;
  hidden: boolean;
  suspendedUntil: Date | null;
  count: number;
}

/** Replies per top-level comment, deleted ones included, by author and moderation state, as (comment id, count) pairs. */
export async function replyCounts(em: EntityManager, ids: readonly string[]): Promise<[string, ReplyCount][]> {
  const found = await rows<Omit<ReplyCount, 'suspendedUntil'> & { parent_id: string; suspendedUntil: string | Date | null }>(
    em,
    sql`select c.parent_id, c.author_id as "authorId", c.hidden_at is not null as hidden, m.suspended_until as "suspendedUntil", count(*)::int as count
           from comment c join member m on m.id = c.author_id
          where c.parent_id = any(${uuidArray(ids)}::uuid[])
          group by c.parent_id, c.author_id, c.hidden_at is not null, m.suspended_until`,
  );
  return found.map(({ parent_id, suspendedUntil, ...count }) => [
    parent_id,
    { ...count, suspendedUntil: suspendedUntil ? new Date(suspendedUntil) : null },
  ]);
}

/** For each (viewer, item id) pair, whether the viewer has ever viewed the item. */
export async function seenByViewers(em: EntityManager, viewerIds: string[], ids: string[]): Promise<boolean[]> {
  const found = await rows<PairRow>(
    em,
    sql`select k.viewer_id, k.id as key_id from ${pairsOf(viewerIds, ids)}
         where exists (select 1 from content_view v where v.member_id = k.viewer_id and v.content_id = k.id)`,
  );
  return inPairOrder(viewerIds, ids, found, () => true, false);
}

/** The oldest `limit` replies of each comment of `ids` that `visible` (a condition on comment `c`) lets through, as (comment id, reply) pairs. */
export async function firstRepliesOf(
  em: EntityManager,
  ids: readonly string[],
  visible: Sql,
  limit: number,
): Promise<[string, CommentRow][]> {
  const found = await rows(
    em,
    sql`select * from (select c.*, row_number() over (partition by c.parent_id order by c.created_at, c.id) as position
                          from comment c where c.parent_id = any(${uuidArray(ids)}::uuid[]) and ${visible}) ranked
          where position <= ${limit} order by parent_id, position`,
  );
  const toComment = readModel(em, CommentRow);
  return found.map((row) => [row.parent_id as string, toComment(row)]);
}
