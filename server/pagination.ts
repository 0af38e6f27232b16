// Its classes are decorated when the module loads, whichever entry point (a job, a test) reaches it first.
import 'reflect-metadata';
import { ArgsType, Field, getMetadataStorage, Int, ObjectType, type ClassType } from 'type-graphql';
import { IsOptional, isUUID, Max, Min } from 'class-validator';
import { badInput } from './errors';

@ObjectType({ simpleResolvers: true, description: 'Relay page information: where this page sits in the whole list.' })
export class PageInfo {
  @Field({ description: 'More items follow this page (pass `endCursor` as `after`).' })
  hasNextPage!: boolean;

  @Field({ description: 'More items precede this page (pass `startCursor` as `before`).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; null on an empty page.' })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20 })
  @Min(1)
  @Max(100)
  first!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  after?: string | null;
}

/**
 * A chronological list read from its newest end, as a chat is: `last`/`before` scrolls back
 * (the default is the newest page), `first`/`after` catches up on what came after a cursor.
 * Edges are always oldest first.
 */
@ArgsType()
export class ChronologicalPageArgs {
  @Field(() => Int, { nullable: true, description: 'Items from the newest end (the default: the newest page) or before `before`.' })
  @IsOptional()
  @Min(1)
  @Max(100)
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'The `startCursor` of the page already shown, to scroll back.' })
  @IsOptional()
  before?: string | null;

  @Field(() => Int, { nullable: true, description: 'Items after `after` (forward; not with last/before).' })
  @IsOptional()
  @Min(1)
  @Max(100)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the newest page shown, to catch up.' })
  @IsOptional()
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** Present on connections declared with `totalCount`: read only when a client selects the field. */
  readonly totalCount?: Promise<number>;
}

export interface ConnectionOptions {
  /** Adds `totalCount: Int!`, described by this text; the service must pass a count (see `withTotalCount`). */
  totalCount?: string;
}

/** A Relay connection type for `Node`, named `<Node>Connection` with edges `<Node>Edge`. */
/** The GraphQL name of an object type class (a row class is named for its entity: ContentRow is `Content`). */
const objectTypeName = (Node: ClassType<object>) =>
  getMetadataStorage().objectTypes.find((type) => type.target === Node)?.name ?? Node.name;

export function Connection<T extends object>(Node: ClassType<T>, name = objectTypeName(Node), options: ConnectionOptions = {}) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => Node)
    node!: T;
  }

  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  if (options.totalCount) {
    // Not `simple`: the getter's promise must go through a resolver (graphql-jit reads plain fields without awaiting them).
    Field(() => Int, { description: options.totalCount, simple: false })(ConnectionType.prototype, 'totalCount');
  }
  ObjectType(`${name}Connection`, { simpleResolvers: true })(ConnectionType);
  return ConnectionType;
}

/**
 * Gives a page its `totalCount`, counted only if a client asks for it (a getter read by the
 * field's resolver), and at most once.
 */
export function withTotalCount<T>(connection: ConnectionShape<T>, count: () => Promise<number>): ConnectionShape<T> {
  let counted: Promise<number> | undefined;
  return Object.defineProperty(connection, 'totalCount', { get: () => (counted ??= count()), enumerable: false });
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
  // Exactly as toISOString() wrote it, with a year from 0001 to 9999 (PostgreSQL has no year 0).
  const time = typeof at === 'string' && ISO_INSTANT.test(at) ? new Date(at) : null;
  const exact = time !== null && !Number.isNaN(time.getTime()) && time.toISOString() === at && time.getUTCFullYear() >= 1;
  if (!exact || typeof id !== 'string' || !isUUID(id) || rest.length) throw invalidCursor(argument);
  return [at as string, id];
}

/** Offset cursors stop here: a ranking paged this deep is an export, not a page. */
export const MAX_OFFSET = 1_000_000;

function pageInfo<T>(edges: Edge<T>[], hasNextPage: boolean, hasPreviousPage: boolean): PageInfo {
  return { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
}

/**
 * Builds a forward page from `first + 1` fetched rows. `after` is the cursor the page starts
 * after: something precedes it (Relay allows answering that without counting).
 */
export function toConnection<T>(
  rows: T[],
  first: number,
  keyOf: (row: T) => (string | number)[],
  after?: string | null,
): ConnectionShape<T> {
  const edges = rows.slice(0, first).map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return { edges, pageInfo: pageInfo(edges, rows.length > first, Boolean(after)) };
}

/**
 * Builds a backward page (`last`/`before`) from `last + 1` rows fetched nearest-first (newest
 * first for a chat): the edges come out in list order (oldest first), as a thread renders them.
 */
export function toBackwardConnection<T>(
  rowsNearestFirst: T[],
  last: number,
  keyOf: (row: T) => (string | number)[],
  before?: string | null,
): ConnectionShape<T> {
  const edges = rowsNearestFirst
    .slice(0, last)
    .reverse()
    .map((node) => ({ node, cursor: encodeCursor(keyOf(node)) }));
  return { edges, pageInfo: pageInfo(edges, Boolean(before), rowsNearestFirst.length > last) };
}

/** Which way a list that supports both is read: `first`/`after` forward, `last`/`before` backward. */
export interface PageDirection {
  forward: boolean;
  count: number;
  cursor: string | null;
}

/**
 * The direction of a page of a chronological list, from Relay's four arguments: `first`/`after`
 * reads forward, `last`/`before` backward (the default, `last: defaultLast`, is the newest page).
 */
export function pageDirection(
  args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null },
  defaultLast: number,
): PageDirection {
  const forward = args.first != null || args.after != null;
  const backward = args.last != null || args.before != null;
  if (forward && backward) {
    throw badInput('Page forward with first/after or backward with last/before, not both.', {
      last: 'cannot be combined with first or after',
    });
  }
  if (forward) return { forward: true, count: args.first ?? defaultLast, cursor: args.after ?? null };
  return { forward: false, count: args.last ?? defaultLast, cursor: args.before ?? null };
}

/**
 * One page of a chronological list kept in `(created_at, id)` order, for SQL: the keyset
 * condition on the page's cursor, the order to read rows in (nearest to the cursor first) and
 * the row limit. `alias` qualifies the columns (`m.` for `from message m`).
 */
export function chronologicalKeyset(page: PageDirection, alias = '') {
  const cursor = decodeKeyset(page.cursor, page.forward ? 'after' : 'before');
  const [comparison, order] = page.forward ? ['>', 'asc'] : ['<', 'desc'];
  return {
    condition: cursor ? `and (${alias}created_at, ${alias}id) ${comparison} (?::timestamptz, ?::uuid)` : '',
    params: cursor ?? [],
    orderBy: `${alias}created_at ${order}, ${alias}id ${order}`,
    limit: page.count + 1,
  };
}

/** The connection of rows read by `chronologicalKeyset` for `page`: edges oldest first either way. */
export function toChronologicalConnection<T>(rows: T[], page: PageDirection, keyOf: (row: T) => (string | number)[]): ConnectionShape<T> {
  return page.forward ? toConnection(rows, page.count, keyOf, page.cursor) : toBackwardConnection(rows, page.count, keyOf, page.cursor);
}

/**
 * Offset cursors, for computed rankings (KPI tables) that have no stable key to seek from.
 * `decodeOffset(after)` gives where the page starts; `toOffsetConnection` builds it from
 * `first + 1` fetched rows.
 */
export function decodeOffset(after: string | null | undefined): number {
  if (!after) return 0;
  const [offset, ...rest] = parts(after, 'after');
  if (!Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) > MAX_OFFSET || rest.length)
    throw invalidCursor('after');
  return offset as number;
}

export function toOffsetConnection<R, T>(rows: R[], first: number, offset: number, toNode: (row: R) => T): ConnectionShape<T> {
  const edges = rows.slice(0, first).map((row, index) => ({ cursor: encodeCursor([offset + index + 1]), node: toNode(row) }));
  return { edges, pageInfo: pageInfo(edges, rows.length > first, offset > 0) };
}
