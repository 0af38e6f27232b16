import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLResponse } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express, { type ErrorRequestHandler } from 'express';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { compiledQueries } from './compiled-queries';
import { corsPolicy } from './cors';
import { buildContext, type AppDeps, type Context } from './context';
import { asServiceUnavailable, ErrorCode, toClientError } from './errors';
import { isUnavailableError, RETRY_AFTER_SECONDS } from './unavailable';
import { MAX_BODY_BYTES, PARSE_OPTIONS, type QueryLimits } from './limits';
import { legacyJsonStatusPlugin, requestChecksPlugin } from './request-checks';

/** An answer carrying SERVICE_UNAVAILABLE is an HTTP 503 with Retry-After, which any client or proxy knows to retry. */
function markUnavailable(response: { http: { status?: number; headers: Map<string, string> } }, errors: readonly GraphQLFormattedError[] | undefined): void {
  const unavailable = errors?.find((error) => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE);
  if (!unavailable) return;
  response.http.status = 503;
  response.http.headers.set('retry-after', String(unavailable.extensions?.retryAfterSeconds ?? RETRY_AFTER_SECONDS));
}

/** One log line per HTTP operation: name, duration, member, first error code (and the 503 of an unavailable dependency). */
function operationLog(deps: AppDeps): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ request, response, contextValue }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          markUnavailable(response, errors);
          deps.logger.info(
            {
              transport: 'http',
              operation: request.operationName ?? null,
              ms: Math.round(performance.now() - started),
              memberId: contextValue.viewer?.id ?? null,
              code: errors?.[0]?.extensions?.code ?? null,
            },
            'operation',
          );
        },
      };
    },
  };
}

/** "256 KB", "1 MB": a byte limit as people read it. */
const readableBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`);

/** The JSON answer to a request that never reached GraphQL: a code, never an HTML page or a stack trace. */
function errorBody(status: number, limitBytes = MAX_BODY_BYTES): string {
  if (status === 503) return JSON.stringify({ errors: [{ message: 'The service is temporarily unavailable; try again shortly.', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }] });
  const [message, code] =
    status === 413
      ? [`Request body is larger than ${readableBytes(limitBytes)}.`, 'PAYLOAD_TOO_LARGE']
      : status < 500
        ? ['Malformed request.', 'BAD_REQUEST']
        : ['Internal server error.', 'INTERNAL_SERVER_ERROR'];
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/** Body-parser and routing failures. */
function jsonErrors(deps: AppDeps): ErrorRequestHandler {
  return (error: { status?: number; statusCode?: number; type?: string; limit?: number }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const unavailable = isUnavailableError(error);
    const status = unavailable ? 503 : (error.status ?? error.statusCode ?? 500);
    if (unavailable) res.set('retry-after', String(RETRY_AFTER_SECONDS));
    else if (status >= 500) deps.logger.error({ err: error }, 'unhandled HTTP error');
    // body-parser says which limit a route set (the LiveKit webhook's is smaller than GraphQL's).
    res.status(status).type('json').send(errorBody(status, error.limit));
  };
}

function contextFor(deps: AppDeps, req: IncomingMessage): Promise<Context> {
  return buildContext(deps, {
    authorization: req.headers.authorization,
    ip: req.socket.remoteAddress ?? 'unknown',
    source: req.headers['x-hearth-source'],
  }).catch((error: unknown) => {
    // Loading the viewer with the database away: a 503 to retry, not "Context creation failed".
    throw asServiceUnavailable(error);
  });
}

const JSON_UTF8 = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/**
 * Whether a request is an operation the fast path takes: `POST /graphql` with a JSON body of a
 * declared length within the limit, not compressed. Anything else (GET operations, other
 * encodings, oversized or chunked bodies, other routes) goes through Express.
 */
function fastPathTakes(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/graphql') return false;
  const length = Number(req.headers['content-length']);
  return JSON_UTF8.test(req.headers['content-type'] ?? '') && !req.headers['content-encoding'] && length > 0 && length <= MAX_BODY_BYTES;
}

/** The body as text, with plain listeners: the stream's async iterator cost more on every operation. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('The request was aborted.'));
    });
  });
}

async function sendGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * Operations straight from node:http to Apollo: what a front end sends on every screen skips
 * Express's router, body-parser and the integration's header and URL copies, a tenth of a feed
 * page's CPU. The answers are the same: Apollo's, or the JSON errors above for a body that is not
 * JSON (body-parser's strict mode: an object or an array).
 */
function graphqlFastPath(apollo: ApolloServer<Context>, deps: AppDeps) {
  const answerError = (res: ServerResponse, status: number) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(errorBody(status));
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return void res.destroy(); // the client went away mid-body
    }
    let body: unknown;
    try {
      if (!/^\s*[{[]/.test(text)) throw new SyntaxError('not an object or an array');
      body = JSON.parse(text);
    } catch {
      return answerError(res, 400);
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    try {
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: '', body },
        context: () => contextFor(deps, req),
      });
      await sendGraphQLResponse(res, response);
    } catch (error) {
      deps.logger.error({ err: error }, 'unhandled HTTP error');
      if (!res.headersSent) answerError(res, 500);
      else res.destroy();
    }
  };
}

/** How long a stopping server lets in-flight requests finish before closing their connections. */
export const DRAIN_GRACE_MS = 5_000;

export interface HttpParts {
  app: express.Express;
  apollo: ApolloServer<Context>;
  /** The server's request listener: operations by the fast path, everything else by `app`. */
  listener: RequestListener;
}

export async function createHttpApp(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: AppDeps,
  limits: QueryLimits,
  extraPlugins: ApolloServerPlugin<Context>[],
): Promise<HttpParts> {
  const apollo = new ApolloServer<Context>({
    // The schema, executed by compiled queries (graphql-js for mutations and failed queries).
    gateway: compiledQueries(schema),
    formatError: (formatted, error) => toClientError(formatted, error, deps.logger),
    validationRules: limits.validationRules,
    // The parser stops at the token limit: a longer document is a GRAPHQL_PARSE_FAILED (400), not a 500.
    parseOptions: PARSE_OPTIONS,
    // Cache hints are unused, and its per-field hook was a large share of a feed page's CPU.
    // In-flight requests get a few seconds to finish at shutdown: the whole stop fits in 10 s.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: DRAIN_GRACE_MS }),
      ...limits.plugins,
      requestChecksPlugin(schema),
      legacyJsonStatusPlugin(),
      operationLog(deps),
      ...extraPlugins,
    ],
    // Hearth's own handler stops everything in order (server/process.ts); Apollo's would call stop() a second time and never exit.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // Introspection is decided by GRAPHQL_INTROSPECTION in `limits.validationRules`, one rule for HTTP and WebSocket.
    introspection: true,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Express hashes every response body for an ETag; GraphQL POST answers are never revalidated.
  app.set('etag', false);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: ({ req }) => contextFor(deps, req) }),
  );
  const fastPath = graphqlFastPath(apollo, deps);
  const cors = corsPolicy(deps.config.corsOrigins);
  const listener: RequestListener = (req, res) => {
    if (cors.handle(req, res)) return;
    if (fastPathTakes(req)) void fastPath(req, res);
    else app(req, res);
  };
  return { app, apollo, listener };
}

export function finishRoutes(app: express.Express, deps: AppDeps): void {
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(jsonErrors(deps));
}
