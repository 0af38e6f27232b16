import type { HearthModule } from '../../server/module';
import { SearchResolver } from './search.resolver';

/** Full-text search over what the viewer may see. */
export const searchModule: HearthModule = {
  name: 'search',
  resolvers: [SearchResolver],
};
