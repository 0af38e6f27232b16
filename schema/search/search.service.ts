import type { Context } from '../../server/context';
import { decodeOffset, toOffsetConnection, type ConnectionShape } from '../../server/pagination';
import { readModel } from '../../server/db/read-model';
import { processReads } from '../../server/db/read-query';
import { CommentRow } from '../content/comment.entity';
import { ContentRow } from '../content/content.entity';
import { MemberRow } from '../identity/member.entity';
import { LiveSessionRow } from '../live/sessions/live-session.entity';
import { snippetHtml } from './search-snippet';
import { searchVisibility } from './search-visibility';
import { SearchErrors } from './search.errors';
import { MAX_SEARCH_RESULTS, QUERY_MAX_LENGTH, type SearchArgs } from './search.inputs';
import { prefixWord, searchRows, searchStatement, subjectJson, type SearchRow } from './search.queries';
import { DirectoryMember, SearchHit, SearchKind } from './search.types';

export type SearchSubjectValue = ContentRow | CommentRow | DirectoryMember | LiveSessionRow;

/** A hit with what it found, read by the search statement itself. */
export type LoadedSearchHit = SearchHit & { subject: SearchSubjectValue };

const ALL_KINDS = Object.values(SearchKind);

function toDirectoryMember(member: MemberRow): DirectoryMember {
  return Object.assign(new DirectoryMember(), {
    id: member.id,
    name: member.displayName,
    company: member.company,
    headline: member.jobTitle,
  });
}

export type SearchServiceDeps = Pick<Context, 'clock' | 'orm' | 'searchIndex'>;

/** Full-text search over what a member may see: items, comments, the member directory and live sessions. */
export class SearchService {
  constructor(private readonly ctx: SearchServiceDeps) {}

  async search(viewer: MemberRow, args: SearchArgs): Promise<ConnectionShape<LoadedSearchHit>> {
    const query = args.query.trim();
    if (!query) throw SearchErrors.emptyQuery();
    if (query.length > QUERY_MAX_LENGTH) throw SearchErrors.queryTooLong();
    if (args.kinds && !args.kinds.length) throw SearchErrors.noKinds();
    const offset = decodeOffset(args.after);
    if (offset >= MAX_SEARCH_RESULTS) throw SearchErrors.tooDeep();
    const { searchIndex } = this.ctx;
    const pageSize = Math.min(args.first, MAX_SEARCH_RESULTS - offset);
    const statement = searchStatement({
      config: searchIndex.config,
      query,
      lastWord: prefixWord(args.query),
      kinds: args.kinds ?? ALL_KINDS,
      themeSlug: args.themeSlug ?? null,
      type: args.type ?? null,
      visibility: searchVisibility(viewer, this.ctx.clock.now()),
      subjects: subjectJson(processReads(this.ctx.orm)),
      limit: Math.min(args.first + 1, MAX_SEARCH_RESULTS - offset),
      offset,
    });
    if (!statement) return toOffsetConnection([], pageSize, offset, (hit: LoadedSearchHit) => hit);
    await searchIndex.inLanguage();
    const rows = await searchRows(processReads(this.ctx.orm), statement);
    const hits = this.withSubjects(rows);
    return toOffsetConnection(hits, pageSize, offset, (hit) => hit);
  }

  /** The hits with what they found, which the statement read with them (read models); a row deleted since is left out. */
  private withSubjects(rows: SearchRow[]): LoadedSearchHit[] {
    return rows.flatMap((row) => {
      const subject = row.subject && this.subject(row.kind, row.subject);
      if (!subject) return [];
      const hit = Object.assign(new SearchHit(), {
        kind: row.kind,
        id: row.id,
        score: Number(row.score),
        at: new Date(row.at),
        snippet: snippetHtml(row.headline),
      });
      return [Object.assign(hit, { subject })];
    });
  }

  private subject(kind: SearchKind, json: Record<string, unknown>): SearchSubjectValue {
    const em = processReads(this.ctx.orm);
    switch (kind) {
      case SearchKind.CONTENT:
        return readModel(em, ContentRow)(json);
      case SearchKind.COMMENT:
        return readModel(em, CommentRow)(json);
      case SearchKind.MEMBER:
        return toDirectoryMember(readModel(em, MemberRow)(json));
      case SearchKind.LIVE_SESSION:
        return readModel(em, LiveSessionRow)(json);
    }
  }
}
