import { DatabaseSchema, SchemaComparator } from '@mikro-orm/postgresql';
import { startTestServer, type TestServer } from '../../test/server';
import { openOrm, type Orm } from './orm';

let server: TestServer;
let orm: Orm;
beforeAll(async () => {
  server = await startTestServer();
  orm = await openOrm(server.databaseUrl, { snapshotOnMigrate: false });
});
afterAll(async () => {
  await orm.close();
  await server.stop();
});

describe('the migrations snapshot (server/db/migrations/.snapshot-hearth.json)', () => {
  it('describes the database every migration builds, moderation and search included', async () => {
    // `npm run migrate:create` diffs the entities against this file: a stale one writes a wrong migration.
    const snapshot = await (
      orm.migrator as unknown as { getSchemaFromSnapshot(): Promise<DatabaseSchema | undefined> }
    ).getSchemaFromSnapshot();
    expect(snapshot).toBeDefined();
    expect(snapshot!.getTables().map((table) => table.name)).toEqual(
      expect.arrayContaining(['moderation_case', 'report', 'moderation_log_entry', 'search_language']),
    );
    // The test database is a copy of one the migrations built from nothing (test/global-setup.ts).
    const migrated = await DatabaseSchema.create(orm.em.getConnection(), orm.em.getPlatform(), orm.config);
    const diff = new SchemaComparator(orm.em.getPlatform()).compare(snapshot!, migrated);
    const sql = orm.schema.diffToSQL(diff, { wrap: false, safe: false, dropTables: true });
    // When this fails: apply the migrations to a fresh database with `npm run migrate` (it rewrites the snapshot), and commit it.
    expect(sql.trim()).toBe('');
  });
});
