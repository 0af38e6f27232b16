import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importsOf, isTestFile, root, sourceFiles } from './source-files';

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const runtime = new Set(Object.keys(manifest.dependencies));
const declared = new Set([...runtime, ...Object.keys(manifest.devDependencies)]);

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; null for relative paths and Node's own modules. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? null : name;
}

// Code the production image runs (dist/ without the devDependencies); the admin console and the
// GraphiQL bundle are built with the devDependencies and ship as static files.
const shipsWithoutDevDependencies = (file: string) =>
  !isTestFile(file) && !file.startsWith('admin/') && !file.startsWith('server/ide/') && !/\.config\.m?[jt]s$/.test(file);

describe('package.json', () => {
  const files = [
    ...sourceFiles('server', 'schema', 'integrations', 'jobs', 'emails', 'seed', 'simulator', 'test', 'admin'),
    'jest.config.js',
    'eslint.config.js',
  ];

  it('declares every package the sources import (a transitive install is not a promise)', () => {
    const undeclared = files.flatMap((file) =>
      importsOf(file)
        .map(({ specifier }) => packageOf(specifier))
        .filter((name): name is string => name !== null && !declared.has(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('lists what production code loads at run time under dependencies, not devDependencies', () => {
    const devOnly = files.filter(shipsWithoutDevDependencies).flatMap((file) =>
      importsOf(file)
        .filter(({ typeOnly }) => !typeOnly)
        .map(({ specifier }) => packageOf(specifier))
        .filter((name): name is string => name !== null && !runtime.has(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(devOnly).toEqual([]);
  });

  it('pins every version exactly', () => {
    const ranges = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      ([, version]) => !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version),
    );
    expect(ranges).toEqual([]);
  });
});
