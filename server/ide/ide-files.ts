import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/** The folder of Hearth's package.json, from the sources (server/ide) or the build (dist/server/ide) alike. */
export function projectRoot(): string {
  if (root) return root;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'hearth') return (root = dir);
  }
  throw new Error(`Hearth's package.json not found above ${__dirname}`);
}

/** Where `npm run build` puts the bundled GraphiQL. */
export const ideDir = () => path.join(projectRoot(), 'dist', 'ide');
