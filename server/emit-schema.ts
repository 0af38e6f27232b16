import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildHearthSchema, printHearthSchema } from './schema';

/** `npm run schema:emit`: writes schema.graphql from the TypeGraphQL classes. */
async function main(): Promise<void> {
  const schema = await buildHearthSchema();
  const file = path.resolve('schema.graphql');
  writeFileSync(file, printHearthSchema(schema));
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
