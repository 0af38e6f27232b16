import type { GraphQLSchema, ValidationRule } from 'graphql';
import { createQueryLimits, type QueryLimits } from './limits';
import { operationChecker } from './request-checks';
import { buildHearthSchema } from './schema';

const COMMENTS = 'subscription($id: ID!) { commentAdded(contentId: $id) { id body } }';
const CONTENT_ID = '5b0e8d3c-6f1a-4c2e-9d7b-2a4f6e8c0b1d';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildHearthSchema();
});

/** The server's own limits plus a rule that counts the validations it runs. */
function countingLimits(): { limits: QueryLimits; validations: () => number } {
  let validations = 0;
  const counting: ValidationRule = () => {
    validations++;
    return {};
  };
  const limits = createQueryLimits({ introspection: false });
  return { limits: { ...limits, validationRules: [...limits.validationRules, counting] }, validations: () => validations };
}

describe('operationChecker (WebSocket operations)', () => {
  it('parses and validates a text once per server, and still checks the variables of every operation', () => {
    const { limits, validations } = countingLimits();
    const check = operationChecker(schema, limits);
    const first = check({ query: COMMENTS, variables: { id: CONTENT_ID } });
    const again = check({ query: COMMENTS, variables: { id: CONTENT_ID.toUpperCase() } });
    expect('document' in first && 'document' in again && again.document === first.document).toBe(true);
    expect(validations()).toBe(1);

    // The kept document does not let bad variables through: they are coerced for each operation.
    const missing = check({ query: COMMENTS, variables: {} });
    expect('errors' in missing && missing.errors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
    const nulled = check({ query: COMMENTS, variables: { id: null } });
    expect('errors' in nulled && nulled.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(validations()).toBe(1);

    // Another server keeps its own.
    const other = operationChecker(schema, limits);
    expect('document' in other({ query: COMMENTS, variables: { id: CONTENT_ID } })).toBe(true);
    expect(validations()).toBe(2);
  });

  it('refuses a text that does not validate every time it is sent, and keeps nothing of it', () => {
    const { limits, validations } = countingLimits();
    const check = operationChecker(schema, limits);
    const unknownField = 'subscription { contentPublished { id secretField } }';
    for (let i = 0; i < 2; i++) {
      const refused = check({ query: unknownField });
      expect('errors' in refused && refused.errors.map((error) => error.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
    expect(validations()).toBe(2);
    const unparsable = check({ query: 'subscription {' });
    expect('errors' in unparsable && unparsable.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
