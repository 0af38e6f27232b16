import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommunityLocale } from '../../server/env';

/** The text search configuration (made by the search migration) for each community language. */
export const SEARCH_CONFIGS: Record<CommunityLocale, string> = { en: 'hearth_en', fr: 'hearth_fr' };

/** Databases (by their ORM) whose index is known to be in this process's language. */
const checked = new WeakMap<object, string>();

/**
 * Makes sure the stored search vectors are in `config` before a search reads them. The triggers
 * write vectors in the language stored in `search_language`; when COMMUNITY_LOCALE names another
 * one (it changed, or the database is new), `search_rebuild` switches it and recomputes every
 * vector in one transaction (a minute or so for a million rows, once). Checked once per process.
 * Every instance of a community must share COMMUNITY_LOCALE.
 */
export async function ensureSearchLanguage(em: EntityManager, orm: object, config: string): Promise<void> {
  if (checked.get(orm) === config) return;
  const [row] = await em.execute<{ language: string | null }[]>('select language::text as language from search_language');
  if (row?.language !== config) await em.execute('select search_rebuild(?::regconfig)', [config]);
  checked.set(orm, config);
}
