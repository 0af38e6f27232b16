import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../../server/db/read-model';
import { EMPTY_SQL, sql, type Sql } from '../../../server/db/sql';
import { decodeKeyset } from '../../../server/pagination';
import { inPairOrder, pairsOf, type PairRow } from '../../../server/viewer-loader';
import { ThemeRow } from '../../content/theme.entity';
import { MemberRow } from '../../identity/member.entity';
import { meetingVisibleTo } from '../../moderation/visibility';
import { MeetingRow, type MeetingStatus } from './meeting.entity';
import { PEER_WEIGHTS } from './networking.types';
import { queryRows } from '../../../server/db/read-query';

/** Networking's reads that bypass the ORM (meetings, suggested peers), each one statement built with the sql helper. */

const rows = queryRows;

/** What stands between two members before one asks the other for a meeting. */
export interface PairState {
  blocked: boolean;
  pending_id: string | null;
  pending_requester_id: string | null;
}

/** The meeting if `memberId` is one of its two members and moderation does not hide it from them at `now` (meetingVisibleTo). */
export async function memberMeeting(em: EntityManager, memberId: string, id: string, now: Date): Promise<MeetingRow | null> {
  const [row] = await rows(
    em,
    sql`select * from meeting
         where id = ${id} and (requester_id = ${memberId} or recipient_id = ${memberId}) and ${meetingVisibleTo('meeting', memberId, now)}`,
  );
  return row ? readModel(em, MeetingRow)(row) : null;
}

/**
 * Meetings `memberId` asked for or was asked to and may see at `now` (meetingVisibleTo), newest
 * request first after the keyset cursor (up to `first + 1`), and their total.
 */
export async function meetingPage(
  em: EntityManager,
  memberId: string,
  first: number,
  after: string | null | undefined,
  status: MeetingStatus | null | undefined,
  now: Date,
) {
  const cursor = decodeKeyset(after);
  const mine = sql`(requester_id = ${memberId} or recipient_id = ${memberId}) and ${meetingVisibleTo('meeting', memberId, now)}
                   ${status ? sql`and status = ${status}` : EMPTY_SQL}`;
  const page = await rows(
    em,
    sql`select * from meeting
        where ${mine}
          ${cursor ? sql`and (created_at, id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : EMPTY_SQL}
        order by created_at desc, id desc
        limit ${first + 1}`,
  );
  return {
    items: page.map(readModel(em, MeetingRow)),
    totalCount: async () => (await rows<{ count: number }>(em, sql`select count(*)::int as count from meeting where ${mine}`))[0].count,
  };
}

/** Whether `sessionId` names a session. */
export async function sessionExists(em: EntityManager, sessionId: string): Promise<boolean> {
  return (await rows(em, sql`select 1 from live_session where id = ${sessionId}`)).length > 0;
}

/**
 * Blocks either way, and the pair's open request either way (the viewer's first) that the viewer
 * may see at `now` (meetingVisibleTo): the other member's request, hidden while they are suspended,
 * must not stop the viewer asking them (a suspended member can still be written to) nor be named.
 */
export async function pairState(em: EntityManager, viewerId: string, memberId: string, now: Date): Promise<PairState> {
  const [state] = await rows<PairState>(
    em,
    sql`select exists (select 1 from member_block
                       where (blocker_id = ${viewerId} and blocked_id = ${memberId}) or (blocker_id = ${memberId} and blocked_id = ${viewerId})) as blocked,
              open.id as pending_id, open.requester_id as pending_requester_id
         from (values (1)) as one
         left join lateral (select id, requester_id from meeting
                             where status = 'REQUESTED'
                               and ((requester_id = ${viewerId} and recipient_id = ${memberId}) or (requester_id = ${memberId} and recipient_id = ${viewerId}))
                               and ${meetingVisibleTo('meeting', viewerId, now)}
                             order by requester_id = ${viewerId} desc limit 1) open on true`,
  );
  return state;
}

/** What a meeting's notification says: the requester's message and the session where they met. */
export interface MeetingNotice {
  message: string | null;
  session_id: string | null;
}

export async function meetingNotice(em: EntityManager, meetingId: string): Promise<MeetingNotice | null> {
  const [meeting] = await rows<MeetingNotice>(em, sql`select message, session_id from meeting where id = ${meetingId}`);
  return meeting ?? null;
}

/** For each (viewer, id) pair, the meeting if the viewer is one of its two members (null otherwise), in the pairs' order. */
export async function viewerMeetings(em: EntityManager, viewerIds: string[], ids: string[]): Promise<(MeetingRow | null)[]> {
  const found = await rows<PairRow>(
    em,
    sql`select k.viewer_id, k.id as key_id, mt.* from ${pairsOf(viewerIds, ids)}
          join meeting mt on mt.id = k.id and (mt.requester_id = k.viewer_id or mt.recipient_id = k.viewer_id)`,
  );
  return inPairOrder(viewerIds, ids, found, readModel(em, MeetingRow), null);
}

/** A member to meet, what they share with the viewer, and how much it weighs (PEER_WEIGHTS). */
export interface PeerSuggestion {
  member: MemberRow;
  score: number;
  sameSession: boolean;
  sharedThemes: ThemeRow[];
}

/**
 * One statement: every signal a member shares with the viewer becomes a weighted row, summed per
 * member. Self, members blocked either way and members sharing nothing never appear (they have no
 * row, or are filtered out). Ties break on member id, so the order is stable between calls.
 */
function suggestedPeersSql(viewerId: string, sessionId: string | null, first: number): Sql {
  return sql`
with viewer_viewed as (
  select distinct ct.theme_id from content_view cv join content_theme ct on ct.content_id = cv.content_id where cv.member_id = ${viewerId}
),
signals as (
  select mi.member_id, mi.theme_id, ${PEER_WEIGHTS.sharedInterest}::int as weight
    from member_interest mi join member_interest mine on mine.theme_id = mi.theme_id and mine.member_id = ${viewerId}
  union all
  select distinct cv.member_id, ct.theme_id, ${PEER_WEIGHTS.sharedViewedTheme}::int
    from content_view cv join content_theme ct on ct.content_id = cv.content_id join viewer_viewed vv on vv.theme_id = ct.theme_id
  union all
  select r.member_id, null, ${PEER_WEIGHTS.sameSession}::int
    from session_registration r
   where r.session_id = ${sessionId}::uuid and r.cancelled_at is null
     and exists (select 1 from session_registration mine
                  where mine.session_id = r.session_id and mine.member_id = ${viewerId} and mine.cancelled_at is null)
),
peers as (
  select s.member_id, sum(s.weight)::int as score, bool_or(s.theme_id is null) as same_session,
         array_agg(distinct s.theme_id) filter (where s.theme_id is not null) as theme_ids
    from signals s
   where s.member_id <> ${viewerId}
     and not exists (select 1 from member_block b
                      where (b.blocker_id = ${viewerId} and b.blocked_id = s.member_id)
                         or (b.blocker_id = s.member_id and b.blocked_id = ${viewerId}))
   group by s.member_id
   order by score desc, s.member_id
   limit ${first}
)
select m.*, p.score as peer_score, p.same_session as peer_same_session,
       coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'slug', t.slug, 'name', t.name, 'created_at', t.created_at) order by t.name, t.id)
                   from theme t where t.id = any(p.theme_ids)), '[]'::jsonb) as peer_themes
  from peers p join member m on m.id = p.member_id
 order by p.score desc, p.member_id`;
}

type PeerRow = Record<string, unknown> & { peer_score: number; peer_same_session: boolean; peer_themes: Record<string, unknown>[] };

/** At most `first` members ranked by what they share with the viewer, best first. */
export async function suggestedPeers(
  em: EntityManager,
  viewerId: string,
  sessionId: string | null,
  first: number,
): Promise<PeerSuggestion[]> {
  const found = await rows<PeerRow>(em, suggestedPeersSql(viewerId, sessionId, first));
  const toMember = readModel(em, MemberRow);
  const toTheme = readModel(em, ThemeRow);
  return found.map((row) => ({
    member: toMember(row),
    score: row.peer_score,
    sameSession: row.peer_same_session,
    sharedThemes: row.peer_themes.map(toTheme),
  }));
}
