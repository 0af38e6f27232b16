import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, uuidArray } from '../../server/db/sql';
import { queryRows } from '../../server/db/read-query';
import { visibleToOthers } from '../moderation/visibility';

/** The tracking domain's reads that bypass the ORM, each one statement built with the sql helper. */

/** What tracking checks of an item before recording views of it. */
export interface ContentStateRow {
  id: string;
  status: string;
  author_id: string;
  /** Neither hidden by moderation nor by a suspended author (schema/moderation/visibility.ts): every member may see it. */
  visible_to_others: boolean;
}

/**
 * The state of each item that exists among `ids` (well-formed UUIDs) at `now`: one statement for a
 * batch of views (the author's suspension is one primary-key probe of member per item).
 */
export function contentStates(em: EntityManager, ids: readonly string[], now: Date): Promise<ContentStateRow[]> {
  const query = sql`select c.id, c.status, c.author_id, ${visibleToOthers('c', 'author_id', now)} as visible_to_others
    from content c where c.id = any(${uuidArray(ids)}::uuid[])`;
  return queryRows<ContentStateRow>(em, query);
}
