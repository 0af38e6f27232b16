import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../../server/db/sql';
import { queryRows } from '../../server/db/read-query';

/** The public pages' reads that bypass the ORM, each one statement built with the sql helper. */

/** An entry of the public feed page. */
export interface FeedPageEntry {
  id: string;
  title: string;
  type: string;
  summary: string | null;
  published_at: Date;
}

/** The 20 newest published items. */
export function newestPublished(em: EntityManager): Promise<FeedPageEntry[]> {
  const query = sql`select id, title, type, summary, published_at from content where status = 'PUBLISHED' order by published_at desc, id desc limit 20`;
  return queryRows<FeedPageEntry>(em, query);
}
