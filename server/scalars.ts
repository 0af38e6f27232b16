import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/**
 * RFC 3339's years, 0001 to 9999. graphql-scalars also takes year 0000, which JavaScript
 * represents and PostgreSQL does not (it has no year 0): such a value reached the database and
 * answered INTERNAL_SERVER_ERROR. Years past 9999 are refused by graphql-scalars already.
 */
const yearOf = (value: string) => Number(value.slice(0, 4));
const outOfRange = (name: string, value: string) =>
  new GraphQLError(`${name} cannot represent ${value}: years run from 0001 to 9999.`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });

/** graphql-scalars' scalar of `base`, refusing a year 0000 as input; same name, description and output. */
function withinYears<T>(base: GraphQLScalarType, asText: (parsed: T) => string): GraphQLScalarType {
  const check = (parsed: T) => {
    const text = asText(parsed);
    if (yearOf(text) < 1) throw outOfRange(base.name, text);
    return parsed;
  };
  return new GraphQLScalarType({
    ...base.toConfig(),
    parseValue: (value: unknown) => check(base.parseValue(value) as T),
    parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => check(base.parseLiteral(ast, variables) as T),
  });
}

/** `DateTime` (a JavaScript Date in resolvers). */
export const DateTimeScalar = withinYears<Date>(DateTimeResolver, (date) => date.toISOString());

/** `LocalDate` (a `YYYY-MM-DD` string in resolvers). */
export const LocalDateScalar = withinYears<string>(LocalDateResolver, (day) => day);
