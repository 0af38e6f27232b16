import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps, Context } from './context';
import { AppError, asServiceUnavailable, ErrorCode, warnUnavailable } from './errors';
import { readJsonBody } from './request-body';
import { isUnavailableError, RETRY_AFTER_SECONDS } from './unavailable';

/**
 * An endpoint besides /graphql on the request path itself (node:http, no Express router, no
 * GraphQL): for a hot, fixed-shape call whose GraphQL pipeline would cost more than the work it
 * does (the view ingest a reader's app sends every few seconds, schema/tracking/views.route.ts).
 * A module lists them in `jsonRoutes`; server/http.ts matches method and exact path first.
 */
export interface JsonRoute {
  method: 'POST';
  /** Matched exactly, in any letter case, with or without a trailing slash; a query string is ignored. */
  path: string;
  /** Largest body read, in bytes (after decompression). */
  maxBodyBytes: number;
  /** The answer's JSON, for a request whose context was built (viewer resolved, activity recorded). Throws AppError to refuse. */
  handle(body: unknown, context: Context): Promise<unknown>;
}

/** HTTP statuses of the error codes: a client or proxy that reads only the status still does the right thing. */
const STATUS: Record<string, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  BAD_REQUEST: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/** "256 KB", "1 MB": a byte limit as people read it. */
const readableBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;

/** The code and message of a body refused before anything ran, for /graphql and the JSON routes alike. */
export function bodyRefusal(status: 400 | 413 | 415, limitBytes: number): [code: string, message: string] {
  if (status === 413) return ['PAYLOAD_TOO_LARGE', `Request body is larger than ${readableBytes(limitBytes)}.`];
  if (status === 415) return ['UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json (UTF-8, identity, gzip, deflate, br or zstd).'];
  return ['BAD_REQUEST', 'Malformed request.'];
}

type Refusal = { code: string; message: string; extensions?: Record<string, unknown> };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, { code, message, extensions }: Refusal): void {
  const headers: Record<string, string> =
    code === ErrorCode.SERVICE_UNAVAILABLE ? { 'retry-after': String(extensions?.retryAfterSeconds ?? RETRY_AFTER_SECONDS) } : {};
  send(res, STATUS[code] ?? 400, { errors: [{ message, extensions: { ...extensions, code } }] }, headers);
}

/** What a thrown value may tell the client: an AppError as it is, an outage as SERVICE_UNAVAILABLE, anything else masked and logged. */
function refusalOf(error: unknown, deps: AppDeps): Refusal {
  if (!(error instanceof AppError) && isUnavailableError(error)) warnUnavailable(deps.logger, error);
  const known = asServiceUnavailable(error);
  if (known instanceof AppError) return { code: known.code, message: known.message, extensions: known.extras };
  deps.logger.error({ err: error }, 'unexpected error while answering a JSON route');
  return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error.' };
}

/** The path of a request URL as JsonRoute.path is matched: lower-cased, without query string or trailing slash. */
export function routePath(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0].toLowerCase();
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * Serves one JsonRoute: reads the JSON body (as /graphql reads its own, server/request-body.ts),
 * builds the request's context as GraphQL does (`contextFor`), runs the handler and answers JSON.
 * Refusals are `{ errors: [{ message, extensions: { code } }] }`, the shape GraphQL answers use,
 * with the matching HTTP status (503 with Retry-After for an outage); never a stack trace.
 * Each request is one `operation` log line, as a GraphQL one is.
 */
export function serveJsonRoute(
  route: JsonRoute,
  deps: AppDeps,
  contextFor: (req: IncomingMessage) => Promise<Context>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const started = performance.now();
    let context: Context | undefined;
    let code: string | null = null;
    try {
      if (req.method !== route.method) {
        res.setHeader('allow', route.method);
        code = 'METHOD_NOT_ALLOWED';
        return send(res, 405, { errors: [{ message: `Use ${route.method} ${route.path}.`, extensions: { code } }] });
      }
      const read =
        (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase() !== 'application/json'
          ? ({ refused: 415 } as const)
          : await readJsonBody(req, route.maxBodyBytes);
      if ('aborted' in read) return void res.destroy(); // the client went away mid-body
      if ('refused' in read) {
        const [refusedCode, message] = bodyRefusal(read.refused, route.maxBodyBytes);
        code = refusedCode;
        return refuse(res, { code, message });
      }
      context = await contextFor(req);
      const answer = await route.handle(read.body, context);
      send(res, 200, answer);
    } catch (error) {
      const refusal = refusalOf(error, deps);
      code = refusal.code;
      if (!res.headersSent) refuse(res, refusal);
      else res.destroy();
    } finally {
      deps.logger.info(
        {
          transport: 'http',
          operation: `${route.method} ${route.path}`,
          ms: Math.round(performance.now() - started),
          memberId: context?.viewer?.id ?? null,
          code,
        },
        'operation',
      );
    }
  };
}
