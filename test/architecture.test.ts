import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { modules } from '../schema/modules';
import type { HearthModule } from '../server/module';
import { importCycles, importsOf, isTestFile, resolveImport, root, runtimeImportGraph, sourceFiles } from './source-files';

const files = sourceFiles('server', 'schema', 'integrations', 'jobs', 'emails', 'seed', 'simulator', 'test');
const known = new Set(files);

describe('the house (ARCHITECTURE.md)', () => {
  it('has no import cycles (type-only imports aside: the build erases them)', () => {
    expect(importCycles(runtimeImportGraph(files))).toEqual([]);
  });

  it('keeps server/ free of domains: it reaches schema/ only through the module list', () => {
    const reaches = files
      .filter((file) => file.startsWith('server/') && !isTestFile(file))
      .flatMap((file) =>
        importsOf(file)
          .map(({ specifier }) => resolveImport(file, specifier, known))
          .filter((target): target is string => target !== null && target.startsWith('schema/') && target !== 'schema/modules.ts')
          .map((target) => `${file} → ${target}`),
      );
    expect(reaches).toEqual([]);
  });

  it('lists every domain folder once: a domain is its folder plus one line in schema/modules.ts', async () => {
    const folders = readdirSync(path.join(root, 'schema'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const exported = await Promise.all(
      folders.map(async (folder) => {
        const index = (await import(`../schema/${folder}`)) as Record<string, unknown>;
        const own = Object.values(index).filter((value): value is HearthModule => modules.includes(value as HearthModule));
        return [folder, own.length] as const;
      }),
    );
    expect(exported).toEqual(folders.map((folder) => [folder, 1]));
    expect(new Set(modules.map((module) => module.name)).size).toBe(modules.length);
    expect(modules.length).toBe(folders.length);
  });

  it('has one after-commit mechanism: services emit domain events, and only handlers publish pub/sub topics or run after-commit work', () => {
    // A direct publish or an array of after-commit callbacks in a service: emit a domain event
    // instead (PendingEvents for what a transaction decides), and publish from its handler.
    const bypasses = /\bpubSub\.publish\(|\bAfterCommit\b|\bafter\.push\(|\b(const|let)\s+after\s*(:[^=]*)?=\s*\[/;
    const services = files.filter((file) => file.startsWith('schema/') && file.endsWith('.service.ts'));
    expect(services.length).toBeGreaterThan(30);
    expect(services.filter((file) => bypasses.test(readFileSync(path.join(root, file), 'utf8')))).toEqual([]);
  });

  it('leaves content’s rows to the content domain where live sessions meet it: a replay is published through schema/content', () => {
    const writesContent = /\b(insert\s+into|update|delete\s+from)\s+content(_theme)?\b/i;
    const writers = files
      .filter((file) => (file.startsWith('schema/live/') || file.startsWith('integrations/livekit/')) && !isTestFile(file))
      .filter((file) => writesContent.test(readFileSync(path.join(root, file), 'utf8')));
    expect(writers).toEqual([]);
  });
});
