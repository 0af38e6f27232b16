import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';

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

interface Response<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const FORBIDDEN_CLOSE = 4403;

function toError(errors: NonNullable<Response<unknown>['errors']>): HearthError {
  const first = errors[0];
  return new HearthError(String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), first.message, errors);
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
      return lastCloseCode !== FORBIDDEN_CLOSE || Boolean(options.refresh);
    },
    connectionParams: async () => {
      const token = lastCloseCode === FORBIDDEN_CLOSE ? await refreshOnce() : await options.getAccessToken();
      lastCloseCode = null;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });

  /**
   * An async iterator over the subscription's data. Not an async generator: a generator's
   * `return()` waits for the pending `next()`, so an app could not unsubscribe while idle; this
   * one disposes the graphql-ws subscription at once.
   */
  function subscribe<T, V>(document: TypedDocumentNode<T, V>, variables?: V): AsyncIterableIterator<T> {
    const source = ws.iterate<T>({ query: print(document), variables: variables as Record<string, unknown> | undefined });
    const stop = async (): Promise<IteratorResult<T>> => {
      await source.return?.();
      return { done: true, value: undefined };
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<T>> {
        const result = await source.next();
        if (result.done) return { done: true, value: undefined };
        const { data, errors } = result.value as ExecutionResult<T>;
        if (errors?.length) {
          await stop();
          throw toError(errors.map((error) => ({ message: error.message, extensions: error.extensions })));
        }
        return { done: false, value: data as T };
      },
      return: stop,
    };
  }

  return {
    query: <T, V>(document: TypedDocumentNode<T, V>, ...[variables]: Variables<V>) => execute(document, variables),
    mutate: <T, V>(document: TypedDocumentNode<T, V>, ...[variables]: Variables<V>) => execute(document, variables),
    subscribe: <T, V>(document: TypedDocumentNode<T, V>, ...[variables]: Variables<V>) => subscribe(document, variables),
    /** Closes the WebSocket; pending subscriptions complete. */
    close: () => ws.dispose(),
  };
}

export type HearthClient = ReturnType<typeof createHearthClient>;
