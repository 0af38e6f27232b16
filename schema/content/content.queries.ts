import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLResolveInfo } from 'graphql';
import { jsonRow, projection, readModel } from '../../server/db/read-model';
import { readRows } from '../../server/db/read-query';
import { sql, type Sql } from '../../server/db/sql';
import { decodeKeyset } from '../../server/pagination';
import { selectedFields } from '../../server/selection';
import { Member } from '../identity/member.entity';
import { visibleToSql } from '../moderation/visibility';
import { Content } from './content.entity';
import type { FeedArgs } from './content.inputs';
import { Theme } from './theme.entity';

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
  content: Content;
  themes: Theme[] | null;
  author: Member | null;
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

/** SQL text of what the query embeds, built from entity metadata: inlined as text, never a parameter. */
const raw = (text: string): Sql => ({ text, params: [] });

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
  const items = projection(em, Content, selection.item, ITEM_KEYS);
  const authors = projection(em, Member, selection.author);
  const themes = selection.item.has('themes')
    ? raw(
        `coalesce((select json_agg(${jsonRow(em, Theme, 't')} order by t.name) from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id), '[]')`,
      )
    : raw('null');
  const author = selection.item.has('author') ? raw(`(select ${authors.json('m')} from member m where m.id = c.author_id)`) : raw('null');
  // In the page's statement, as the client's ContentCard asks for it: a second statement per page cost a round trip (P1).
  const seenByMe = selection.item.has('seenByMe')
    ? sql`exists (select 1 from content_view v where v.member_id = ${viewerId}::uuid and v.content_id = c.id)`
    : raw('null');
  const query = sql`select ${raw(items.columns('c'))}, ${themes} as themes_json, ${author} as author_json, ${seenByMe} as seen_by_me
       from content c where ${feedFilter(viewerId, args, now)} order by c.published_at desc, c.id desc limit ${args.first + 1}`;
  const rows = await readRows<FeedRow>(em, query.text, query.params);
  const [toContent, toTheme, toMember] = [readModel(em, Content), readModel(em, Theme), readModel(em, Member)];
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
