import { generateHttpLoad } from './http-load';
import type { LoadSpec } from './load';

/**
 * Child process: the load generator (http-load.ts). It runs apart from the servers it measures and
 * from the orchestrating process, so neither pays for the other's event loop. Every response is
 * checked: an HTTP status other than 2xx, a body that is not JSON or a GraphQL `errors` array
 * counts as an error (a run with errors fails in the parent).
 */
// A worker whose bench has gone (its channel closed) has nobody to answer.
process.once('disconnect', () => process.exit(0));
process.on('message', (spec: LoadSpec) => {
  process.send!('started');
  generateHttpLoad(spec).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => process.send!({ failed: String(error) }, () => process.exit(1)),
  );
});
