import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';

import type { RecordContentViewInput } from './generated/graphql.ts';

export * from './generated/graphql.ts';

/** A GraphQL error answered by Hearth, with its stable `extensions.code`. */
export class HearthError extends Error {
  // Plain fields, not constructor parameter properties: Node's type stripping runs this file as it is.
  readonly code: string;
  readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[];

  constructor(code: string, message: string, errors: readonly { message: string; extensions?: Record<string, unknown> }[]) {
    super(message);
    this.name = 'HearthError';
    this.code = code;
    this.errors = errors;
  }
}

export interface HearthClientOptions {
  /** `http(s)://host/graphql` */
  url: string;
  /** Where `recordViews` posts; `url` with `/views` for its last segment when omitted. */
  viewsUrl?: string;
  /** `ws(s)://host/graphql`; derived from `url` when omitted. */
  wsUrl?: string;
  /** The current access token, or null when logged out. */
  getAccessToken: () => string | null | Promise<string | null>;
  /**
   * Called once when the server answers UNAUTHENTICATED (or closes a socket with 4403): refresh
   * the session and return the new access token, or null if the member must log in again.
   */
  refresh?: () => Promise<string | null>;
  fetch?: typeof fetch;
  /** WebSocket constructor; Node 22+ and browsers have a global one. */
  webSocketImpl?: unknown;
  /** Base delay of the reconnection backoff in ms (doubles per attempt, with jitter, up to 30 s). */
  retryBaseMs?: number;
}

/** Variables may be left out when none is required (`hearth.query(FeedDocument)`), and must be given otherwise. */
type Variables<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface SubscribeOptions {
  /**
   * Called each time the subscription was cut and runs again: the server ended it with
   * SERVICE_UNAVAILABLE (it lost its realtime broker, Redis) and it was subscribed again, or the
   * socket reconnected. Events of the gap are not replayed: refetch what they would have changed.
   */
  onRestart?: () => void;
}

type SubscribeArgs<V> =
  Record<string, never> extends V ? [variables?: V, options?: SubscribeOptions] : [variables: V, options?: SubscribeOptions];

/** A view as `recordViews` answers it: the same fields as the RecordContentViews mutation selects. */
export interface RecordedView {
  contentId: string;
  totalSeconds: number;
  /** RFC 3339, as the API's DateTime. */
  firstSeenAt: string;
  newView: boolean;
  /** The item as the write left it: a normalized cache can update its `seenByMe` and `viewCount`. */
  content: { id: string; seenByMe: boolean; viewCount: number };
}

interface Response<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const FORBIDDEN_CLOSE = 4403;
/** The member was suspended: reconnecting or refreshing cannot help. */
const SUSPENDED_CLOSE = 4423;

/** A subscription sent again and not refused within this long is running again. */
const RESUBSCRIBED_AFTER_MS = 1_000;
/** The longest wait between two attempts to subscribe again: a long outage ends at most this long before realtime is back. */
const MAX_RESUBSCRIBE_DELAY_MS = 5_000;

function toError(errors: NonNullable<Response<unknown>['errors']>): HearthError {
  const first = errors[0];
  return new HearthError(String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), first.message, errors);
}

/**
 * What a graphql-ws iterator throws: the operation's errors (an array), or why the socket closed.
 * A suspension (close code 4423) becomes a HearthError with code MEMBER_SUSPENDED, as the API
 * words it over HTTP (`extensions.reason`), so apps handle it in one place.
 */
function thrownError(thrown: unknown): unknown {
  if (Array.isArray(thrown) && thrown.length) return toError(thrown as NonNullable<Response<unknown>['errors']>);
  const close = thrown as { code?: unknown; reason?: unknown } | null;
  if (close?.code === SUSPENDED_CLOSE) {
    const message = `This account is suspended${typeof close.reason === 'string' && close.reason ? ` (${close.reason})` : ''}: log in again once the suspension ends.`;
    return new HearthError('MEMBER_SUSPENDED', message, [{ message, extensions: { code: 'MEMBER_SUSPENDED' } }]);
  }
  return thrown;
}

/** The wait before subscribing again: the server's retryAfterSeconds, doubling while it keeps refusing, with jitter. */
function resubscribeDelay(error: HearthError, attempt: number): number {
  const retryAfterMs = Number(error.errors[0]?.extensions?.retryAfterSeconds ?? 1) * 1000;
  return Math.min(MAX_RESUBSCRIBE_DELAY_MS, retryAfterMs * 2 ** attempt) * (0.75 + Math.random() / 2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Typed access to Hearth: `query`/`mutate` over HTTP and `subscribe` over graphql-ws (an async
 * iterator, reconnecting with exponential backoff). An UNAUTHENTICATED answer triggers one
 * `refresh()` (shared by concurrent callers) and one retry.
 */
export function createHearthClient(options: HearthClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const wsUrl = options.wsUrl ?? options.url.replace(/^http/, 'ws');
  let refreshing: Promise<string | null> | null = null;
  const refreshOnce = () => {
    refreshing ??= (options.refresh ? options.refresh() : Promise.resolve(null)).finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  async function post<T>(document: DocumentNode, variables: unknown, token: string | null): Promise<Response<T>> {
    const response = await doFetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json().catch(() => null)) as Response<T> | null;
    if (!body) throw new HearthError('BAD_RESPONSE', `Hearth answered HTTP ${response.status} without a GraphQL body.`, []);
    return body;
  }

  async function execute<T, V>(document: TypedDocumentNode<T, V>, variables: V | undefined): Promise<T> {
    const token = await options.getAccessToken();
    let result = await post<T>(document, variables, token);
    if (result.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && token && options.refresh) {
      const fresh = await refreshOnce();
      if (fresh) result = await post<T>(document, variables, fresh);
    }
    if (result.errors?.length) throw toError(result.errors);
    return result.data as T;
  }

  const viewsUrl = options.viewsUrl ?? new URL('views', options.url.replace(/\/*$/, '/').replace(/graphql\/$/, '')).href;

  async function postViews(views: readonly RecordContentViewInput[], token: string | null) {
    const response = await doFetch(viewsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ views }),
      // The last flush of a page being closed still reaches the server (bodies up to 64 KB; 100 views are under 10).
      keepalive: true,
    });
    const body = (await response.json().catch(() => null)) as ({ views?: RecordedView[] } & Response<never>) | null;
    if (!body) throw new HearthError('BAD_RESPONSE', `Hearth answered HTTP ${response.status} without a JSON body.`, []);
    return body;
  }

  /**
   * A reader's buffered heartbeats in one call to POST /views: what the RecordContentViews mutation
   * does, without GraphQL's cost on the call an app sends most (README, "Tracking from a front end").
   */
  async function recordViews(views: readonly RecordContentViewInput[]): Promise<RecordedView[]> {
    const token = await options.getAccessToken();
    let result = await postViews(views, token);
    if (result.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && token && options.refresh) {
      const fresh = await refreshOnce();
      if (fresh) result = await postViews(views, fresh);
    }
    if (result.errors?.length) throw toError(result.errors);
    return result.views!;
  }

  let lastCloseCode: number | null = null;
  const ws: Client = createClient({
    url: wsUrl,
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    retryWait: async (retries) => {
      const base = options.retryBaseMs ?? 500;
      await sleep(Math.min(30_000, base * 2 ** retries) * (0.5 + Math.random() / 2));
    },
    // 4403 means the token was refused or expired: refresh, then reconnect with the new one.
    shouldRetry: (event) => {
      lastCloseCode = (event as { code?: number })?.code ?? null;
      if (lastCloseCode === SUSPENDED_CLOSE) return false;
      return lastCloseCode !== FORBIDDEN_CLOSE || Boolean(options.refresh);
    },
    connectionParams: async () => {
      const token = lastCloseCode === FORBIDDEN_CLOSE ? await refreshOnce() : await options.getAccessToken();
      lastCloseCode = null;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });

  const restartListeners = new Set<() => void>();
  // graphql-ws subscribes again by itself after a reconnection; what was published meanwhile is gone.
  ws.on('connected', (_socket, _payload, wasRetry) => {
    if (wasRetry) for (const onRestart of restartListeners) onRestart();
  });

  /**
   * An async iterator over the subscription's data. Not an async generator: a generator's
   * `return()` waits for the pending `next()`, so an app could not unsubscribe while idle; this
   * one disposes the graphql-ws subscription at once. A subscription the server ends with
   * SERVICE_UNAVAILABLE is subscribed again by itself (after `retryAfterSeconds`, with backoff
   * while refused), and `options.onRestart` tells the app to refetch.
   */
  function subscribe<T, V>(document: TypedDocumentNode<T, V>, variables?: V, options: SubscribeOptions = {}): AsyncIterableIterator<T> {
    const request = { query: print(document), variables: variables as Record<string, unknown> | undefined };
    type Step = { value: T } | { done: true } | { error: unknown };
    let source = ws.iterate<T>(request);
    let pending: Promise<Step> | null = null;
    let stopped = false;
    const onRestart = () => options.onRestart?.();
    if (options.onRestart) restartListeners.add(onRestart);
    const step = (): Promise<Step> =>
      source.next().then(
        (result): Step => {
          if (result.done) return { done: true };
          const { data, errors } = result.value as ExecutionResult<T>;
          return errors?.length
            ? { error: toError(errors.map((error) => ({ message: error.message, extensions: error.extensions }))) }
            : { value: data as T };
        },
        (thrown: unknown): Step => ({ error: thrownError(thrown) }),
      );
    const stop = async (): Promise<IteratorResult<T>> => {
      stopped = true;
      restartListeners.delete(onRestart);
      await source.return?.();
      return { done: true, value: undefined };
    };
    const retryable = (error: unknown): error is HearthError =>
      error instanceof HearthError && error.code === 'SERVICE_UNAVAILABLE' && !stopped;

    /** Subscribes again until the server stops refusing; the first step of the new subscription stays pending. */
    async function resubscribe(error: HearthError): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        await sleep(resubscribeDelay(error, attempt));
        if (stopped) return;
        await source.return?.();
        source = ws.iterate<T>(request);
        pending = step();
        const first = await Promise.race([pending, sleep(RESUBSCRIBED_AFTER_MS).then(() => null)]);
        if (first === null || !('error' in first)) return onRestart();
        pending = null;
        if (!retryable(first.error)) throw first.error;
        error = first.error;
      }
    }

    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<T>> {
        for (;;) {
          const result = await (pending ?? step());
          pending = null;
          if ('value' in result) return { done: false, value: result.value };
          if ('done' in result || stopped) return stop();
          if (!retryable(result.error)) {
            await stop();
            throw result.error;
          }
          await resubscribe(result.error).catch(async (error: unknown) => {
            await stop();
            throw error;
          });
        }
      },
      return: stop,
    };
  }

  return {
    query: <T, V>(document: TypedDocumentNode<T, V>, ...[variables]: Variables<V>) => execute(document, variables),
    mutate: <T, V>(document: TypedDocumentNode<T, V>, ...[variables]: Variables<V>) => execute(document, variables),
    subscribe: <T, V>(document: TypedDocumentNode<T, V>, ...[variables, options]: SubscribeArgs<V>) =>
      subscribe(document, variables, options),
    recordViews,
    /** Closes the WebSocket; pending subscriptions complete. */
    close: () => ws.dispose(),
  };
}

export type HearthClient = ReturnType<typeof createHearthClient>;
