import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { CommunityLocale } from '../../server/env';
import { indexedLanguage } from './search.queries';

/** The text search configuration (made by the search migration) for each community language. */
export const SEARCH_CONFIGS: Record<CommunityLocale, string> = { en: 'hearth_en', fr: 'hearth_fr' };

/**
 * The search index's language, one per process. The triggers write vectors in the language stored
 * in `search_language`; when COMMUNITY_LOCALE names another one (it changed, or the database is
 * new), `search_rebuild` switches it and recomputes every vector in one transaction (a minute or
 * so for a million rows, once). The module starts that at process start; a search waits for it
 * (and tries again if it failed). Every instance of a community must share COMMUNITY_LOCALE.
 */
export class SearchIndex {
  readonly config: string;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly em: () => EntityManager,
    locale: CommunityLocale,
    private readonly logger: Logger,
  ) {
    this.config = SEARCH_CONFIGS[locale];
  }

  /** Resolves once the stored vectors are in this process's language. */
  inLanguage(): Promise<void> {
    this.ready ??= this.switchLanguage().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async switchLanguage(): Promise<void> {
    const em = this.em();
    const language = await indexedLanguage(em);
    if (language === this.config) return;
    this.logger.info({ from: language, to: this.config }, 'rebuilding the search index in the community language');
    await em.execute('select search_rebuild(?::regconfig)', [this.config]);
  }
}
