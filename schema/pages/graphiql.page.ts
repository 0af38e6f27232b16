import type { DemoAccess } from '../../seed/demo-access';

export interface GraphiqlPageProps {
  url: string;
  wsUrl: string;
  assets: string;
  demo: DemoAccess | null;
  built: boolean;
}

/** What GraphiQL opens with: log in (the IDE keeps the token for the next operations), then read the feed. */
function defaultQuery(demo: DemoAccess | null): string {
  const login = demo?.logins.find((entry) => entry.role === 'MEMBER') ?? demo?.logins[0];
  const credentials = login ? `{ email: "${login.email}", password: "${demo!.password}" }` : '{ email: "you@example.com", password: "…" }';
  return `# Hearth's GraphiQL, served by the API itself. Run LogIn first: the access token it returns
# is sent with the next operations (or set an Authorization header below).

mutation LogIn {
  logIn(input: ${credentials}) {
    accessToken
    member { displayName role }
  }
}

query Feed {
  feed(first: 5) {
    edges { node { id title type publishedAt seenByMe } }
    pageInfo { hasNextPage endCursor }
  }
  unreadNotificationCount
}

subscription NewContent {
  contentPublished { id title }
}
`;
}

/** A JSON island in the page: `<` escaped so no value can close the script element. */
const jsonIsland = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** `GET /graphiql`: the bundled GraphiQL (see server/ide), or how to build it. */
export function graphiqlPage({ url, wsUrl, assets, demo, built }: GraphiqlPageProps): string {
  if (!built) {
    return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not built</title><link rel="icon" href="data:,"></head><body style="font-family:system-ui;max-width:40rem;margin:3rem auto"><h1>GraphiQL is not built yet</h1><p>Run <code>npm run build</code> (it bundles GraphiQL from its npm package into dist/ide), then reload.</p></body></html>';
  }
  const settings = jsonIsland({ url, wsUrl, assets, defaultQuery: defaultQuery(demo) });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · Hearth</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${assets}graphiql.css">
<style>html,body{margin:0;height:100%}#graphiql{height:100vh}</style></head>
<body><div id="graphiql">Loading GraphiQL…</div>
<script id="hearth-ide-settings" type="application/json">${settings}</script>
<script type="module" src="${assets}graphiql.js"></script></body></html>`;
}
