import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express, { type ErrorRequestHandler } from 'express';
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { buildContext, type AppDeps, type Context } from './context';
import { toClientError } from './errors';
import { MAX_BODY_BYTES, type createArmor } from './limits';

/** One log line per HTTP operation: name, duration, member, first error code. */
function operationLog(deps: AppDeps): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ request, response, contextValue }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
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

/** Body-parser and routing failures as JSON with a code; never an HTML page or a stack trace. */
function jsonErrors(deps: AppDeps): ErrorRequestHandler {
  return (error: { status?: number; statusCode?: number; type?: string }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) deps.logger.error({ err: error }, 'unhandled HTTP error');
    const [message, code] =
      status === 413
        ? [`Request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`, 'PAYLOAD_TOO_LARGE']
        : status < 500
          ? ['Malformed request.', 'BAD_REQUEST']
          : ['Internal server error.', 'INTERNAL_SERVER_ERROR'];
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

export interface HttpParts {
  app: express.Express;
  apollo: ApolloServer<Context>;
}

export async function createHttpApp(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: AppDeps,
  armor: ReturnType<typeof createArmor>,
  extraPlugins: ApolloServerPlugin<Context>[],
): Promise<HttpParts> {
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: (formatted, error) => toClientError(formatted, error, deps.logger),
    validationRules: armor.validationRules,
    // Cache hints are unused, and its per-field hook was a large share of a feed page's CPU.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginDrainHttpServer({ httpServer }), ...armor.plugins, operationLog(deps), ...extraPlugins],
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
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
    expressMiddleware(apollo, {
      context: ({ req }) =>
        buildContext(deps, {
          authorization: req.headers.authorization,
          ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          source: req.headers['x-hearth-source'],
        }),
    }),
  );
  return { app, apollo };
}

export function finishRoutes(app: express.Express, deps: AppDeps): void {
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(jsonErrors(deps));
}
