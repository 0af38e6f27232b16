import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { AccessTokens, bearerToken } from '../../../server/access-token';
import { systemClock } from '../../../server/clock';

/**
 * The SQL a team putting PostGraphile over Hearth's tables would add for the feed card: the
 * item's themes (a many-to-many, which PostGraphile does not expose without a plugin) and the
 * viewer's seenByMe, as computed columns reading the member id PostGraphile sets from the JWT.
 */
export const POSTGRAPHILE_FUNCTIONS = `
create or replace function public.content_seen_by_me(c public.content) returns boolean stable language sql as $$
  select exists (select 1 from public.content_view v
                  where v.member_id = nullif(current_setting('jwt.claims.member_id', true), '')::uuid and v.content_id = c.id)
$$;
create or replace function public.content_themes(c public.content) returns setof public.theme stable language sql as $$
  select t.* from public.content_theme ct join public.theme t on t.id = ct.theme_id where ct.content_id = c.id order by t.name
$$;`;

/**
 * Child process (arguments: database URL, JWT secret): PostGraphile 5 (Amber preset, Grafast,
 * grafserv on node:http) over the bench database's `public` schema, a pg pool of Hearth's size,
 * production mode (no GraphiQL, no explain). The context verifies Hearth's access token the way
 * Hearth does and hands the member id to PostgreSQL as `jwt.claims.member_id`.
 */
/**
 * PostGraphile's modules, loaded by a name the compiler does not follow: their types augment
 * graphql-js' own (Grafast's incremental delivery), which would change the types of Hearth's
 * server code in the same program. This is all of their API the peer uses.
 */
interface PostGraphileApi {
  postgraphile(preset: object): {
    createServ(grafserv: unknown): { addTo(server: Server, websockets: boolean): Promise<void> };
    getSchema(): unknown;
    release(): unknown;
  };
  makePgService(options: { pool: Pool; schemas: string[] }): object;
  grafserv: unknown;
  PostGraphileAmberPreset: object;
}

async function loadPostGraphile(): Promise<PostGraphileApi> {
  const load = (name: string) => import(name) as Promise<Record<string, unknown>>;
  const [main, adaptor, node, amber] = await Promise.all(
    ['postgraphile', 'postgraphile/adaptors/pg', 'postgraphile/grafserv/node', 'postgraphile/presets/amber'].map(load),
  );
  return { ...main, ...adaptor, ...node, ...amber } as unknown as PostGraphileApi;
}

async function main(): Promise<void> {
  const { postgraphile, makePgService, grafserv, PostGraphileAmberPreset } = await loadPostGraphile();
  const [databaseUrl, jwtSecret] = process.argv.slice(2);
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(POSTGRAPHILE_FUNCTIONS);
  const tokens = new AccessTokens(jwtSecret, systemClock);
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ pool, schemas: ['public'] })],
    grafserv: { graphiql: false, watch: false },
    grafast: {
      explain: false,
      async context(requestContext: { http?: { getHeader(name: string): string | undefined } }) {
        const token = bearerToken(requestContext.http?.getHeader('authorization'));
        const claims = token ? await tokens.verify(token) : null;
        return { pgSettings: claims ? { 'jwt.claims.member_id': claims.memberId } : {} };
      },
    },
  };
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  await serv.addTo(server, false);
  await pgl.getSchema(); // built before the first request is timed
  server.listen(0, () => {
    process.send!({ url: `http://localhost:${(server.address() as AddressInfo).port}/graphql` });
  });
  process.on('message', () => {
    void Promise.resolve(pgl.release())
      .then(() => pool.end())
      .then(() => process.exit(0));
  });
}

void main();
