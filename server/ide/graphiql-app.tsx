/**
 * GraphiQL, served by Hearth itself (no CDN: it works offline). Bundled by esbuild into
 * dist/ide (see build-ide.ts); runs in the browser, never in the server.
 */
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { getOperationAST, parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { createRoot } from 'react-dom/client';

interface IdeSettings {
  url: string;
  wsUrl: string;
  /** Where the bundle's files (the workers) are served, ending in a slash. */
  assets: string;
  defaultQuery: string;
}

type FetcherParams = { query: string; operationName?: string | null; variables?: unknown };
type FetcherOptions = { headers?: Record<string, unknown> };

const settings = JSON.parse(document.getElementById('hearth-ide-settings')!.textContent!) as IdeSettings;

// Monaco's language services run in workers, bundled next to this file.
(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: (_id: string, label: string) =>
    new Worker(`${settings.assets}${label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor'}.worker.js`),
};

/** A token from a logIn or refreshSession answer is used until the Headers tab names another. */
const TOKEN_KEY = 'hearth-ide-access-token';
function rememberToken(result: unknown): void {
  const data = (result as { data?: Record<string, { accessToken?: unknown } | null> } | null)?.data;
  const token = data?.logIn?.accessToken ?? data?.signUp?.accessToken ?? data?.refreshSession?.accessToken;
  if (typeof token === 'string') localStorage.setItem(TOKEN_KEY, token);
}
function authorization(headers: Record<string, unknown> = {}): string | undefined {
  const given = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  if (typeof given === 'string') return given;
  const remembered = localStorage.getItem(TOKEN_KEY);
  return remembered ? `Bearer ${remembered}` : undefined;
}

const sockets = new Map<string, Client>();
function socketFor(auth: string | undefined): Client {
  const key = auth ?? '';
  let client = sockets.get(key);
  if (!client) sockets.set(key, (client = createClient({ url: settings.wsUrl, connectionParams: auth ? { authorization: auth } : {} })));
  return client;
}

/** Whether the operation GraphiQL runs (one of the document's, by name) is a subscription. */
function isSubscription({ query, operationName }: FetcherParams): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false; // not valid GraphQL: the server explains why
  }
}

function fetcher(params: FetcherParams, options?: FetcherOptions) {
  const auth = authorization(options?.headers);
  if (isSubscription(params)) {
    const events = socketFor(auth).iterate({
      query: params.query,
      operationName: params.operationName ?? undefined,
      variables: params.variables as Record<string, unknown>,
    });
    // graphql-ws yields formatted results (plain error objects); GraphiQL only displays them.
    return events as AsyncIterable<never>;
  }
  return fetch(settings.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(params),
  })
    .then((response) => response.json())
    .then((result: unknown) => {
      rememberToken(result);
      return result as Record<string, unknown>;
    });
}

// `/graphiql?query=…` opens with that operation (a link to share, or to try from the docs).
const shared = new URLSearchParams(location.search).get('query') ?? undefined;

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL fetcher={fetcher} defaultQuery={settings.defaultQuery} initialQuery={shared} defaultEditorToolsVisibility />,
);
