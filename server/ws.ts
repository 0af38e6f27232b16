import type { IncomingMessage, Server } from 'node:http';
import type { ExecutionResult, FormattedExecutionResult, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { getOperationAST, GraphQLError } from 'graphql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken } from './access-token';
import { buildContext, type AppDeps } from './context';
import { followTopic } from './pubsub';
import { corsPolicy } from './cors';
import { asServiceUnavailable, ServiceUnavailableError, toClientError } from './errors';
import { MAX_BODY_BYTES, type QueryLimits } from './limits';
import { operationChecker } from './request-checks';
import { releaseAll, SubscriptionQuota } from './subscription-quota';
import { type DirectDelivery } from './subscriber-delivery';
import { SubscriptionFanout } from './subscriptions';

/** Close code for a refused or expired access token (graphql-ws' own "Forbidden"). */
export const WS_FORBIDDEN = 4403;

/** Close code when the socket's member is suspended (moderation): do not reconnect or refresh. */
export const WS_MEMBER_SUSPENDED = 4423;

declare module './pubsub' {
  interface Topics {
    /** Every instance closes the member's open sockets with `code` (their subscriptions end with them). */
    CLOSE_MEMBER_SOCKETS: [{ memberId: string; code: number; reason: string }];
  }
}

type SocketState = {
  /** `Bearer <token>` from the connection params (see socketAuthorization), used by every operation. */
  authorization?: string;
  /** Expiry of the token the socket was opened with; re-checked at every new operation. */
  tokenExpiresAt?: Date;
  /** Per operation: start time, member and first error code, for its log line. */
  operations?: Map<string, { name: string | null; started: number; memberId: string | null; code: unknown }>;
  /** The subscriptions this socket holds (counted against its quota), and their member. */
  subscriptions?: Map<string, string | null>;
  /** The member the socket's token is for (CLOSE_MEMBER_SOCKETS). */
  memberId?: string;
};

/** Bytes a socket may have queued unsent before a broadcast gives up on it (a client that stopped reading). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** A result as graphql-ws would send it (errors formatted for clients), and the first error code for the operation's log line. */
interface SerializedResult {
  json: string;
  code: unknown;
}

/**
 * Writes a broadcast's results to one graphql-ws subscription as the `next` frames graphql-ws
 * itself would send; the operation's own iterator stays with graphql-ws for `complete` and errors.
 */
export function directDelivery(
  socket: Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'send'>,
  id: string,
  serialize: (result: ExecutionResult) => SerializedResult,
  onCode: (code: unknown) => void,
): DirectDelivery<SerializedResult> {
  const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return {
    serialize,
    write({ json, code }) {
      if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
      if (code !== null) onCode(code);
      socket.send(`${prefix}${json}}`);
      return true;
    },
  };
}

/** Where clients put a token in connectionParams: `authorization` ("Bearer …") is documented; the others are common. */
const TOKEN_KEYS = ['authorization', 'token', 'authtoken', 'accesstoken'];
const CREDENTIAL_LIKE = /auth|token|bearer|jwt/i;

/**
 * The `Authorization` value a socket authenticates with: `connectionParams.authorization`
 * ("Bearer <token>"), or a token under `token`, `authToken`, `accessToken` (keys in any case) or
 * `headers.authorization`, with or without "Bearer ". Undefined: no credential (anonymous).
 * 'refused': a credential Hearth cannot read (another key, not a string, two different ones):
 * the socket closes with 4403 rather than carrying on silently anonymous.
 */
export function socketAuthorization(params: Record<string, unknown> | undefined | null): string | undefined | 'refused' {
  const entries = Object.entries(params ?? {});
  const headers = entries.find(([key]) => key.toLowerCase() === 'headers')?.[1];
  if (headers && typeof headers === 'object')
    entries.push(...Object.entries(headers).filter(([key]) => key.toLowerCase() === 'authorization'));
  const given = entries.filter(
    ([key, value]) => key.toLowerCase() !== 'headers' && CREDENTIAL_LIKE.test(key) && value !== undefined && value !== null,
  );
  if (!given.length) return undefined;
  if (given.some(([key, value]) => !TOKEN_KEYS.includes(key.toLowerCase()) || typeof value !== 'string')) return 'refused';
  const values = new Set(given.map(([, value]) => (value as string).trim().replace(/^bearer\s+/i, '')));
  return values.size === 1 ? `Bearer ${[...values][0]}` : 'refused';
}

/** A page served by the API itself (the landing page's GraphQL IDE). */
function sameOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function clientIp(extra: Extra): string {
  return extra.request.socket.remoteAddress ?? 'unknown';
}

/**
 * graphql-ws on the HTTP server's port and path. The same query limits as HTTP run in onSubscribe;
 * each operation gets its own context (fresh em fork, viewer re-loaded) and counts as activity.
 */
export function attachWebSocketServer(httpServer: Server, schema: GraphQLSchema, deps: AppDeps, limits: QueryLimits) {
  const cors = corsPolicy(deps.config.corsOrigins);
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: MAX_BODY_BYTES,
    // Browsers send Origin and apply no CORS to WebSockets: the same origins as HTTP (or the API's own pages) may connect.
    // Another origin is 403 Forbidden (ws answers 401 to a plain `false`, which says "log in").
    verifyClient: (
      { origin, req }: { origin?: string; req: IncomingMessage },
      done: (allowed: boolean, code?: number, message?: string) => void,
    ) => (!origin || sameOrigin(origin, req) || cors.allows(origin) ? done(true) : done(false, 403, 'Origin not allowed')),
  });
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => toClientError(error.toJSON(), error, deps.logger));
  /** A result as clients get it (errors formatted), and its first error code for the operation's log line. */
  const forClient = (result: ExecutionResult): { result: ExecutionResult | FormattedExecutionResult; code: unknown } => {
    if (!result.errors) return { result, code: null };
    const errors = format(result.errors);
    return { result: { ...result, errors }, code: errors[0]?.extensions?.code ?? null };
  };
  // One function for the whole server: a broadcast serializes each event once for all its sockets.
  const serialize = (result: ExecutionResult): SerializedResult => {
    const sent = forClient(result);
    return { json: JSON.stringify(sent.result), code: sent.code };
  };

  const check = operationChecker(schema, limits);
  const fanout = new SubscriptionFanout(deps);
  const quota = new SubscriptionQuota({
    perSocket: deps.config.maxSubscriptionsPerSocket,
    perMember: deps.config.maxSubscriptionsPerMember,
  });
  let subscriptionsStarted = 0;
  const socketsOf = new Map<string, Set<WebSocket>>();
  const unfollowClosures = followTopic(
    () => deps.pubSub.subscribe('CLOSE_MEMBER_SOCKETS'),
    ({ memberId, code, reason }) => socketsOf.get(memberId)?.forEach((socket) => socket.close(code, reason)),
    // Missed while Redis was away: the member's next operation is refused anyway (the viewer is re-read per operation).
    () => undefined,
  );
  const cleanup = useServer<Record<string, unknown>, SocketState>(
    {
      schema,
      subscribe: fanout.subscribe,
      onConnect: async (ctx) => {
        const authorization = socketAuthorization(ctx.connectionParams);
        if (authorization === undefined) return true;
        if (authorization === 'refused') return false; // graphql-ws closes with 4403 Forbidden
        const token = bearerToken(authorization);
        const claims = token ? await deps.accessTokens.verify(token) : null;
        if (!claims) return false; // graphql-ws closes with 4403 Forbidden
        ctx.extra.tokenExpiresAt = claims.expiresAt;
        ctx.extra.authorization = authorization;
        ctx.extra.memberId = claims.memberId;
        socketsOf.set(claims.memberId, (socketsOf.get(claims.memberId) ?? new Set()).add(ctx.extra.socket));
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const expiresAt = ctx.extra.tokenExpiresAt;
        if (expiresAt && expiresAt <= deps.clock.now()) {
          ctx.extra.socket.close(WS_FORBIDDEN, 'Forbidden: access token expired');
          return [
            new GraphQLError('Your access token has expired; reconnect with a fresh one.', { extensions: { code: 'UNAUTHENTICATED' } }),
          ];
        }
        const checked = check(payload);
        if ('errors' in checked) return checked.errors;
        const contextValue = await buildContext(deps, { authorization: ctx.extra.authorization, ip: clientIp(ctx.extra) }).catch(
          (error: unknown) => {
            // The database away while loading the viewer: an error for this operation (retryable), not a closed socket.
            const unavailable = asServiceUnavailable(error);
            if (unavailable instanceof ServiceUnavailableError) return unavailable;
            throw error;
          },
        );
        if (contextValue instanceof ServiceUnavailableError)
          return [new GraphQLError(contextValue.message, { originalError: contextValue })];
        const definition = getOperationAST(checked.document, payload.operationName);
        if (definition?.operation === 'subscription') {
          const refused = quota.take((ctx.extra.subscriptions ??= new Map()), id, contextValue.viewer?.id ?? null);
          if (refused) return [refused];
        }
        const operation = {
          // As the document names it: graphql-ws clients, ours included, seldom send `operationName`.
          name: definition?.name?.value ?? null,
          started: performance.now(),
          memberId: contextValue.viewer?.id ?? null,
          code: null as unknown,
        };
        (ctx.extra.operations ??= new Map()).set(id, operation);
        fanout.deliverDirectly(
          contextValue,
          directDelivery(ctx.extra.socket, id, serialize, (code) => (operation.code ??= code)),
        );
        return {
          schema,
          document: checked.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onOperation: (_ctx, _id, _payload, _args, result) => {
        if (Symbol.asyncIterator in result) subscriptionsStarted++;
      },
      onNext: (ctx, id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        const sent = forClient(result);
        const operation = ctx.extra.operations?.get(id);
        if (operation) operation.code ??= sent.code;
        return sent.result as FormattedExecutionResult;
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onClose: (ctx) => {
        releaseAll(quota, ctx.extra.subscriptions);
        const { memberId, socket } = ctx.extra;
        const sockets = memberId === undefined ? undefined : socketsOf.get(memberId);
        sockets?.delete(socket);
        if (memberId !== undefined && sockets?.size === 0) socketsOf.delete(memberId);
      },
      onComplete: (ctx, id) => {
        if (ctx.extra.subscriptions) quota.release(ctx.extra.subscriptions, id);
        const operation = ctx.extra.operations?.get(id);
        ctx.extra.operations?.delete(id);
        deps.logger.info(
          {
            transport: 'ws',
            operation: operation?.name ?? null,
            ms: operation ? Math.round(performance.now() - operation.started) : null,
            memberId: operation?.memberId ?? null,
            code: operation?.code ?? null,
          },
          'operation',
        );
      },
    },
    wsServer,
  );
  return {
    /** Open sockets (operators' metrics; tests drop connections with it). */
    sockets: () => [...wsServer.clients],
    /** Checks shared by the subscribers of one subscription and arguments, running now (see SubscriptionFanout). */
    sharedSubscriptionSources: () => fanout.sharedSources(),
    /** Subscription operations executed for events, since start (one per distinct per-viewer answer of a shared source's operation). */
    subscriptionExecutions: () => fanout.eventExecutions(),
    /** Subscriptions whose source stream was set up (listening to its topics), since start. */
    subscriptionsStarted: () => subscriptionsStarted,
    /** Closes every socket with 1001 (going away) and stops accepting new ones. */
    async close(): Promise<void> {
      await unfollowClosures();
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
