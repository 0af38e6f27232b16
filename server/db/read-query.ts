import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { LRUCache } from 'lru-cache';
import type { Sql } from './sql';

interface Statement {
  text: string;
  /** Set for the first NAMED_STATEMENTS texts: PostgreSQL parses and plans those once per connection. */
  name?: string;
}

/** Prepared statements live on every pooled connection for its lifetime: keep their number small. */
const NAMED_STATEMENTS = 100;
const statements = new LRUCache<string, Statement>({ max: 1_000 });
let named = 0;

/** `?` placeholders (MikroORM's convention) as `$1`, `$2`…, outside string literals. */
function numbered(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const char of sql) {
    if (char === "'") quoted = !quoted;
    out += char === '?' && !quoted ? `$${++n}` : char;
  }
  return out;
}

function statementFor(sql: string): Statement {
  let statement = statements.get(sql);
  if (!statement) {
    statement = { text: numbered(sql) };
    if (named < NAMED_STATEMENTS) statement.name = `hearth_read_${++named}`;
    statements.set(sql, statement);
  }
  return statement;
}

/**
 * Rows of a read-only statement of a hot path (a feed page), sent on MikroORM's own `pg` pool with
 * bound parameters as a prepared statement. `em.execute` inlines the parameters into the SQL text,
 * so PostgreSQL parses and plans every page, and its query layers cost more CPU than the page's
 * GraphQL execution. Inside a transaction the statement goes through the transaction instead, to
 * read its writes. The `onQuery` hook sees it like any other statement; errors are MikroORM's.
 */
export async function readRows<T extends object>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  if (em.isInTransaction()) return em.execute<T[]>(sql, params as unknown[]);
  const { text, name } = statementFor(em.config.get('onQuery')(sql, params as unknown[]));
  const pool: Pool = await em.getConnection().getNativeClient();
  try {
    const result = await pool.query<T>({ name, text, values: params as unknown[] });
    return result.rows;
  } catch (error) {
    throw em.getDriver().convertException(error as Error);
  }
}

/**
 * Rows of a read of a `*.queries.ts` (a statement built with the sql helper): a prepared statement
 * with bound parameters outside a transaction (readRows), so PostgreSQL parses and plans each text
 * once per connection. For the lookups of loaders and services: keys, pages, small batches.
 */
export function queryRows<T extends object = Record<string, unknown>>(em: EntityManager, query: Sql): Promise<T[]> {
  return readRows<T>(em, query.text, query.params);
}

/**
 * Rows of a read whose best plan depends on its parameters (a search's words, a KPI's period over
 * skewed data): sent with its parameters inlined and planned anew each time. A prepared statement
 * may switch to a generic plan after five executions, fine for a lookup by key, not for these.
 */
export function plannedRows<T extends object = Record<string, unknown>>(em: EntityManager, query: Sql): Promise<T[]> {
  return em.execute<T[]>(query.text, [...query.params]);
}
