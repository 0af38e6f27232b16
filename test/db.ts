import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The admin URL of the test PostgreSQL server and the template database with every migration applied. */
export function testDatabaseEnv(): { adminUrl: string; template: string } {
  const adminUrl = process.env.HEARTH_TEST_ADMIN_URL;
  const template = process.env.HEARTH_TEST_TEMPLATE_DB;
  if (!adminUrl || !template) throw new Error('test/global-setup.ts did not run: HEARTH_TEST_ADMIN_URL is missing');
  return { adminUrl, template };
}

/** Test databases of one run share a prefix, so teardown drops only its own. */
export const testDatabasePrefix = (template: string) => `${template.replace('template', 'test')}_`;

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test server: a copy of the migrated template (fast, isolated). */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const { adminUrl, template } = testDatabaseEnv();
  const name = `${testDatabasePrefix(template)}${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`create database "${name}" template "${template}"`));
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => withAdminClient(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/**
 * A fresh database holding `members` members (more rows come from `history`, then everything is
 * analyzed) and a client connected to it, for tests of statement plans: on empty tables any plan
 * is a scan.
 */
export async function planTestDatabase(
  members: number,
  history: (client: Client) => Promise<void>,
): Promise<{ client: Client; drop(): Promise<void> }> {
  const database = await createTestDatabase();
  const client = new Client({ connectionString: database.url });
  await client.connect();
  await client.query(
    `insert into member (id, email, password_hash, display_name, created_at)
     select gen_random_uuid(), 'plan' || n || '@example.com', 'x', 'Member ' || n, now() from generate_series(1, $1::int) n`,
    [members],
  );
  await history(client);
  await client.query('analyze');
  return { client, drop: () => client.end().then(() => database.drop()) };
}
