import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load';

/**
 * Child process: the load generator. It runs apart from the servers it measures and from the
 * orchestrating process, so neither pays for the other's event loop. Each request takes the next
 * identity (Authorization header) in turn; every response is checked: an HTTP status other than
 * 2xx, a body that is not JSON or a GraphQL `errors` array counts as an error (a run with errors
 * fails in the parent).
 */
async function run(spec: LoadSpec): Promise<LoadResult> {
  let next = 0;
  let bodyErrors = 0;
  let firstError: string | undefined;
  const identities = spec.authorizations ?? [undefined];
  const bodies = spec.bodies ?? [spec.body];
  process.send!('started');
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [
      {
        method: spec.method ?? 'POST',
        setupRequest: (request) => {
          const n = next++;
          const authorization = identities[n % identities.length];
          const body = bodies[n % bodies.length];
          return {
            ...request,
            headers: { ...spec.headers, ...(authorization ? { authorization } : {}) },
            ...(body === undefined ? {} : { body }),
          };
        },
        onResponse: (status, body) => {
          let problem: string | undefined;
          if (status < 200 || status >= 300) problem = `HTTP ${status}: ${body.slice(0, 300)}`;
          else {
            try {
              const parsed = JSON.parse(body) as { errors?: unknown };
              if (parsed.errors) problem = `errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`;
            } catch {
              problem = `not JSON: ${body.slice(0, 100)}`;
            }
          }
          if (problem) {
            bodyErrors++;
            firstError ??= problem;
          }
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + bodyErrors,
    firstError: firstError ?? (result.errors ? `${result.errors} connection errors` : undefined),
  };
}

process.on('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => process.send!({ failed: String(error) }, () => process.exit(1)),
  );
});
