/**
 * A batch of ids as one parameter: a PostgreSQL array literal for `= any(?::uuid[])` (MikroORM
 * would expand a JS array into a list). A malformed id fails the uuid cast: NOT_FOUND, never SQL.
 */
export const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

/** A list of strings as one PostgreSQL array literal parameter, for `= any(?::text[])`. */
export const textArray = (values: readonly string[]) =>
  `{${values.map((value) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** A SQL text with its positional (`?`) parameters, composable with the `sql` tag. */
export interface Sql {
  readonly text: string;
  readonly params: readonly unknown[];
}

const isSql = (value: unknown): value is Sql => typeof value === 'object' && value !== null && 'text' in value && 'params' in value;

/**
 * Builds parameterised SQL from a template: interpolated values become `?` parameters, interpolated
 * `sql` fragments are inlined with their own parameters, so fragments compose without counting `?`.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0];
  const params: unknown[] = [];
  values.forEach((value, index) => {
    if (isSql(value)) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[index + 1];
  });
  return { text, params };
}

export const EMPTY_SQL: Sql = { text: '', params: [] };

/**
 * SQL text written in code (identifiers, expressions, a fragment built from constants), inlined as
 * it is, with the values of its own `?` if it has any: never a value that came from outside, which
 * goes through `sql` as a parameter.
 */
export const rawSql = (text: string, params: readonly unknown[] = []): Sql => ({ text, params });

/**
 * Splits rows into rounds where each key appears at most once, keeping each key's rows in order:
 * a set-based statement per round then never touches one key twice.
 */
export function distinctRounds<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    const round = (seen.get(k) ?? -1) + 1;
    seen.set(k, round);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}
