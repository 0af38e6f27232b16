import 'reflect-metadata';
import type { HearthModule } from '../server/module';
import { analyticsModule } from './analytics';
import { contentModule } from './content';
import { conversationModule } from './conversation';
import { engagementModule } from './engagement';
import { identityModule } from './identity';
import { liveModule } from './live';
import { moderationModule } from './moderation';
import { notificationModule } from './notification';
import { pagesModule } from './pages';
import { searchModule } from './search';
import { trackingModule } from './tracking';

/**
 * Every domain, in the order their context needs, collaborators, routes and jobs are set up
 * (identity first: the others read the viewer). Adding a domain = its folder + one line here.
 */
export const modules: readonly HearthModule[] = [
  identityModule,
  contentModule,
  conversationModule,
  notificationModule,
  trackingModule,
  analyticsModule,
  engagementModule,
  liveModule,
  searchModule,
  moderationModule,
  pagesModule,
];
