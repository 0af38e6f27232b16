import type { HearthModule } from '../../server/module';
import { AnalyticsResolver, ContentReachRowResolver } from './analytics.resolver';

/** The KPIs of PRODUCT.md, each one SQL statement. */
export const analyticsModule: HearthModule = {
  name: 'analytics',
  resolvers: [AnalyticsResolver, ContentReachRowResolver],
};
