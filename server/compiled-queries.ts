import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  execute,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isInputObjectType,
  isNonNullType,
  typeFromAST,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { asGraphQLJsError } from './jit-errors';

/** Per parsed document (Apollo keeps one per distinct query text) and operation name; null: not compilable. */
const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

/**
 * Whether an input type reaches an input object field that is non-null and has a default.
 * graphql-jit 0.8 coerces variables itself and refuses such a field omitted, where graphql-js
 * applies its default ("Field value.days of required type Int! was not provided"): operations
 * whose variables reach one run on graphql-js, as one execution.
 */
function reachesNonNullDefault(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some(
    (field) => (isNonNullType(field.type) && field.defaultValue !== undefined) || reachesNonNullDefault(field.type, seen),
  );
}

function jitCoercesVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  return (operation.variableDefinitions ?? []).every((definition) => {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    return type !== undefined && !reachesNonNullDefault(type);
  });
}

function compiledFor(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  operationName: string | null,
): CompiledQuery | null {
  let byName = compiled.get(document);
  if (!byName) compiled.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let query = byName.get(key);
  if (query === undefined) {
    const result = jitCoercesVariables(schema, operation)
      ? compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true })
      : null;
    query = result && isCompiledQuery(result) ? result : null;
    byName.set(key, query);
  }
  return query;
}

/** How one subscriber's operation turns an event into its result. */
export type EventExecution = (rootValue: unknown, contextValue: unknown) => Promise<ExecutionResult>;

type CompiledByText = LRUCache<string, { query: CompiledQuery; document: DocumentNode } | false>;

/** Compiled subscription operations per schema (a process may serve several: tests, bench targets), by their text: graphql-ws parses each subscribe message anew. */
const compiledByText = new WeakMap<GraphQLSchema, CompiledByText>();

/**
 * How to execute `args`'s operation for each event (`rootValue`: the event), compiled by
 * graphql-jit when it compiles under the same rules as queries (once per distinct operation
 * text, `key`), on graphql-js otherwise; either way once per event, with graphql-js's errors. The
 * subscription fanout runs per-viewer operations once per subscriber and event, and graphql-js's
 * execution was most of that cost (P2 in test/bench).
 */
export function eventExecution(args: ExecutionArgs, key: string): EventExecution {
  const { schema, document, operationName, variableValues } = args;
  let bySchema = compiledByText.get(schema);
  if (!bySchema) compiledByText.set(schema, (bySchema = new LRUCache({ max: 1_000 })));
  let entry = bySchema.get(key);
  if (entry === undefined) {
    const operation = getOperationAST(document, operationName);
    const query = operation && compiledFor(schema, document, operation, operationName ?? null);
    entry = query ? { query, document } : false;
    bySchema.set(key, entry);
  }
  if (!entry) return (rootValue, contextValue) => execute({ ...args, rootValue, contextValue }) as Promise<ExecutionResult>;
  const { query, document: compiledDocument } = entry;
  return async (rootValue, contextValue) => {
    const result = await query.query(rootValue, contextValue, variableValues ?? {});
    if (!result.errors?.length) return result;
    return { data: result.data, errors: result.errors.map((error) => asGraphQLJsError(error, compiledDocument)) };
  };
}

/**
 * Executes queries with graphql-jit: each distinct query is compiled once to a function that
 * resolves and completes its fields without graphql-js's per-field bookkeeping (resolve info and
 * argument objects for every field, null-prototype result objects that JSON serializes slowly):
 * a feed page's GraphQL execution and result serialization were a quarter of its CPU.
 *
 * Every operation runs once. A query's variables are coerced by graphql-js first, so a bad one
 * is refused exactly as graphql-js refuses it (Apollo answers 400 BAD_USER_INPUT); the errors of
 * a compiled run are made graphql-js's (server/jit-errors.ts). Mutations and anything not
 * compilable (or whose variables graphql-jit would coerce differently) run on graphql-js. GRAPHQL_EXECUTOR=graphql-js leaves this executor out entirely.
 */
export function compiledQueries(schema: GraphQLSchema): GatewayInterface {
  const executor: GatewayExecutor = async ({ document, operation, operationName, request, context }) => {
    const graphqlJs = () =>
      execute({ schema, document, operationName, variableValues: request.variables, contextValue: context }) as Promise<ExecutionResult>;
    // No operation (an unknown or ambiguous operationName): requestChecksPlugin refuses it first;
    // graphql-js would answer it too, with its own error, never this executor.
    if (operation?.operation !== 'query') return graphqlJs();
    const query = compiledFor(schema, document, operation, operationName);
    if (!query) return graphqlJs();
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 50 });
    if (variables.errors) return { errors: variables.errors };
    const result = await query.query(undefined, context, request.variables ?? {});
    if (!result.errors?.length) return result;
    return { data: result.data, errors: result.errors.map((error) => asGraphQLJsError(error, document)) };
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
