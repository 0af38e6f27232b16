import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** client/generated is committed for front-end apps: it must match schema.graphql and client/operations. */
it('client/generated is current (run `npm run codegen` if this fails)', async () => {
  const root = path.resolve(__dirname, '..');
  const config = parseYaml(readFileSync(path.join(root, 'codegen.yml'), 'utf8'));
  const outputs = await generate({ ...config, cwd: root, silent: true }, false);
  expect(outputs.length).toBeGreaterThan(0);
  for (const output of outputs) {
    expect(readFileSync(path.resolve(root, output.filename), 'utf8')).toBe(output.content);
  }
});
