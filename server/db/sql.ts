/**
 * A batch of ids as one parameter: a PostgreSQL array literal for `= any(?::uuid[])` (MikroORM
 * would expand a JS array into a list). A malformed id fails the uuid cast: NOT_FOUND, never SQL.
 */
export const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;
