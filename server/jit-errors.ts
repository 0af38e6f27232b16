import { GraphQLError, type DocumentNode, type SourceLocation } from 'graphql';

/** The offset in `body` of a 1-based line and column, lines broken as graphql-js breaks them. */
function offsetOf(body: string, { line, column }: SourceLocation): number {
  const lineBreak = /\r\n|[\n\r]/g;
  let lineStart = 0;
  for (let current = 1; current < line; current++) {
    const match = lineBreak.exec(body);
    if (!match) break;
    lineStart = match.index + match[0].length;
  }
  return lineStart + column - 1;
}

/**
 * A field error of a graphql-jit run as graphql-js's `locatedError` makes it. graphql-jit's errors
 * are look-alikes that carry `locations` as a plain property: Apollo rebuilds every error from
 * its nodes or source positions and would drop them. So: an error thrown with a path already is
 * kept as thrown; any other keeps its own nodes or gets the field's positions in the document,
 * its path, and its cause (an Error of the message when graphql-jit reported its own, such as a
 * null in a non-null field, as graphql-js does), which formatError reads for the code.
 */
export function asGraphQLJsError(error: GraphQLError, document: DocumentNode): GraphQLError {
  const original = error.originalError ?? undefined;
  if (original instanceof GraphQLError && Array.isArray(original.path)) return original;
  const cause = original ?? new Error(error.message);
  const path = error.path ? [...error.path] : undefined;
  if (original instanceof GraphQLError && (original.nodes || original.positions)) {
    return new GraphQLError(original.message, {
      nodes: original.nodes,
      source: original.source,
      positions: original.positions,
      path,
      originalError: original,
    });
  }
  const source = document.loc?.source;
  const positions = source && error.locations?.length ? error.locations.map((location) => offsetOf(source.body, location)) : undefined;
  return new GraphQLError(cause.message, { source: positions && source, positions, path, originalError: cause });
}
