import type { Context, ContextInput } from '../../server/context';
import { databaseTimeouts } from '../../server/db/pool';
import type { HearthModule } from '../../server/module';
import { ContentView } from './content-view.entity';
import { ContentViewResolver } from './content-view.resolver';
import { registerTrackingHandlers } from './tracking.handlers';
import { ViewWriter } from './view-writer';
import { ViewableContent, type ViewableContentChange } from './viewable-content';
import { Visit, VisitSource } from './visit.entity';
import { VisitResolver } from './visit.resolver';
import { VisitTracker } from './visit-tracker';
import { viewsRoute } from './views.route';

declare module '../../server/context' {
  interface DomainDeps {
    visitTracker: VisitTracker;
    viewWriter: ViewWriter;
    /** Items known to accept views from every member, so heartbeats skip the lookup. */
    viewableContent: ViewableContent;
  }
}

declare module '../../server/pubsub' {
  interface Topics {
    /** Moderation hid an item or suspended an author: every instance drops them from its ViewableContent. */
    VIEWABLE_CONTENT_CHANGED: [ViewableContentChange];
  }
}

function visitSource(raw: unknown): VisitSource {
  return typeof raw === 'string' && raw.toUpperCase() in VisitSource ? (raw.toUpperCase() as VisitSource) : VisitSource.DIRECT;
}

/** Every authenticated request or operation is activity: it opens or extends the viewer's visit. */
async function recordViewerActivity(context: Context, input: ContextInput): Promise<void> {
  if (context.viewer) await context.visitTracker.recordActivity(context.viewer.id, context.clock.now(), visitSource(input.source));
}

/** Visits and content views. */
export const trackingModule: HearthModule = {
  name: 'tracking',
  entities: [Visit, ContentView],
  resolvers: [VisitResolver, ContentViewResolver],
  provide: ({ orm, clock, logger, config, databaseUrl }) => ({
    visitTracker: new VisitTracker(orm, clock, logger),
    viewWriter: new ViewWriter(databaseUrl, logger, databaseTimeouts(config)),
    viewableContent: new ViewableContent(),
  }),
  prepareContext: recordViewerActivity,
  jsonRoutes: [viewsRoute],
  handlers: registerTrackingHandlers,
  start: (deps) => {
    deps.viewableContent.listen(deps.pubSub);
    deps.visitTracker.start(deps.config.visitFlushMs);
  },
  stop: [
    ['viewable content', (deps) => deps.viewableContent.stop()],
    ['content view writer', (deps) => deps.viewWriter.close()],
    ['visit tracker', (deps) => deps.visitTracker.stop()],
  ],
};
