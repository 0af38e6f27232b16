import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildHearthSchema, printHearthSchema } from '../server/schema';

/** Front-end apps and the client codegen read schema.graphql: it must match the code. */
it('schema.graphql is current (run `npm run schema:emit` if this fails)', async () => {
  const committed = readFileSync(path.resolve(__dirname, '../schema.graphql'), 'utf8');
  const current = printHearthSchema(await buildHearthSchema());
  expect(committed).toBe(current);
});
