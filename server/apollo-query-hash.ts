import { createHash } from 'node:crypto';
import path from 'node:path';
import { installedVersion } from './installed-version';

/**
 * Apollo Server hashes the text of every operation it is sent (SHA-256, its document cache's key)
 * through @apollo/utils.createhash, whose `createHash` calls `module.require('crypto')` on each
 * call: a module resolution per request. Under P6's load that hash took 17 to 22 µs of CPU a
 * request in a CPU profile of the API, and 7 µs with node:crypto's own `createHash` (RESULTS.md,
 * 7 December). Apollo's request pipeline reads `createHash` off that module's exports at each
 * call, so replacing the export is enough: same algorithm, same hex digest, same Hash object.
 * Written against one version of the package; with any other, Apollo's own function stays
 * (correct, only slower) until this file is checked against it and the version below updated.
 */
export const APOLLO_CREATEHASH_VERSION = '3.0.1';

/** The file Apollo Server's own `require('@apollo/utils.createhash')` loads. */
export const apolloCreateHashEntry = () =>
  require.resolve('@apollo/utils.createhash', { paths: [path.dirname(require.resolve('@apollo/server'))] });

/** Apollo's hashing module and its version. */
function apolloCreateHashModule(): { module: { createHash: (kind: string) => unknown }; version: string } {
  const entry = apolloCreateHashEntry();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the very module instance Apollo's pipeline calls
  return { module: require(entry) as { createHash: (kind: string) => unknown }, version: installedVersion(entry, 'utils.createhash') };
}

/** Node's createHash, taken once: what Apollo's looks up again for every operation. */
export const hashOperationText = (kind: string) => createHash(kind);

/** Points Apollo's operation hashing at `hashOperationText`; false (and nothing changed) on a version this was not written against. */
export function useNodeHashForApollo(): boolean {
  const { module, version } = apolloCreateHashModule();
  if (version !== APOLLO_CREATEHASH_VERSION) return false;
  module.createHash = hashOperationText;
  return true;
}
