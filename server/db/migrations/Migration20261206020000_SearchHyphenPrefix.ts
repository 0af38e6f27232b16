import { Migration } from '@mikro-orm/migrations';
import { TYPED_PREFIX_SEARCH_QUERY } from './Migration20261205230000_SearchTypedPrefix';

/** This migration's search_query, which the next one's down() restores. */
export const HYPHEN_PREFIX_SEARCH_QUERY = `create or replace function search_query(config regconfig, query text, last_word text) returns tsquery
      language sql immutable parallel safe as $$
        with q as (
          select websearch_to_tsquery(config, query)::text as stemmed, websearch_to_tsquery('hearth_prefix', last_word) as typed,
            websearch_to_tsquery(config, last_word)::text as last
        )
        select case
          when last_word is null or length(to_tsvector(config, last_word)) = 0 then websearch_to_tsquery(config, query)
          when last like '''%-%'' <-> %' and right(stemmed, length(last)) = last
            then (left(stemmed, length(stemmed) - length(last)) || substring(last from '^''(?:[^'']|'''')+''') || ':*')::tsquery
          when numnode(typed) = 1 and typed::text <> substring(stemmed from '''(?:[^'']|'''')+''$')
            then regexp_replace(stemmed, '''(?:[^'']|'''')+''$', '( \\&:* | ' || replace(typed::text, '\\', '\\\\') || ':* )')::tsquery
          else regexp_replace(stemmed, '''(?:[^'']|'''')+''$', '\\&:*')::tsquery
        end
        from q
      $$;`;

/**
 * A hyphenated word being typed matches as a prefix too. The parser reads "follow-u" as the
 * compound and its parts in a phrase, `'follow-u' <-> 'follow' <-> 'u'`, and only the last part
 * was a prefix: the compound had to match whole, so a member typing "follow-u" found no
 * "follow-up" item until the word was complete. When the query ends with such a phrase (the last
 * word's own parse), it ends with the compound as a prefix instead (`'follow-u':*`); otherwise
 * search_query is as before.
 */
export class Migration20261206020000_SearchHyphenPrefix extends Migration {

  override name = 'Migration20261206020000_SearchHyphenPrefix';

  override up(): void | Promise<void> {
    this.addSql(HYPHEN_PREFIX_SEARCH_QUERY);
  }

  override down(): void | Promise<void> {
    this.addSql(TYPED_PREFIX_SEARCH_QUERY);
  }

}
