import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version of the installed package whose entry point is the file `entry`, read from its
 * package.json, which the package need not export: the nearest folder above `entry` named `folder`
 * (its name's last part: `type-graphql`, `utils.createhash`). For the adapters written against
 * one version of a dependency's internals.
 */
export function installedVersion(entry: string, folder: string): string {
  let dir = path.dirname(entry);
  while (!dir.endsWith(`${path.sep}${folder}`) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}
