import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isNonNullType,
  Kind,
  parse,
  specifiedRules,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { canonicalizeIds } from './canonical-ids';
import { operationCost } from './cost';
import { AppError, ErrorCode } from './errors';
import { findUnstorableText, type TextProblem } from './input-checks';
import { QUERY_LIMITS, withoutSuggestions, type QueryLimits } from './limits';
import { cutAt } from './text';

/** A refusal of the request itself, before anything runs: HTTP 400 (see legacyJsonStatus for the one exception). */
function refusal(message: string, code: string, originalError?: Error): GraphQLError {
  return new GraphQLError(message, { originalError, extensions: { code, http: { status: 400, headers: new HeaderMap() } } });
}

function unresolvedOperation(document: DocumentNode, operationName: string | null): GraphQLError {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
  const message = operationName
    ? `Unknown operation named "${cutAt(operationName, 100)}".`
    : operations === 0
      ? 'The document holds no operation.'
      : `The document holds ${operations} operations: pass operationName to say which one to run.`;
  return refusal(message, 'OPERATION_RESOLUTION_FAILURE');
}

/** What text must be, as the refusal words it. */
const TEXT_RULES: Record<TextProblem, string> = {
  NUL: 'must not contain a NUL character (\\u0000)',
  LONE_SURROGATE: 'must be valid Unicode, not hold half of a character (a lone surrogate, as when an emoji is cut in two)',
};

/**
 * A variable sent as null where the argument or input field it stands for is non-null. Validation
 * lets a nullable variable stand there when the position has a default (the GraphQL spec's rule);
 * an explicit null then fails inside execution, which clients saw as INTERNAL_SERVER_ERROR.
 * Costs nothing unless a variable is null. Returns the variable's name, or null.
 */
function nullWhereRequired(schema: GraphQLSchema, document: DocumentNode, sent: Record<string, unknown>): string | null {
  const nulls = new Set(Object.keys(sent).filter((name) => sent[name] === null));
  if (!nulls.size) return null;
  const typeInfo = new TypeInfo(schema);
  let found: string | null = null;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      // A variable's own declaration is not a use.
      VariableDefinition: () => false,
      Variable(node) {
        if (found === null && nulls.has(node.name.value) && isNonNullType(typeInfo.getInputType())) found = node.name.value;
      },
    }),
  );
  return found;
}

/**
 * The checks that need the operation chosen and its variables, for HTTP (after Apollo's parsing
 * and validation) and WebSocket alike: an operation name that names no single operation, a NUL
 * character anywhere in the input, and the cost limit counted with the variables' values. A
 * request that passes has its UUID IDs made lower case (server/canonical-ids.ts).
 * Returns the refusal, or null.
 */
export function checkRequest(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return unresolvedOperation(document, operationName ?? null);
  const sent = variables !== null && typeof variables === 'object' ? variables : {};
  const text = findUnstorableText(document, sent);
  if (text) {
    const where = text.path.slice(0, 200);
    const message = `Text ${TEXT_RULES[text.problem]}: ${where}.`;
    return refusal(
      message,
      ErrorCode.BAD_USER_INPUT,
      new AppError(ErrorCode.BAD_USER_INPUT, message, { fields: { [where]: TEXT_RULES[text.problem] } }),
    );
  }
  const required = nullWhereRequired(schema, document, sent);
  if (required) {
    const message = `Variable "$${required}" is null where a value is required: leave it out to use the default.`;
    return refusal(
      message,
      ErrorCode.BAD_USER_INPUT,
      new AppError(ErrorCode.BAD_USER_INPUT, message, { fields: { [required]: 'must not be null here' } }),
    );
  }
  const cost = operationCost(schema, document, operation, sent);
  if (cost > QUERY_LIMITS.maxCost)
    return refusal(
      `Query cost limit of ${QUERY_LIMITS.maxCost} exceeded, found ${Math.round(Math.min(cost, Number.MAX_SAFE_INTEGER))}.`,
      'GRAPHQL_VALIDATION_FAILED',
    );
  canonicalizeIds(schema, document, operation, sent);
  return null;
}

const SUBSCRIPTION_OVER_HTTP =
  'Subscriptions run over WebSocket (the graphql-transport-ws protocol of graphql-ws) at this same /graphql path; over HTTP it answers queries and mutations.';

/** checkRequest on Apollo's requests, once the operation is resolved (and before the executor, which needs one). */
export function requestChecksPlugin(schema: GraphQLSchema): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          const refused = checkRequest(schema, document, request.operationName, request.variables);
          if (refused) throw refused;
          // Run as a query, a subscription's field resolves to null: a non-null error and a 500.
          if (operation?.operation === 'subscription') throw refusal(SUBSCRIPTION_OVER_HTTP, 'BAD_REQUEST');
        },
      };
    },
  };
}

/** One media range of an Accept header: quality, how specific its match is, its position. */
type Match = { q: number; specificity: number; order: number };

function bestMatch(accept: string, mediaType: string): Match {
  let best: Match = { q: 0, specificity: -1, order: Infinity };
  for (const [order, part] of accept.split(',').entries()) {
    const [range, ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const specificity = range === mediaType ? 2 : range === `${mediaType.split('/')[0]}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    best = { q: q ? Number(q.slice(2)) : 1, specificity, order };
  }
  return best;
}

/**
 * Whether an Accept header names application/json itself and prefers it to
 * application/graphql-response+json (Apollo's choice on a tie). A wildcard (any type, what fetch
 * and curl send by default) is not asking for the legacy behaviour.
 */
export function prefersLegacyJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = bestMatch(accept, 'application/json');
  const graphql = bestMatch(accept, 'application/graphql-response+json');
  if (!(json.q > 0) || json.specificity < 2) return false;
  if (json.q !== graphql.q) return json.q > graphql.q;
  if (json.specificity !== graphql.specificity) return json.specificity > graphql.specificity;
  return json.order <= graphql.order;
}

/** Codes of a well-formed request that GraphQL refused: parsing, validation, variables, operation choice, our checks. */
const REFUSED_WELL_FORMED = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * GraphQL over HTTP: a client that explicitly asks for `application/json` (and not the newer
 * `application/graphql-response+json`) gets 200 for a well-formed request GraphQL refused, with
 * the errors in the body, as the spec says it SHOULD (legacy clients do not read the bodies of
 * 4xx answers). Everyone else, a client that sends no Accept header or a wildcard included, gets 400.
 */
export function legacyJsonStatusPlugin(): ApolloServerPlugin<any> {
  return {
    async requestDidStart({ request }) {
      if (!prefersLegacyJson(request.http?.headers.get('accept'))) return;
      return {
        async willSendResponse({ response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          const code = singleResult.errors?.[0]?.extensions?.code;
          if (singleResult.data === undefined && typeof code === 'string' && REFUSED_WELL_FORMED.has(code)) response.http.status = 200;
        },
      };
    },
  };
}

const parseFailed = (message: string) => new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });

/** An operation's text, as a client sends it over WebSocket. */
export interface OperationPayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Texts kept parsed and validated per server, and their characters at most (a text is at most MAX_BODY_BYTES). */
const DOCUMENTS = { max: 500, maxSize: 4_000_000 };

/**
 * checkOperation for one server's WebSocket operations, keeping the documents of the texts that
 * validated (Apollo keeps HTTP's the same way). Reconnecting clients, after a deploy or an
 * instance's restart, subscribe with the same few texts thousands of times: checking the shipped
 * client's ContentPublished took 400 to 450 µs a subscribe here, and 3 to 5 µs once its text is
 * kept (parsing and validating it, and what checkRequest keys by the document, its cost analysis
 * and ID literals, ran again for each fresh document). What depends on the variables (checkRequest,
 * their coercion) still runs for each operation. A kept document is shared by the operations
 * sending its text, as Apollo's are: nothing that runs writes to it (canonicalizeIds lower-cases
 * its ID literals once, the same for every request).
 */
export function operationChecker(schema: GraphQLSchema, limits: QueryLimits) {
  const documents = new LRUCache<string, DocumentNode>({ ...DOCUMENTS, sizeCalculation: (_document, text) => Math.max(1, text.length) });
  return (payload: OperationPayload) => checkOperation(schema, payload, limits, documents);
}

/** Parses and validates `query`, or answers its kept document. */
function validDocument(
  schema: GraphQLSchema,
  query: string,
  limits: QueryLimits,
  documents: LRUCache<string, DocumentNode>,
): DocumentNode | GraphQLError[] {
  const kept = documents.get(query);
  if (kept) return kept;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: QUERY_LIMITS.maxTokens });
  } catch (error) {
    return [parseFailed(error instanceof Error ? error.message : 'Syntax error.')];
  }
  const errors = validate(schema, document, [...specifiedRules, ...limits.validationRules]);
  if (errors.length)
    return errors.map(
      (e) => new GraphQLError(withoutSuggestions(e.message), { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    );
  documents.set(query, document);
  return document;
}

/**
 * Parses, validates and checks a WebSocket operation as Apollo does an HTTP one (Apollo's
 * validation rules and plugins never see graphql-ws traffic). Returns the document or the errors.
 * A text in `documents` (operationChecker's) is not parsed nor validated again.
 */
function checkOperation(
  schema: GraphQLSchema,
  payload: OperationPayload,
  limits: QueryLimits,
  documents: LRUCache<string, DocumentNode>,
): { document: DocumentNode } | { errors: GraphQLError[] } {
  if (typeof payload.query !== 'string') return { errors: [parseFailed('The operation has no query text.')] };
  const document = validDocument(schema, payload.query, limits, documents);
  if (Array.isArray(document)) return { errors: document };
  const refused = checkRequest(schema, document, payload.operationName ?? null, payload.variables ?? {});
  if (refused) return { errors: [refused] };
  // Variables are coerced here, as Apollo does before executing: graphql-ws would report a bad one
  // as an error without a code, which formatError must mask.
  const operation = getOperationAST(document, payload.operationName ?? undefined)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 5 });
  if (coerced.errors)
    return {
      errors: coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: ErrorCode.BAD_USER_INPUT } })),
    };
  return { document };
}
