import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Logger } from './logger';

/** Where the console is served; Vite builds it with the same base (admin/vite.config.mts). */
export const ADMIN_PATH = '/admin';

/**
 * Headers of every console response: no framing (clickjacking), no sniffing, no referrer (the
 * URL carries the page's filters), and scripts from this origin only. Chart.js sets inline styles
 * on its canvas, hence `style-src 'unsafe-inline'`; the console itself has no inline script.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** Hashed file names never change content: a year, immutable. Everything else is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Serves the built admin console (dist/admin) at /admin: its files with cache headers, and
 * index.html for every other path under /admin (history fallback: /admin/rules/42 is a page of
 * the single-page app). A missing asset is a 404, never index.html, so a stale tab fails loudly.
 * When the console is not built (tests that do not need it, a checkout that only ran the
 * server's build), /admin answers 503 with a code that says so.
 */
export function registerAdminConsole(app: express.Express, dir: string | null, logger: Logger): void {
  const index = dir ? path.join(dir, 'index.html') : null;
  const secure: express.RequestHandler = (_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  };
  if (!index || !existsSync(index)) {
    if (dir) logger.warn({ dir }, 'admin console not built: /admin answers 503 (run `npm run build`)');
    app.use(ADMIN_PATH, (_req, res) => {
      res.status(503).json({
        errors: [{ message: 'The admin console is not built: run `npm run build`.', extensions: { code: 'ADMIN_CONSOLE_NOT_BUILT' } }],
      });
    });
    return;
  }
  app.use(
    ADMIN_PATH,
    secure,
    express.static(dir!, {
      index: false,
      redirect: false,
      setHeaders: (res, file) => res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? IMMUTABLE : REVALIDATE),
    }),
  );
  app.use(`${ADMIN_PATH}/assets`, (_req, res) => {
    res.status(404).type('text/plain').send('Not found.');
  });
  app.get([ADMIN_PATH, `${ADMIN_PATH}/{*page}`], (_req, res) => {
    res.set('Cache-Control', REVALIDATE).sendFile(index);
  });
}
