import { Migration } from '@mikro-orm/migrations';

/** This migration's search_query (after `create function`), which the typed-prefix migration's down() restores. */
export const SEARCH_QUERY = `search_query(config regconfig, query text, last_word text) returns tsquery
      language sql immutable parallel safe as $$
        select case
          when last_word is not null and length(to_tsvector(config, last_word)) > 0
            then regexp_replace(websearch_to_tsquery(config, query)::text, '''(?:[^'']|'''')+''$', '\\&:*')::tsquery
          else websearch_to_tsquery(config, query)
        end
      $$;`;

/**
 * Written by hand (search, issue 20): full-text search over content, comments, members and live
 * sessions.
 *
 * Two text search configurations, `hearth_en` and `hearth_fr`: PostgreSQL's English and French
 * ones with `unaccent` before the stemmer, so "événement" and "evenement" are one word and a
 * French community finds "webinaires" with "webinaire". The community's language
 * (COMMUNITY_LOCALE) is chosen when Hearth starts, not here, so the vectors are kept by triggers
 * that read it from `search_language` (one row) rather than by generated columns, whose
 * expression could not follow a change of language without rewriting the tables' definitions.
 * `search_rebuild(config)` switches the language and recomputes every vector in one transaction
 * (schema/search/search-index.ts calls it when COMMUNITY_LOCALE differs from the stored one).
 *
 * One definition per kind of row (`*_search_document`) serves its trigger and the rebuild. The
 * columns have no ORM property on purpose: only these triggers and the rebuild write them, and
 * the ORM never reads them.
 */
export class Migration20261203135500_Search extends Migration {

  override name = 'Migration20261203135500_Search';

  override up(): void | Promise<void> {
    // unaccent is a trusted extension (PostgreSQL 13+); it ships with the server and the embedded package.
    this.addSql(`create extension if not exists unaccent;`);
    for (const [config, base] of [['hearth_en', 'english'], ['hearth_fr', 'french']]) {
      this.addSql(`create text search configuration ${config} (copy = ${base});`);
      this.addSql(`alter text search configuration ${config} alter mapping for hword, hword_part, word with unaccent, ${base}_stem;`);
    }

    this.addSql(`create table "search_language" ("language" regconfig not null, primary key ("language"));`);
    this.addSql(`create unique index "search_language_single_row" on "search_language" ((true));`);
    this.addSql(`insert into "search_language" ("language") values ('hearth_en');`);
    this.addSql(`create function search_config() returns regconfig language sql stable parallel safe as $$ select language from search_language $$;`);

    // What each kind of row is found by, and how much each part weighs in the ranking (A > B > C).
    this.addSql(`create function content_search_document(config regconfig, title text, summary text, body text) returns tsvector
      language sql immutable parallel safe as $$
        select setweight(to_tsvector(config, coalesce(title, '')), 'A')
            || setweight(to_tsvector(config, coalesce(summary, '')), 'B')
            || setweight(to_tsvector(config, coalesce(body, '')), 'C')
      $$;`);
    this.addSql(`create function comment_search_document(config regconfig, body text) returns tsvector
      language sql immutable parallel safe as $$ select setweight(to_tsvector(config, coalesce(body, '')), 'B') $$;`);
    this.addSql(`create function member_search_document(config regconfig, display_name text, job_title text, company text) returns tsvector
      language sql immutable parallel safe as $$
        select setweight(to_tsvector(config, coalesce(display_name, '')), 'A')
            || setweight(to_tsvector(config, coalesce(job_title, '') || ' ' || coalesce(company, '')), 'B')
      $$;`);
    this.addSql(`create function live_session_search_document(config regconfig, title text, description text) returns tsvector
      language sql immutable parallel safe as $$
        select setweight(to_tsvector(config, coalesce(title, '')), 'A') || setweight(to_tsvector(config, coalesce(description, '')), 'B')
      $$;`);

    this.addSql(`create function content_search_sync() returns trigger language plpgsql as $$
      begin new.search_vector := content_search_document(search_config(), new.title, new.summary, new.body); return new; end $$;`);
    this.addSql(`create function comment_search_sync() returns trigger language plpgsql as $$
      begin new.search_vector := comment_search_document(search_config(), new.body); return new; end $$;`);
    this.addSql(`create function member_search_sync() returns trigger language plpgsql as $$
      begin new.search_vector := member_search_document(search_config(), new.display_name, new.job_title, new.company); return new; end $$;`);
    this.addSql(`create function live_session_search_sync() returns trigger language plpgsql as $$
      begin new.search_vector := live_session_search_document(search_config(), new.title, new.description); return new; end $$;`);

    for (const [table, columns] of [['content', 'title, summary, body'], ['comment', 'body'], ['member', 'display_name, job_title, company'], ['live_session', 'title, description']]) {
      this.addSql(`alter table "${table}" add column "search_vector" tsvector;`);
      this.addSql(`create trigger "${table}_search_sync" before insert or update of ${columns} on "${table}" for each row execute function ${table}_search_sync();`);
    }
    this.addSql(`create function search_rebuild(target regconfig) returns boolean language plpgsql as $$
      begin
        -- One rebuild at a time; a second caller finds the language already switched and returns.
        lock table search_language in exclusive mode;
        if (select language from search_language) is not distinct from target then return false; end if;
        delete from search_language;
        insert into search_language (language) values (target);
        update content set search_vector = content_search_document(target, title, summary, body);
        update comment set search_vector = comment_search_document(target, body);
        update member set search_vector = member_search_document(target, display_name, job_title, company);
        update live_session set search_vector = live_session_search_document(target, title, description);
        return true;
      end $$;`);
    // Fill the vectors of the rows already there (in hearth_en, the row inserted above).
    this.addSql(`update content set search_vector = content_search_document('hearth_en', title, summary, body);`);
    this.addSql(`update comment set search_vector = comment_search_document('hearth_en', body);`);
    this.addSql(`update member set search_vector = member_search_document('hearth_en', display_name, job_title, company);`);
    this.addSql(`update live_session set search_vector = live_session_search_document('hearth_en', title, description);`);

    // Deleted comments are never found: their vector is empty and the index leaves them out.
    this.addSql(`create index "content_search_index" on "content" using gin ("search_vector");`);
    this.addSql(`create index "comment_search_index" on "comment" using gin ("search_vector") where "deleted_at" is null;`);
    this.addSql(`create index "member_search_index" on "member" using gin ("search_vector");`);
    this.addSql(`create index "live_session_search_index" on "live_session" using gin ("search_vector");`);

    /*
     * The tsquery of a search box: websearch_to_tsquery's syntax ("quoted phrases", -excluded,
     * or), with the last word also matching as a prefix while the member types (`last_word`: the
     * typed word when the query ends with a plain one, null otherwise; a stop word is left as is).
     * The last word is the last operand of websearch_to_tsquery's output, which keeps the order of
     * the words: it gets `:*` there, so the operators around it stay as websearch_to_tsquery read them.
     */
    this.addSql(`create function ${SEARCH_QUERY}`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function search_query(regconfig, text, text);`);
    this.addSql(`drop function search_rebuild(regconfig);`);
    for (const table of ['content', 'comment', 'member', 'live_session']) {
      this.addSql(`drop trigger "${table}_search_sync" on "${table}";`);
      this.addSql(`alter table "${table}" drop column "search_vector";`);
      this.addSql(`drop function ${table}_search_sync();`);
    }
    this.addSql(`drop function content_search_document(regconfig, text, text, text);`);
    this.addSql(`drop function comment_search_document(regconfig, text);`);
    this.addSql(`drop function member_search_document(regconfig, text, text, text);`);
    this.addSql(`drop function live_session_search_document(regconfig, text, text);`);
    this.addSql(`drop function search_config();`);
    this.addSql(`drop table "search_language";`);
    this.addSql(`drop text search configuration hearth_fr;`);
    this.addSql(`drop text search configuration hearth_en;`);
  }

}
