import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { LRUCache } from 'lru-cache';
import type { Orm } from './orm';
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

/**
 * `?` placeholders (MikroORM's convention) as `$1`, `$2`…, outside string literals and comments
 * (`-- …` to the end of the line, `/* … *\/`), where a `?` or an apostrophe is only text.
 */
function numbered(sql: string): string {
  let n = 0;
  let out = '';
  let state: 'code' | 'string' | 'line' | 'block' = 'code';
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i];
    const next = sql[i + 1];
    if (state === 'code') {
      if (char === "'") state = 'string';
      else if (char === '-' && next === '-') state = 'line';
      else if (char === '/' && next === '*') state = 'block';
      else if (char === '?') {
        out += `$${++n}`;
        continue;
      }
    } else if (state === 'string' && char === "'") state = 'code';
    else if (state === 'line' && char === '\n') state = 'code';
    else if (state === 'block' && char === '*' && next === '/') {
      out += '*/';
      i++;
      state = 'code';
      continue;
    }
    out += char;
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

/** The numbered texts of statements sent unnamed (oneShotRows): many distinct texts, none kept by the server. */
const unnamedTexts = new LRUCache<string, string>({ max: 1_000 });

/**
 * Sends a read-only statement on MikroORM's own `pg` pool with bound parameters: `em.execute`
 * would inline them into the SQL text, and its query layers cost more CPU than a feed page's
 * GraphQL execution. Named (prepared: parsed and planned once per connection) or unnamed (planned
 * for this call's parameters). Inside a transaction the statement goes through the transaction
 * instead, to read its writes. The `onQuery` hook sees it like any other statement; errors are
 * MikroORM's.
 */
async function sendRead<T extends object>(em: EntityManager, sql: string, params: readonly unknown[], named: boolean): Promise<T[]> {
  if (em.isInTransaction()) return em.execute<T[]>(sql, params as unknown[]);
  const seen = em.config.get('onQuery')(sql, params as unknown[]);
  let statement: Statement;
  if (named) statement = statementFor(seen);
  else {
    let text = unnamedTexts.get(seen);
    if (text === undefined) unnamedTexts.set(seen, (text = numbered(seen)));
    statement = { text };
  }
  const pool: Pool = await em.getConnection().getNativeClient();
  try {
    const result = await pool.query<T>({ name: statement.name, text: statement.text, values: params as unknown[] });
    return result.rows;
  } catch (error) {
    throw em.getDriver().convertException(error as Error);
  }
}

/**
 * The EntityManager to send a hot path's reads with (readRows, oneShotRows, queryRows, and the
 * read models of their rows) outside a transaction: the process's own, never forked. They use its
 * configuration, connection, driver and metadata, nothing of a unit of work, and forking one per
 * request took 2 to 4% of the API's busy CPU on a feed page or a search (test/bench/RESULTS.md).
 */
export const processReads = (orm: Orm): EntityManager => orm.em as EntityManager;

/** Rows of a read-only statement of a hot path (a feed page), as a prepared statement (see sendRead). */
export function readRows<T extends object>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  return sendRead<T>(em, sql, params, true);
}

/**
 * Rows of a search: an unnamed statement with bound parameters, which PostgreSQL plans for these
 * words each time (a prepared one could fall back to a generic plan), sent as the SQL-alone side
 * of the P-search benchmark sends it, without the ORM's inlining of its many parameters.
 */
export function oneShotRows<T extends object>(em: EntityManager, query: Sql): Promise<T[]> {
  return sendRead<T>(em, query.text, query.params, false);
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
