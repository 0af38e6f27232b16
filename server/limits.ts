import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, type SelectionSetNode, type ValidationRule } from 'graphql';

/** One set of query limits, applied to HTTP (Apollo) and WebSocket (graphql-ws) operations alike. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  /** Under `__schema` and `__type`: the introspection query every GraphQL tool sends nests 13 deep. */
  maxIntrospectionDepth: 15,
  /** Every alias counts, `__typename` ones too. */
  maxAliases: 15,
  maxTokens: 2000,
  /**
   * See cost.ts: counted with the request's variables. A full page (100) of feed items with their
   * themes and author costs about 6,000; the shipped client's Comments at its largest page (100
   * comments with 5 replies each and their authors) about 105,000, with 20 replies each 147,000;
   * a page of pages (100 conversations × 100 messages) 1.3 million. Every operation the typed client and the admin
   * console send is under it at their largest pages (server/limits.test.ts).
   */
  maxCost: 200_000,
  maxDirectives: 50,
};

/** How every operation is parsed: a document of more tokens is a parse error (400 GRAPHQL_PARSE_FAILED). */
export const PARSE_OPTIONS = { maxTokens: QUERY_LIMITS.maxTokens };

/** Request bodies (HTTP) and messages (WebSocket) above this are refused. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** How deep a `__schema` or `__type` selection nests (graphql-armor's depth rule leaves `__schema` out). */
function introspectionDepthRule(max: number): ValidationRule {
  return (context) => {
    const fragmentDepths = new Map<string, number>();
    const depthOf = (set: SelectionSetNode | undefined): number => {
      let deepest = 0;
      for (const selection of set?.selections ?? []) {
        if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
        else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet));
        else {
          const name = selection.name.value;
          // Once per fragment: nested spreads would otherwise cost exponential time.
          if (!fragmentDepths.has(name)) {
            fragmentDepths.set(name, 0);
            fragmentDepths.set(name, depthOf(context.getFragment(name)?.selectionSet));
          }
          deepest = Math.max(deepest, fragmentDepths.get(name)!);
        }
      }
      return deepest;
    };
    return {
      Field(node) {
        if (node.name.value !== '__schema' && node.name.value !== '__type') return;
        const depth = 1 + depthOf(node.selectionSet);
        if (depth > max)
          context.reportError(new GraphQLError(`Introspection depth limit of ${max} exceeded, found ${depth}.`, { nodes: [node] }));
      },
    };
  };
}

export interface QueryLimits {
  /** Validation rules beyond graphql-js' own, for both transports. */
  validationRules: ValidationRule[];
  /** Apollo plugins of the same limits (armor's field-suggestion masking). */
  plugins: ApolloServerPlugin<any>[];
}

/** graphql-armor's mask for "Did you mean" suggestions, which would map the schema for a stranger. */
export const withoutSuggestions = (message: string) => message.replace(/Did you mean ".+"/g, '[Suggestion hidden]');

/**
 * The validation rules of every operation: graphql-armor's depth, alias, directive and
 * field-suggestion rules, introspection's depth, and no introspection at all when it is off
 * (GRAPHQL_INTROSPECTION). Tokens are limited by the parser and cost once variables are known
 * (request-checks.ts): armor's versions of those see neither the parser's errors nor variables.
 */
/**
 * graphql-armor prefixes every rejection with "Syntax Error: ", though a query over the depth,
 * alias or directive limit is valid GraphQL. Its `onReject` hook gets the error before it is
 * raised, so the message says what it is.
 */
const plainMessage = [(_context: unknown, error: Error) => void (error.message = error.message.replace(/^Syntax Error: /, ''))];

export function createQueryLimits(options: { introspection: boolean }): QueryLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, flattenFragments: true, exposeLimits: true, onReject: plainMessage },
    maxAliases: { n: QUERY_LIMITS.maxAliases, allowList: [], exposeLimits: true, onReject: plainMessage },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true, onReject: plainMessage },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return {
    validationRules: [
      ...armor.validationRules,
      introspectionDepthRule(QUERY_LIMITS.maxIntrospectionDepth),
      ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ],
    plugins: armor.plugins as ApolloServerPlugin<any>[],
  };
}
