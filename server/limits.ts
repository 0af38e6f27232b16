import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

/** One set of query limits, applied to HTTP (Apollo) and WebSocket (graphql-ws) operations alike. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2000,
  maxCost: 5000,
  maxDirectives: 50,
};

/** How every operation is parsed: a document of more tokens is a parse error (400 GRAPHQL_PARSE_FAILED). */
export const PARSE_OPTIONS = { maxTokens: QUERY_LIMITS.maxTokens };

/** Request bodies (HTTP) and messages (WebSocket) above this are refused. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * graphql-armor prefixes every rejection with "Syntax Error: ", though only the token limit is met
 * while parsing: a query over the cost, depth, alias or directive limit is valid GraphQL. Its
 * `onReject` hook gets the error before it is raised, so the message says what it is.
 */
const plainMessage = [(_context: unknown, error: Error) => void (error.message = error.message.replace(/^Syntax Error: /, ''))];

export function createArmor() {
  return new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, flattenFragments: true, exposeLimits: true, onReject: plainMessage },
    maxAliases: { n: QUERY_LIMITS.maxAliases, exposeLimits: true, onReject: plainMessage },
    // graphql-armor checks tokens in a plugin hook, where any error (a plain typo too) became an
    // HTTP 500: graphql-js' own parser counts them instead (Apollo's parseOptions, checkOperation).
    maxTokens: { enabled: false },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, exposeLimits: true, onReject: plainMessage },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true, onReject: plainMessage },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

/**
 * Parses and validates a WebSocket operation with the same limits Apollo applies on HTTP
 * (Apollo's validation rules never see graphql-ws traffic). Returns the document or the errors.
 */
export function checkOperation(
  schema: GraphQLSchema,
  query: string,
  armor: ReturnType<typeof createArmor>,
): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query, PARSE_OPTIONS);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'Syntax error.';
    return { errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const errors = validate(schema, document, [...specifiedRules, ...armor.validationRules]);
  if (errors.length) {
    return {
      errors: errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
    };
  }
  return { document };
}
