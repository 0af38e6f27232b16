import { testDatabasePrefix, withAdminClient } from './db';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.HEARTH_TEST_ADMIN_URL;
  const template = process.env.HEARTH_TEST_TEMPLATE_DB;
  if (adminUrl && template) {
    await withAdminClient(adminUrl, async (client) => {
      // Databases left by a test that crashed before cleaning up.
      const { rows } = await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [
        testDatabasePrefix(template),
      ]);
      for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
      await client.query(`drop database if exists "${template}" with (force)`);
    });
  }
  await globalThis.__HEARTH_EMBEDDED_PG__?.stop();
}
