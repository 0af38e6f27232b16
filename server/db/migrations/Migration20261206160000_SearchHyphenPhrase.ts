import { Migration } from '@mikro-orm/migrations';
import { HYPHEN_PREFIX_SEARCH_QUERY } from './Migration20261206020000_SearchHyphenPrefix';

/*
 * The query with the last word of each phrase also matching a hyphenated word it begins:
 * `'webinar' <-> 'follow'` becomes `'webinar' <-> ( 'follow' | 'follow-':* )`. The compound's
 * lexeme keeps its first part as written, unaccented and lower-cased, not stemmed ("marketing-led"
 * is `'marketing-l'`, its part `'market'`), so the prefix is the query's word as typed (its
 * `hearth_prefix` form at the same position in the query), every such word for a lexeme read from
 * several. Both alternatives are one position: in a phrase PostgreSQL gives an alternative the
 * width of its widest branch, so `( 'follow' | 'follow-':* <-> 'follow' )` would misplace 'follow'
 * wherever the item holds a follow-… compound too. An operand is the last of its phrase when
 * ` &`, ` |`, ` )` (tsquery's spacing) or the end follows it; a prefix (`:*`) is left alone: it
 * begins the compound already. Operands are rewritten in the tsquery's text, quoted as tsquery
 * prints them (`''` for a quote, `\\` for a backslash).
 */
const SEARCH_HYPHEN_PHRASES = String.raw`create function search_hyphen_phrases(config regconfig, query text, words tsquery) returns tsquery
      language plpgsql immutable parallel safe as $$
        declare
          rewritten text := words::text;
          word record;
          operand text;
        begin
          if rewritten !~ '<(?:-|\d+)> ''' then return words; end if;
          for word in
            select stemmed.lexeme,
                string_agg(distinct '''' || replace(replace(typed.lexeme || '-', '\', '\\'), '''', '''''') || ''':*', ' | ') as compounds
              from unnest(to_tsvector(config, query)) stemmed
                cross join unnest(stemmed.positions) as pos
                join (select t.lexeme, unnest(t.positions) as pos from unnest(to_tsvector('hearth_prefix', query)) t) typed using (pos)
              group by stemmed.lexeme
          loop
            operand := '''' || replace(replace(word.lexeme, '\', '\\'), '''', '''''') || '''';
            rewritten := regexp_replace(rewritten,
              '(<(?:-|\d+)> )' || regexp_replace(operand, '([^[:alnum:]_ ])', '\\\1', 'g') || '(?=$| [)&|])',
              '\1' || replace('( ' || operand || ' | ' || word.compounds || ' )', '\', '\\'),
              'g');
          end loop;
          return rewritten::tsquery;
        end
      $$;`;

/** The hyphen-prefix migration's search_query, its result through search_hyphen_phrases. */
const SEARCH_QUERY = String.raw`create or replace function search_query(config regconfig, query text, last_word text) returns tsquery
      language sql immutable parallel safe as $$
        with q as (
          select websearch_to_tsquery(config, query)::text as stemmed, websearch_to_tsquery('hearth_prefix', last_word) as typed,
            websearch_to_tsquery(config, last_word)::text as last
        )
        select search_hyphen_phrases(config, query, case
          when last_word is null or length(to_tsvector(config, last_word)) = 0 then websearch_to_tsquery(config, query)
          when last like '''%-%'' <-> %' and right(stemmed, length(last)) = last
            then (left(stemmed, length(stemmed) - length(last)) || substring(last from '^''(?:[^'']|'''')+''') || ':*')::tsquery
          when numnode(typed) = 1 and typed::text <> substring(stemmed from '''(?:[^'']|'''')+''$')
            then regexp_replace(stemmed, '''(?:[^'']|'''')+''$', '( \&:* | ' || replace(typed::text, '\', '\\') || ':* )')::tsquery
          else regexp_replace(stemmed, '''(?:[^'']|'''')+''$', '\&:*')::tsquery
        end)
        from q
      $$;`;

/**
 * A quoted phrase finds a hyphenated word from its first part: `"webinar follow"` finds "webinar
 * follow-up", as `"webinar follow up"` does ("up" is a stop word). The parser reads "follow-up" as
 * the compound, then its parts one position further on (`'webinar':1 'follow-up':2 'follow':3`),
 * so a phrase asking for 'follow' right after 'webinar' found nothing, though unquoted the same
 * words did. The last word of a phrase now also matches as the beginning of a hyphenated word
 * right there (search_hyphen_phrases); the words must still be next to each other, and a query
 * without a phrase is as before. The vectors are unchanged: no rebuild.
 *
 * Not inside a phrase: `"webinar follow up checklist"` still misses "webinar follow-up checklist".
 * The compound moves every later word one position on, so each word of a phrase that may begin one
 * doubles the tsquery (the rest of the phrase with the compound and without): exponential in its words.
 */
export class Migration20261206160000_SearchHyphenPhrase extends Migration {

  override name = 'Migration20261206160000_SearchHyphenPhrase';

  override up(): void | Promise<void> {
    this.addSql(SEARCH_HYPHEN_PHRASES);
    this.addSql(SEARCH_QUERY);
  }

  override down(): void | Promise<void> {
    this.addSql(HYPHEN_PREFIX_SEARCH_QUERY);
    this.addSql(`drop function search_hyphen_phrases(regconfig, text, tsquery);`);
  }

}
