import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import express, { type ErrorRequestHandler } from 'express';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useNodeHashForApollo } from './apollo-query-hash';
import { compiledQueries } from './compiled-queries';
import { corsPolicy } from './cors';
import { buildContext, type AppDeps, type Context } from './context';
import { asServiceUnavailable, ErrorCode, toClientError } from './errors';
import { isUnavailableError, RETRY_AFTER_SECONDS } from './unavailable';
import { HttpDrain } from './http-drain';
import { MAX_BODY_BYTES, PARSE_OPTIONS, type QueryLimits } from './limits';
import { readJsonBody } from './request-body';
import { bodyRefusal, routePath, serveJsonRoute } from './json-route';
import { legacyJsonStatusPlugin, requestChecksPlugin } from './request-checks';

/** An answer carrying SERVICE_UNAVAILABLE is an HTTP 503 with Retry-After, which any client or proxy knows to retry. */
function markUnavailable(
  response: { http: { status?: number; headers: Map<string, string> } },
  errors: readonly GraphQLFormattedError[] | undefined,
): void {
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
        async willSendResponse({ operationName, response, contextValue }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          markUnavailable(response, errors);
          deps.logger.info(
            {
              transport: 'http',
              // The executed operation's name as Apollo resolved it from the document: clients
              // (ours included) seldom send `operationName`, which is only needed to pick one of several.
              operation: operationName ?? null,
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

/** The JSON answer to a request that never reached GraphQL: a code, never an HTML page or a stack trace. */
function errorBody(status: number, limitBytes = MAX_BODY_BYTES): string {
  if (status === 503)
    return JSON.stringify({
      errors: [
        { message: 'The service is temporarily unavailable; try again shortly.', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } },
      ],
    });
  const [code, message] =
    status < 500 ? bodyRefusal(status === 413 ? 413 : 400, limitBytes) : ['INTERNAL_SERVER_ERROR', 'Internal server error.'];
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

/**
 * Whether a request is for the GraphQL endpoint, matched as Express's `app.use('/graphql')` did:
 * any letter case, a trailing slash or a sub-path, any query string.
 */
function isGraphQLRoute(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0].toLowerCase();
  return path === '/graphql' || path.startsWith('/graphql/');
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
 * The one GraphQL-over-HTTP handler: every request to /graphql (GET and POST, any body) goes from
 * node:http to Apollo's `executeHTTPGraphQLRequest`, the seam its own integrations are built on.
 * Express's router, body-parser and the integration's header and URL copies were about a tenth
 * of a feed page's CPU; Express serves the other routes only. Bodies are read as body-parser did
 * (server/request-body.ts); one that cannot be read gets the JSON errors above.
 */
function graphqlHandler(apollo: ApolloServer<Context>, deps: AppDeps) {
  const answerError = (res: ServerResponse, status: number) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(errorBody(status));
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readJsonBody(req, MAX_BODY_BYTES);
    if ('aborted' in read) return void res.destroy(); // the client went away mid-body
    if ('refused' in read) return answerError(res, read.refused);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers))
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    const url = req.url ?? '';
    const query = url.indexOf('?');
    try {
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: (req.method ?? 'GET').toUpperCase(),
          headers,
          search: query === -1 ? '' : url.slice(query),
          body: read.body,
        },
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

export interface HttpParts {
  app: express.Express;
  apollo: ApolloServer<Context>;
  /** The server's request listener: /graphql by the GraphQL handler, everything else by `app`. */
  listener: RequestListener;
}

export async function createHttpApp(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: AppDeps,
  limits: QueryLimits,
  extraPlugins: ApolloServerPlugin<Context>[],
): Promise<HttpParts> {
  // Before the application's request listener (see HttpDrain).
  const drain = new HttpDrain(httpServer);
  useNodeHashForApollo();
  const apollo = new ApolloServer<Context>({
    // GRAPHQL_EXECUTOR: queries compiled by graphql-jit (mutations on graphql-js), or graphql-js alone.
    ...(deps.config.graphqlExecutor === 'jit' ? { gateway: compiledQueries(schema) } : { schema }),
    formatError: (formatted, error) => toClientError(formatted, error, deps.logger),
    validationRules: limits.validationRules,
    // The parser stops at the token limit: a longer document is a GRAPHQL_PARSE_FAILED (400), not a 500.
    parseOptions: PARSE_OPTIONS,
    // Cache hints are unused, and its per-field hook was a large share of a feed page's CPU.
    // In-flight requests get a few seconds to finish at shutdown (server/http-drain.ts): the whole stop fits in 10 s.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      { serverWillStart: async () => ({ drainServer: () => drain.stop() }) },
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
  const graphql = graphqlHandler(apollo, deps);
  const cors = corsPolicy(deps.config.corsOrigins);
  const jsonRoutes = new Map(
    deps.modules
      .flatMap((module) => module.jsonRoutes ?? [])
      .map((route) => [route.path, serveJsonRoute(route, deps, (req) => contextFor(deps, req))]),
  );
  const listener: RequestListener = (req, res) => {
    if (cors.handle(req, res)) return;
    if (isGraphQLRoute(req.url)) return void graphql(req, res);
    const json = jsonRoutes.size ? jsonRoutes.get(routePath(req.url)) : undefined;
    if (json) void json(req, res);
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
