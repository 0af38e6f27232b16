import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, uuidArray } from '../../server/db/sql';
import { queryRows } from '../../server/db/read-query';

/** The tracking domain's reads that bypass the ORM, each one statement built with the sql helper. */

/** An item's publication status, as tracking checks it before recording views of it. */
export interface ContentStatusRow {
  id: string;
  status: string;
}

/** The status of each item that exists among `ids` (well-formed UUIDs): one statement for a batch of views. */
export function contentStatuses(em: EntityManager, ids: readonly string[]): Promise<ContentStatusRow[]> {
  const query = sql`select id, status from content where id = any(${uuidArray(ids)}::uuid[])`;
  return queryRows<ContentStatusRow>(em, query);
}
