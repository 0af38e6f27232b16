import { Field, ObjectType, type ClassType } from 'type-graphql';
import { isUUID } from 'class-validator';
import { badInput } from './errors';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** A Relay connection type for `Node`, named `<Node>Connection` with edges `<Node>Edge`. */
export function Connection<T extends object>(Node: ClassType<T>, name = Node.name) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => Node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** Keyset cursors: the sort key of the last row, opaque to clients. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Cursors are opaque to clients and strictly parsed here: a cursor this server did not make (a
 * forged, truncated or stale one) is a BAD_USER_INPUT on the argument that carried it, never a
 * value that reaches SQL.
 */
function invalidCursor(argument: string) {
  return badInput('The cursor is not valid; start again from the first page.', { [argument]: 'invalid cursor' });
}

function parts(cursor: string, argument: string): unknown[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key)) return key;
  } catch {
    // not base64 JSON: the error below
  }
  throw invalidCursor(argument);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A keyset cursor, [ISO timestamp as toISOString() writes it, UUID], or null on the first page. */
export function decodeKeyset(cursor: string | null | undefined, argument: 'after' | 'before' = 'after'): [at: string, id: string] | null {
  if (!cursor) return null;
  const [at, id, ...rest] = parts(cursor, argument);
  // Exactly as toISOString() wrote it, with a four-digit year (PostgreSQL's range, not JavaScript's).
  const time = typeof at === 'string' && ISO_INSTANT.test(at) ? new Date(at) : null;
  const exact = time !== null && !Number.isNaN(time.getTime()) && time.toISOString() === at;
  if (!exact || typeof id !== 'string' || !isUUID(id) || rest.length) throw invalidCursor(argument);
  return [at as string, id];
}

/** Offset cursors stop here: a ranking paged this deep is an export, not a page. */
export const MAX_OFFSET = 1_000_000;

/** Builds a connection from `first + 1` fetched rows. */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => (string | number)[]): ConnectionShape<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * Offset cursors, for computed rankings (KPI tables) that have no stable key to seek from.
 * `decodeOffset(after)` gives where the page starts; `toOffsetConnection` builds it from
 * `first + 1` fetched rows.
 */
export function decodeOffset(after: string | null | undefined): number {
  if (!after) return 0;
  const [offset, ...rest] = parts(after, 'after');
  if (!Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) > MAX_OFFSET || rest.length) throw invalidCursor('after');
  return offset as number;
}

export function toOffsetConnection<R, T>(rows: R[], first: number, offset: number, toNode: (row: R) => T): ConnectionShape<T> {
  const edges = rows.slice(0, first).map((row, index) => ({ cursor: encodeCursor([offset + index + 1]), node: toNode(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
