import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository's root. */
export const root = path.resolve(__dirname, '..');

const SKIP = new Set(['node_modules', 'dist', 'generated', 'migrations', '.hearth', 'coverage']);

/** Every TypeScript source under `folders` (relative to the root), as root-relative paths with `/`. */
export function sourceFiles(...folders: string[]): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
      const relative = `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(relative);
      } else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        found.push(relative);
      }
    }
  };
  for (const folder of folders) walk(folder);
  return found.sort();
}

export const isTestFile = (file: string) => /\.test\.tsx?$/.test(file) || file.startsWith('test/');

export interface ImportSpecifier {
  specifier: string;
  /** `import type` / `export type`: erased at build, so it costs nothing at run time. */
  typeOnly: boolean;
}

// Static imports and re-exports (over several lines too), side-effect imports, import() and require().
const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The module specifiers a source file imports. */
export function importsOf(file: string): ImportSpecifier[] {
  const source = readFileSync(path.join(root, file), 'utf8');
  return [...source.matchAll(IMPORT)].map((match) => ({
    specifier: match[3] ?? match[4] ?? match[5] ?? match[6],
    typeOnly: Boolean(match[2]),
  }));
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '/index.ts', '/index.tsx'];

/** The project file a relative specifier of `file` names (null for packages and unknown files). */
export function resolveImport(file: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  if (known.has(base)) return base;
  for (const extension of EXTENSIONS) if (known.has(base + extension)) return base + extension;
  return null;
}

/** Run-time import edges between project files (type-only imports are erased by the build, so left out). */
export function runtimeImportGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => [
      file,
      importsOf(file)
        .filter(({ typeOnly }) => !typeOnly)
        .map(({ specifier }) => resolveImport(file, specifier, known))
        .filter((target): target is string => target !== null),
    ]),
  );
}

/** Each import cycle once, as the files around it (Tarjan's strongly connected components). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) cycles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}
