import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../../server/db/read-model';
import { EMPTY_SQL, sql } from '../../../server/db/sql';
import { LeadRow } from './lead.entity';
import { queryRows } from '../../../server/db/read-query';

/** Leads' reads that bypass the ORM, each one statement built with the sql helper. */

/**
 * One partner's leads (every partner's with null), latest activity first after the keyset cursor
 * (lastAt, id), up to `limit`.
 */
export async function leadPage(
  em: EntityManager,
  partnerId: string | null,
  cursor: readonly [Date, string] | null,
  limit: number,
): Promise<LeadRow[]> {
  const query = sql`
      select l.* from lead l
      where (${partnerId}::uuid is null or l.partner_id = ${partnerId}::uuid)
        ${cursor ? sql`and (l.last_at, l.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : EMPTY_SQL}
      order by l.last_at desc, l.id desc
      limit ${limit}`;
  const rows = await queryRows(em, query);
  return rows.map(readModel(em, LeadRow));
}
