import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { sql, uuidArray } from '../../server/db/sql';
import { MemberRow } from './member.entity';
import { queryRows } from '../../server/db/read-query';

/** Identity's reads that bypass the ORM, each one statement built with the sql helper. */

/** Members by id as rows (the viewer, authors, senders), not entities: services load managed entities to change them. */
export async function membersByIds(em: EntityManager, ids: readonly string[]): Promise<MemberRow[]> {
  const query = sql`select * from member where id = any(${uuidArray(ids)}::uuid[])`;
  return (await queryRows(em, query)).map(readModel(em, MemberRow));
}
