import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './ide-files';

/**
 * Bundles GraphiQL (from the graphiql package, not a CDN) into dist/ide: the app, its styles and
 * fonts, and Monaco's three workers. `npm run build` runs it; it does nothing when the bundle is
 * already built from the same sources and versions. Needs the devDependencies (graphiql,
 * esbuild): the Docker image bundles in its build stage and ships dist/.
 */
export async function buildIde(outDir = path.join(projectRoot(), 'dist', 'ide')): Promise<'built' | 'current'> {
  const root = projectRoot();
  const entry = path.join(root, 'server', 'ide', 'graphiql-app.tsx');
  const versions = ['graphiql', 'esbuild', 'monaco-editor', 'monaco-graphql', 'react'].map((name) => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    return `${name}@${manifest.version}`;
  });
  const stamp = createHash('sha256').update(readFileSync(entry)).update(versions.join()).digest('hex');
  const stampFile = path.join(outDir, 'build-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return 'current';

  const esbuild = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    absWorkingDir: root,
    define: { 'process.env.NODE_ENV': '"production"' },
  } as const;
  await esbuild.build({
    ...common,
    entryPoints: { graphiql: entry },
    outdir: outDir,
    format: 'esm',
    jsx: 'automatic',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    assetNames: '[name]-[hash]',
  });
  await esbuild.build({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
    outdir: outDir,
    format: 'iife',
  });
  writeFileSync(stampFile, stamp);
  return 'built';
}

if (require.main === module) {
  buildIde().then(
    (outcome) => outcome === 'built' && console.log('Bundled GraphiQL into dist/ide'),
    (error: unknown) => {
      console.error('Could not bundle GraphiQL (is `npm install` done with devDependencies?):', error);
      process.exit(1);
    },
  );
}
