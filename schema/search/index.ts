import type { EntityManager } from '@mikro-orm/postgresql';
import type { HearthModule } from '../../server/module';
import { SearchIndex } from './search-index';
import { SearchResolver } from './search.resolver';

declare module '../../server/context' {
  interface DomainDeps {
    /** The search index's language (COMMUNITY_LOCALE), checked once per process. */
    searchIndex: SearchIndex;
  }
}

/** Full-text search over what the viewer may see; `searchVisibility` holds who may find what. */
export const searchModule: HearthModule = {
  name: 'search',
  resolvers: [SearchResolver],
  provide: ({ orm, config, logger }) => ({
    searchIndex: new SearchIndex(() => orm.em.fork() as EntityManager, config.communityLocale, logger),
  }),
  start(deps) {
    // Switch the index's language now rather than in the first search; a failure is retried by the next search.
    deps.searchIndex.inLanguage().catch((error: unknown) => deps.logger.error({ err: error }, 'search index language check failed'));
  },
};
