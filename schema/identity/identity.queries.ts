import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { sql, uuidArray } from '../../server/db/sql';
import { Member } from './member.entity';
import { queryRows } from '../../server/db/read-query';

/** Identity's reads that bypass the ORM, each one statement built with the sql helper. */

/** Read-only snapshots of members by id (the viewer, authors, senders): services load managed entities to change them. */
export async function membersByIds(em: EntityManager, ids: readonly string[]): Promise<Member[]> {
  const query = sql`select * from member where id = any(${uuidArray(ids)}::uuid[])`;
  return (await queryRows(em, query)).map(readModel(em, Member));
}
