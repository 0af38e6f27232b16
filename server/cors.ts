import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers a browser app may send: JSON bodies, bearer tokens, Apollo's CSRF-safe headers, the visit source. */
const ALLOWED_HEADERS =
  'authorization, content-type, accept, apollo-require-preflight, x-apollo-operation-name, apollo-client-name, apollo-client-version, x-hearth-source';
/** Browsers cache a preflight this long (Chromium caps it at 2 hours, Firefox at 24). */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Turns `https://app.example.com`, `http://localhost:*` or `https://*.example.com` into a test of an origin; `*` allows any. */
function originMatcher(pattern: string): (origin: string) => boolean {
  if (pattern === '*') return () => true;
  const [, scheme, host, port] = /^(https?):\/\/(.+?)(?::(\d+|\*))?$/i.exec(pattern.toLowerCase()) ?? [];
  if (!scheme) return () => false;
  const hostPattern = host.startsWith('*.') ? `[a-z0-9-]+(\\.[a-z0-9-]+)*\\.${escape(host.slice(2))}` : escape(host);
  const portPattern = port === '*' ? '(:\\d{1,5})?' : port ? `:${port}` : '';
  const regex = new RegExp(`^${scheme}://${hostPattern}${portPattern}$`);
  return (origin) => regex.test(origin);
}

export interface CorsPolicy {
  /** Whether a page on `origin` may call the API (and open a WebSocket). */
  allows(origin: string): boolean;
  /**
   * Adds the CORS headers to a response for an allowed origin; answers a preflight itself (204,
   * or 403 without any Access-Control header for an origin not allowed). Returns true when the
   * request was answered. Everything else, same-origin or not a browser, passes untouched:
   * Apollo's CSRF prevention still refuses simple (non-preflighted) cross-site requests.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * CORS for browser front ends on other origins. Credentials are off: Hearth authenticates with
 * bearer tokens, never cookies, so `Access-Control-Allow-Credentials` is never sent.
 */
export function corsPolicy(origins: readonly string[]): CorsPolicy {
  const matchers = origins.map(originMatcher);
  const allows = (origin: string) => matchers.some((matches) => matches(origin.toLowerCase()));
  return {
    allows,
    handle(req, res) {
      const origin = req.headers.origin;
      const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (origin === undefined) return false;
      res.setHeader('Vary', 'Origin');
      if (!allows(origin)) {
        if (!preflight) return false;
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({ errors: [{ message: `Origin ${origin} is not allowed (CORS_ORIGINS).`, extensions: { code: 'FORBIDDEN' } }] }),
        );
        return true;
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (!preflight) {
        res.setHeader('Access-Control-Expose-Headers', 'retry-after');
        return false;
      }
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
        'Content-Length': '0',
      });
      res.end();
      return true;
    },
  };
}
