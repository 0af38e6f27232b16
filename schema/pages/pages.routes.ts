import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUUID } from 'class-validator';
import { ContentService } from '../content/content.service';
import { formatSessionTime } from '../live/reminders/session-email.compose';
import { buildContext, type AppDeps } from '../../server/context';
import { AppError, ErrorCode } from '../../server/errors';
import { ideDir } from '../../server/ide/ide-files';
import { demoAccess } from '../../seed/demo-access';
import { graphiqlPage } from './graphiql.page';
import { ContentPage, EmailSettingsPage, FeedPage, LiveSessionPage, NotFoundPage } from './item.pages';
import { LandingPage } from './landing.page';
import { newestPublished } from './pages.queries';
import { renderPage } from './layout';

type Handler = (req: express.Request, res: express.Response) => Promise<void>;

/** Null for a NOT_FOUND, so the page answers its 404; anything else stays an error. */
const unlessNotFound = (error: unknown): null => {
  if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) return null;
  throw error;
};
const safely =
  (handler: Handler): express.RequestHandler =>
  (req, res, next) =>
    void handler(req, res).catch(next);

/** The GraphQL endpoint as the visitor reached this server (whatever host or proxy they came through). */
function endpoints(req: express.Request) {
  const url = `${req.protocol}://${req.get('host')}/graphql`;
  return { url, wsUrl: url.replace(/^http/, 'ws') };
}

/**
 * The pages the API serves to a browser: `GET /` (what runs here, the demo logins), `GET /graphiql`
 * (GraphiQL bundled from its npm package: no CDN, works offline), and outside production the
 * targets of links in emails (`/content/:id`, `/live/:id`, `/feed`, `/settings/email`), which a community's
 * front end serves at PUBLIC_URL in production: without one, a demo's email links land somewhere.
 */
export function registerPageRoutes(app: express.Express, deps: AppDeps): void {
  const { config } = deps;
  const em = () => deps.orm.em.fork() as EntityManager;
  const html = (res: express.Response, page: string, status = 200) => void res.status(status).type('html').send(page);

  app.get(
    '/',
    safely(async (req, res) => {
      const ide = existsSync(path.join(ideDir(), 'graphiql.js'));
      html(
        res,
        renderPage(
          LandingPage({
            communityName: config.communityName,
            ...endpoints(req),
            publicUrl: config.publicUrl,
            ide,
            demo: await demoAccess(em(), config),
          }),
        ),
      );
    }),
  );
  app.get(
    '/graphiql',
    safely(async (req, res) => {
      const demo = await demoAccess(em(), config);
      html(
        res,
        graphiqlPage({ ...endpoints(req), assets: '/graphiql/assets/', demo, built: existsSync(path.join(ideDir(), 'graphiql.js')) }),
      );
    }),
  );
  app.use('/graphiql/assets', (req, res, next) => express.static(ideDir(), { maxAge: '1h', fallthrough: true })(req, res, next));

  if (config.nodeEnv === 'production') return;
  app.get(
    '/content/:id',
    safely(async (req, res) => {
      const ctx = await buildContext(deps, { authorization: undefined, ip: req.ip ?? 'unknown' });
      const id = String(req.params.id);
      // As content(id) answers an anonymous reader: no draft, nothing moderation hides.
      const content = isUUID(id) ? await new ContentService(ctx).get(null, id).catch(unlessNotFound) : null;
      if (!content) return html(res, renderPage(NotFoundPage({ what: 'Content' })), 404);
      const [author, themes] = await Promise.all([
        ctx.loaders.memberById.load(content.author.id),
        ctx.loaders.themesByContentId.load(content.id),
      ]);
      const published = content.publishedAt
        ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: config.communityTimezone }).format(content.publishedAt)
        : null;
      html(res, renderPage(ContentPage({ content, author, themes, published })));
    }),
  );
  app.get(
    '/live/:id',
    safely(async (req, res) => {
      const ctx = await buildContext(deps, { authorization: undefined, ip: req.ip ?? 'unknown' });
      const id = String(req.params.id);
      const session = isUUID(id) ? await ctx.loaders.liveSessionById.load(id) : null;
      if (!session) return html(res, renderPage(NotFoundPage({ what: 'Live session' })), 404);
      const [speakers, themes] = await Promise.all([
        ctx.loaders.speakersBySessionId.load(session.id),
        ctx.loaders.themesBySessionId.load(session.id),
      ]);
      const when = formatSessionTime(session.startedAt ?? session.startsAt, config.communityTimezone);
      html(
        res,
        renderPage(
          LiveSessionPage({ session, when, speakers, themes, replayUrl: session.replayId ? `/content/${session.replayId}` : null }),
        ),
      );
    }),
  );
  app.get(
    '/feed',
    safely(async (_req, res) => {
      const rows = await newestPublished(em(), deps.clock.now());
      const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: config.communityTimezone });
      const entries = rows.map((row) => ({ ...row, published: date.format(new Date(row.published_at)) }));
      html(res, renderPage(FeedPage({ communityName: config.communityName, entries })));
    }),
  );
  app.get('/settings/email', (_req, res) => html(res, renderPage(EmailSettingsPage({ communityName: config.communityName }))));
}
