import express from 'express';
import type { AppDeps } from '../../server/context';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordDigestClick, recordSessionEmailClick } from './digest-click.service';
import { setDigestEmails } from './email-preferences.service';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}button{font-size:1rem;padding:.6rem 1.2rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const INVALID_LINK = page(
  'This link is not valid',
  '<p>The link may be incomplete or altered. Copy the whole link from the email, or change your email preferences from your account.</p>',
);

/**
 * Links in emails, usable without logging in: `GET /r/:token` records the click (a digest's or a
 * session email's link) and redirects to the item; `GET /unsubscribe/:token` asks for confirmation (mail scanners follow GETs) and
 * `POST /unsubscribe/:token` unsubscribes, which is also RFC 8058's one-click POST. A bad or altered
 * token is a 400 page, never an exception.
 */
export function registerEmailRoutes(app: express.Express, deps: AppDeps): void {
  const em = () => deps.orm.em.fork() as EntityManager;

  app.get('/r/:token', async (req, res, next) => {
    try {
      const { emailLinks, clock } = deps;
      const click = emailLinks.readClick(req.params.token);
      const sessionClick = click ? null : emailLinks.readSessionClick(req.params.token);
      const recorded = click
        ? await recordDigestClick(em(), click.digestId, click.contentId, clock.now())
        : sessionClick !== null && (await recordSessionEmailClick(em(), sessionClick, clock.now()));
      if (!recorded) {
        res.status(400).type('html').send(INVALID_LINK);
        return;
      }
      res.redirect(302, emailLinks.contentUrl((click ?? sessionClick)!.contentId));
    } catch (error) {
      next(error);
    }
  });

  app.get('/unsubscribe/:token', (req, res) => {
    if (!deps.emailLinks.readUnsubscribe(req.params.token)) {
      res.status(400).type('html').send(INVALID_LINK);
      return;
    }
    const action = `/unsubscribe/${encodeURIComponent(req.params.token)}`;
    res
      .type('html')
      .send(
        page(
          `Unsubscribe from ${deps.config.communityName} digests?`,
          `<p>You will no longer receive emails about content you have not seen.</p><form method="post" action="${escapeHtml(action)}"><button type="submit">Unsubscribe</button></form>`,
        ),
      );
  });

  app.post('/unsubscribe/:token', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res, next) => {
    try {
      const target = deps.emailLinks.readUnsubscribe(req.params.token);
      if (!target) {
        res.status(400).type('html').send(INVALID_LINK);
        return;
      }
      await setDigestEmails(em(), target.memberId, false);
      deps.logger.info({ memberId: target.memberId }, 'member unsubscribed from digests');
      res
        .type('html')
        .send(
          page(
            'You are unsubscribed',
            `<p>You will not receive ${escapeHtml(deps.config.communityName)} digests any more. You can turn them back on in your email preferences.</p>`,
          ),
        );
    } catch (error) {
      next(error);
    }
  });

  // A link whose token is not even URL-encoded text (`/r/%ZZ`: Express cannot decode the parameter) is as invalid as a tampered one.
  app.use(
    ['/r/', '/unsubscribe/'],
    (error: { status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (error.status === 400 && !res.headersSent) res.status(400).type('html').send(INVALID_LINK);
      else next(error);
    },
  );
}
