import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../../server/db/read-model';
import { rawSql, sql } from '../../../server/db/sql';
import type { chronologicalKeyset } from '../../../server/pagination';
import { SessionChatMessageRow } from './session-chat-message.entity';
import { queryRows } from '../../../server/db/read-query';

/** A session chat's reads that bypass the ORM, each one statement built with the sql helper. */

const rows = queryRows;

/** A page of a session's chat after or before the keyset's cursor (toChronologicalConnection orders it), and its total. */
export async function chatPage(em: EntityManager, sessionId: string, keyset: ReturnType<typeof chronologicalKeyset>) {
  const found = await rows(
    em,
    sql`select * from session_chat_message where session_id = ${sessionId} ${rawSql(keyset.condition, keyset.params)} order by ${rawSql(keyset.orderBy)} limit ${keyset.limit}`,
  );
  return {
    items: found.map(readModel(em, SessionChatMessageRow)),
    totalCount: async () =>
      (await rows<{ count: number }>(em, sql`select count(*)::int as count from session_chat_message where session_id = ${sessionId}`))[0]
        .count,
  };
}

/**
 * The message if it belongs to `sessionId` and `viewerId` takes part in the session now (an admin,
 * a speaker, or an active registrant), read afresh.
 */
export async function deliverableChatMessage(
  em: EntityManager,
  viewerId: string,
  messageId: string,
  sessionId: string,
): Promise<SessionChatMessageRow | null> {
  const [row] = await rows(
    em,
    sql`select m.* from session_chat_message m
        where m.id = ${messageId} and m.session_id = ${sessionId}
          and (exists (select 1 from member a where a.id = ${viewerId} and a.role = 'ADMIN')
            or exists (select 1 from live_session_speaker sp where sp.session_id = m.session_id and sp.member_id = ${viewerId})
            or exists (select 1 from session_registration r where r.session_id = m.session_id and r.member_id = ${viewerId} and r.cancelled_at is null))`,
  );
  return row ? readModel(em, SessionChatMessageRow)(row) : null;
}
