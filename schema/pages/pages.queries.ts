import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../../server/db/sql';
import { queryRows } from '../../server/db/read-query';
import { visibleToOthers } from '../moderation/visibility';

/** The public pages' reads that bypass the ORM, each one statement built with the sql helper. */

/** An entry of the public feed page. */
export interface FeedPageEntry {
  id: string;
  title: string;
  type: string;
  summary: string | null;
  published_at: Date;
}

/** The 20 newest published items anyone may read (moderation hides some from all but their author and moderators). */
export function newestPublished(em: EntityManager, now: Date): Promise<FeedPageEntry[]> {
  const query = sql`select c.id, c.title, c.type, c.summary, c.published_at from content c
    where c.status = 'PUBLISHED' and ${visibleToOthers('c', 'author_id', now)}
    order by c.published_at desc, c.id desc limit 20`;
  return queryRows<FeedPageEntry>(em, query);
}
