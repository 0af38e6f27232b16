import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { modules } from '../schema/modules';
import type { HearthModule } from '../server/module';
import { importCycles, importsOf, isTestFile, resolveImport, root, runtimeImportGraph, sourceFiles } from './source-files';
import { executedStatements, isRead } from './sql-reads';

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

  it('reads past the ORM only in a domain’s *.queries.ts: nowhere else in schema/ hands a select or with to .execute', () => {
    // Statements that open with `select` but change or lock, so they stay with their writer: a SQL
    // function that rebuilds a rollup or an index, and the transaction-scoped advisory locks that
    // serialise one member's digest, visits and interests. Each entry is one file and the
    // statement's opening.
    const writesThatSelect: readonly (readonly [string, RegExp])[] = [
      ['schema/analytics/visit-day-rollup.ts', /^select visit_day_rebuild\(/],
      ['schema/search/search-index.ts', /^select search_rebuild\(/],
      ['schema/engagement/digest-sender.ts', /^select pg_advisory_xact_lock\(/],
      ['schema/tracking/visit-tracker.ts', /^select pg_advisory_xact_lock\(/],
      ['schema/content/theme.service.ts', /^select pg_advisory_xact_lock\(/],
    ];
    const allowed = (file: string, text: string) =>
      writesThatSelect.some(([where, opening]) => where === file && opening.test(text.trim()));
    const statements = files
      .filter((file) => file.startsWith('schema/') && !isTestFile(file) && !file.endsWith('.queries.ts'))
      .flatMap((file) => executedStatements(file, known));
    // The check sees what it is meant to: every listed write is found where it is listed.
    const unseen = writesThatSelect.filter(
      ([where, opening]) => !statements.some(({ file, text }) => file === where && opening.test(text?.trim() ?? '')),
    );
    expect(unseen).toEqual([]);
    const reads = statements.filter(({ file, text }) => text === null || (isRead(text) && !allowed(file, text)));
    const described = ({ file, line, text }: (typeof reads)[number]) =>
      `${file}:${line} ${text === null ? '(a statement this check cannot follow)' : text.trim().slice(0, 60)}`;
    expect(reads.map(described)).toEqual([]);
  });
});
