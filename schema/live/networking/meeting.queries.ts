import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../../server/db/read-model';
import { EMPTY_SQL, sql, type Sql } from '../../../server/db/sql';
import { decodeKeyset } from '../../../server/pagination';
import { Meeting, type MeetingStatus } from './meeting.entity';

/** Meetings' reads that bypass the ORM, each one statement built with the sql helper. */

const rows = <T = Record<string, unknown>>(em: EntityManager, query: Sql) => em.execute<T[]>(query.text, [...query.params]);

/** What stands between two members before one asks the other for a meeting. */
export interface PairState {
  blocked: boolean;
  pending_id: string | null;
  pending_requester_id: string | null;
}

/** The meeting if `memberId` is one of its two members. */
export async function memberMeeting(em: EntityManager, memberId: string, id: string): Promise<Meeting | null> {
  const [row] = await rows(em, sql`select * from meeting where id = ${id} and (requester_id = ${memberId} or recipient_id = ${memberId})`);
  return row ? readModel(em, Meeting)(row) : null;
}

/** Meetings `memberId` asked for or was asked to, newest request first after the keyset cursor (up to `first + 1`), and their total. */
export async function meetingPage(
  em: EntityManager,
  memberId: string,
  first: number,
  after: string | null | undefined,
  status: MeetingStatus | null | undefined,
) {
  const cursor = decodeKeyset(after);
  const mine = sql`(requester_id = ${memberId} or recipient_id = ${memberId}) ${status ? sql`and status = ${status}` : EMPTY_SQL}`;
  const page = await rows(
    em,
    sql`select * from meeting
        where ${mine}
          ${cursor ? sql`and (created_at, id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : EMPTY_SQL}
        order by created_at desc, id desc
        limit ${first + 1}`,
  );
  return {
    items: page.map(readModel(em, Meeting)),
    totalCount: async () => (await rows<{ count: number }>(em, sql`select count(*)::int as count from meeting where ${mine}`))[0].count,
  };
}

export async function sessionExists(em: EntityManager, sessionId: string): Promise<boolean> {
  return (await rows(em, sql`select 1 from live_session where id = ${sessionId}`)).length > 0;
}

/** Blocks either way, and the pair's open request either way (the viewer's first). */
export async function pairState(em: EntityManager, viewerId: string, memberId: string): Promise<PairState> {
  const [state] = await rows<PairState>(
    em,
    sql`select exists (select 1 from member_block
                       where (blocker_id = ${viewerId} and blocked_id = ${memberId}) or (blocker_id = ${memberId} and blocked_id = ${viewerId})) as blocked,
              open.id as pending_id, open.requester_id as pending_requester_id
         from (values (1)) as one
         left join lateral (select id, requester_id from meeting
                             where status = 'REQUESTED'
                               and ((requester_id = ${viewerId} and recipient_id = ${memberId}) or (requester_id = ${memberId} and recipient_id = ${viewerId}))
                             order by requester_id = ${viewerId} desc limit 1) open on true`,
  );
  return state;
}
