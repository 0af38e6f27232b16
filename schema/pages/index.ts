import type { HearthModule } from '../../server/module';
import { registerPageRoutes } from './pages.routes';

/** HTML pages: the landing page, GraphiQL, and the targets of links in emails. */
export const pagesModule: HearthModule = {
  name: 'pages',
  routes: registerPageRoutes,
};
