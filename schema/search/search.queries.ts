import type { EntityManager } from '@mikro-orm/postgresql';
import { jsonRow } from '../../server/db/read-model';
import { EMPTY_SQL, sql, type Sql } from '../../server/db/sql';
import { CommentRow } from '../content/comment.entity';
import { ContentRow, type ContentType } from '../content/content.entity';
import { MemberRow } from '../identity/member.entity';
import { LiveSessionRow } from '../live/sessions/live-session.entity';
import { HEADLINE_OPTIONS, MATCH_END, MATCH_START } from './search-snippet';
import type { SearchVisibility } from './search-visibility';
import { SearchKind } from './search.types';
import { oneShotRows, queryRows } from '../../server/db/read-query';

/** A row of the search statement: one hit of the page, with its raw ts_headline snippet. */
export interface SearchRow {
  kind: SearchKind;
  id: string;
  score: number;
  at: Date;
  headline: string;
  /** What the hit found, its read-model columns as JSON (see `subjectJson`); null if deleted meanwhile. */
  subject: Record<string, unknown> | null;
}

/** SQL for each kind's subject as JSON (table alias `x`): a page of hits comes with what they found, in its one statement. */
export interface SubjectJson {
  content: string;
  comment: string;
  member: string;
  liveSession: string;
}

export const subjectJson = (em: EntityManager): SubjectJson => ({
  content: jsonRow(em, ContentRow, 'x'),
  comment: jsonRow(em, CommentRow, 'x'),
  member: jsonRow(em, MemberRow, 'x'),
  liveSession: jsonRow(em, LiveSessionRow, 'x'),
});

export interface SearchStatementInput {
  /** The text search configuration of the community's language: `hearth_en` or `hearth_fr`. */
  config: string;
  query: string;
  /** The last word when it should also match as a prefix (see `prefixWord`). */
  lastWord: string | null;
  kinds: readonly SearchKind[];
  themeSlug: string | null;
  type: ContentType | null;
  visibility: SearchVisibility;
  subjects: SubjectJson;
  limit: number;
  offset: number;
}

/**
 * The word a member is still typing, to match as a prefix: the query's last word, unless the query
 * ends with a space or a closing quote, or that word is excluded (`-word`) or is the `or` operator.
 */
export function prefixWord(query: string): string | null {
  const match = /(?:^|[\s"])([^\s"]+)$/.exec(query);
  if (!match) return null;
  const word = match[1];
  return word.startsWith('-') || word.toLowerCase() === 'or' ? null : word;
}

/** The text a hit's snippet is cut from, by kind (bodies are cut short: ts_headline reads all it is given). */
const SNIPPET_TEXT = `case h.kind
    when 'CONTENT' then (select concat_ws(' — ', x.title, x.summary, left(x.body, 5000)) from content x where x.id = h.id)
    when 'COMMENT' then (select left(x.body, 5000) from comment x where x.id = h.id)
    when 'MEMBER' then (select concat_ws(' · ', x.display_name, x.job_title, x.company) from member x where x.id = h.id)
    else (select concat_ws(' — ', x.title, left(x.description, 5000)) from live_session x where x.id = h.id)
  end`;

function onTheme(themeSlug: string | null, table: 'content_theme' | 'live_session_theme', column: string, id: string): Sql {
  if (!themeSlug) return EMPTY_SQL;
  return {
    text: ` and exists (select 1 from ${table} l join theme t on t.id = l.theme_id where l.${column} = ${id} and t.slug = ?)`,
    params: [themeSlug],
  };
}

/** One SELECT per kind asked for and possible under the filters, each matching through its GIN index. */
function hitsByKind(input: SearchStatementInput, tsquery: Sql): Sql[] {
  const { kinds, themeSlug, type, visibility } = input;
  const ofType = type ? sql` and c.type = ${type}::content_type` : EMPTY_SQL;
  const selects: Sql[] = [];
  if (kinds.includes(SearchKind.CONTENT)) {
    selects.push(sql`select 'CONTENT' as kind, c.id, ts_rank(c.search_vector, ${tsquery}, 1) as score, coalesce(c.published_at, c.created_at) as at
      from content c where c.search_vector @@ ${tsquery} and ${visibility.content}${ofType}${onTheme(themeSlug, 'content_theme', 'content_id', 'c.id')}`);
  }
  if (kinds.includes(SearchKind.COMMENT)) {
    // The item is joined only to filter by its type: visibility and theme need its id alone.
    const item = type ? sql` join content c on c.id = cm.content_id` : EMPTY_SQL;
    selects.push(sql`select 'COMMENT' as kind, cm.id, ts_rank(cm.search_vector, ${tsquery}, 1) as score, cm.created_at as at
      from comment cm${item}
      where cm.search_vector @@ ${tsquery} and ${visibility.comment}${ofType}${onTheme(themeSlug, 'content_theme', 'content_id', 'cm.content_id')}`);
  }
  if (kinds.includes(SearchKind.MEMBER) && !themeSlug && !type) {
    selects.push(sql`select 'MEMBER' as kind, m.id, ts_rank(m.search_vector, ${tsquery}, 1) as score, m.created_at as at
      from member m where m.search_vector @@ ${tsquery} and ${visibility.member}`);
  }
  if (kinds.includes(SearchKind.LIVE_SESSION) && !type) {
    selects.push(sql`select 'LIVE_SESSION' as kind, s.id, ts_rank(s.search_vector, ${tsquery}, 1) as score, s.starts_at as at
      from live_session s where s.search_vector @@ ${tsquery} and ${visibility.liveSession}${onTheme(themeSlug, 'live_session_theme', 'session_id', 's.id')}`);
  }
  return selects;
}

/**
 * The search statement: the hits of every kind, ranked by relevance (ts_rank, normalised by
 * document length) with the most recent first among equals, one page of them, and a snippet cut
 * for that page only. Null when the filters leave no kind to search.
 */
export function searchStatement(input: SearchStatementInput): Sql | null {
  // An immutable function of constants: the planner folds it into one tsquery constant per statement.
  const tsquery = sql`search_query(${input.config}::regconfig, ${input.query}, ${input.lastWord})`;
  const selects = hitsByKind(input, tsquery);
  if (!selects.length) return null;
  const hits = selects.reduce((all, select) => sql`${all} union all ${select}`);
  const order = 'order by score desc, at desc, id desc';
  const { content, comment, member, liveSession } = input.subjects;
  // Each hit's subject in the same statement: loading the page's subjects afterwards cost a round trip per kind.
  const subject = `case h.kind
      when 'CONTENT' then (select ${content} from content x where x.id = h.id)
      when 'COMMENT' then (select ${comment} from comment x where x.id = h.id)
      when 'MEMBER' then (select ${member} from member x where x.id = h.id)
      else (select ${liveSession} from live_session x where x.id = h.id)
    end`;
  return sql`select h.kind, h.id, h.score, h.at, ${{ text: subject, params: [] }} as subject,
      ts_headline(${input.config}::regconfig, translate(${{ text: SNIPPET_TEXT, params: [] }}, ${MATCH_START + MATCH_END}, ''), ${tsquery}, ${HEADLINE_OPTIONS}) as headline
    from (${hits} ${{ text: order, params: [] }} limit ${input.limit} offset ${input.offset}) h
    ${{ text: order, params: [] }}`;
}

/**
 * The hits of a statement made by searchStatement. Not a prepared statement (readRows): after five
 * runs PostgreSQL may keep a generic plan, which cannot fold the query into a tsquery constant and
 * plans a matching word it does not know (P-search: seconds instead of the statement's own time).
 * An unnamed statement is planned for its words each time (oneShotRows).
 */
export function searchRows(em: EntityManager, statement: Sql): Promise<SearchRow[]> {
  return oneShotRows<SearchRow>(em, statement);
}

/** The text search configuration the stored vectors are in (null before the first build). */
export async function indexedLanguage(em: EntityManager): Promise<string | null> {
  const query = sql`select language::text as language from search_language`;
  const [row] = await queryRows<{ language: string | null }>(em, query);
  return row?.language ?? null;
}
