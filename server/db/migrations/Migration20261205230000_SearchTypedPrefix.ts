import { Migration } from '@mikro-orm/migrations';
import { SEARCH_QUERY } from './Migration20261203135500_Search';

/** This migration's search_query, which the next one's down() restores. */
export const TYPED_PREFIX_SEARCH_QUERY = `create or replace function search_query(config regconfig, query text, last_word text) returns tsquery
      language sql immutable parallel safe as $$
        with q as (
          select websearch_to_tsquery(config, query)::text as stemmed, websearch_to_tsquery('hearth_prefix', last_word) as typed
        )
        select case
          when last_word is null or length(to_tsvector(config, last_word)) = 0 then websearch_to_tsquery(config, query)
          when numnode(typed) = 1 and typed::text <> substring(stemmed from '''(?:[^'']|'''')+''$')
            then regexp_replace(stemmed, '''(?:[^'']|'''')+''$', '( \\&:* | ' || replace(typed::text, '\\', '\\\\') || ':* )')::tsquery
          else regexp_replace(stemmed, '''(?:[^'']|'''')+''$', '\\&:*')::tsquery
        end
        from q
      $$;`;

/**
 * The word being typed also matches as typed, not only as the stemmer rewrites it. The English
 * stemmer turns a final consonant + "y" into "i": "copy" became the prefix `copi:*`, which does
 * not begin "copywrit", the indexed form of "copywriting", so a member typing "copy" found no
 * copywriting item until the word was complete. The last operand is now `(stemmed:* | typed:*)`,
 * the typed form through `hearth_prefix` (unaccented and lower-cased, never stemmed), when it is
 * one lexeme that differs from the stemmed one; otherwise it is `stemmed:*` as before.
 */
export class Migration20261205230000_SearchTypedPrefix extends Migration {

  override name = 'Migration20261205230000_SearchTypedPrefix';

  override up(): void | Promise<void> {
    this.addSql(`create text search configuration hearth_prefix (copy = simple);`);
    this.addSql(`alter text search configuration hearth_prefix alter mapping for hword, hword_part, word with unaccent, simple;`);
    this.addSql(TYPED_PREFIX_SEARCH_QUERY);
  }

  override down(): void | Promise<void> {
    this.addSql(`create or replace function ${SEARCH_QUERY}`);
    this.addSql(`drop text search configuration hearth_prefix;`);
  }

}
