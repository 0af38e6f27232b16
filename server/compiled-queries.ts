import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { isUnavailableError } from './unavailable';

/** Per parsed document (Apollo keeps one per distinct query text) and operation name; null: not compilable. */
const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

function compiledFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | null {
  let byName = compiled.get(document);
  if (!byName) compiled.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let query = byName.get(key);
  if (query === undefined) {
    const result = compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
    query = isCompiledQuery(result) ? result : null;
    byName.set(key, query);
  }
  return query;
}

/**
 * Executes queries with graphql-jit: each distinct query is compiled once to a function that
 * resolves and completes its fields without graphql-js's per-field bookkeeping (resolve info and
 * argument objects for every field, null-prototype result objects that JSON serializes slowly):
 * a feed page's GraphQL execution and result serialization were a quarter of its CPU.
 *
 * Only a successful query keeps the compiled result. A query whose result has errors runs again
 * through graphql-js, so every error a client sees (codes, messages, locations, paths, 400s for
 * bad variables) is exactly graphql-js's; queries have no side effects, and the second run reads
 * what the first loaded from the request's DataLoaders. Mutations and anything not compilable run
 * on graphql-js only. The exception: a query that failed because PostgreSQL or Redis is unavailable
 * is answered at once with that failure (SERVICE_UNAVAILABLE), never run again: the second run
 * would only wait out the same acquire and statement timeouts (a request on a frozen database took
 * twice its bound).
 */
export function compiledQueries(schema: GraphQLSchema): GatewayInterface {
  const executor: GatewayExecutor = async ({ document, operation, operationName, request, context }) => {
    const graphqlJs = () => execute({ schema, document, operationName, variableValues: request.variables, contextValue: context }) as Promise<ExecutionResult>;
    // No operation (an unknown or ambiguous operationName): requestChecksPlugin refuses it first;
    // graphql-js would answer it too, with its own error, never this executor.
    if (operation?.operation !== 'query') return graphqlJs();
    const query = compiledFor(schema, document, operationName);
    if (!query) return graphqlJs();
    const result = await query.query(undefined, context, request.variables ?? {});
    if (!result.errors?.length) return result;
    if (!result.errors.some((error) => isUnavailableError(error.originalError))) return graphqlJs();
    // graphql-jit's errors are look-alikes: make them graphql-js's, keeping the path and the cause.
    const errors = result.errors.map((error) => new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined }));
    return { data: result.data, errors };
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}
