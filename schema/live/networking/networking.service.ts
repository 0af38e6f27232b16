import { isUUID } from 'class-validator';
import type { Context } from '../../../server/context';
import { readModel } from '../../../server/db/read-model';
import { sql, type Sql } from '../../../server/db/sql';
import { Theme } from '../../content/theme.entity';
import { Member } from '../../identity/member.entity';
import { LiveErrors } from '../live.errors';
import type { SuggestedPeer, SuggestedPeersArgs } from './networking.types';

/**
 * How much each kind of overlap with the viewer weighs in a peer's score. A declared interest is a
 * deliberate statement, so it counts twice a theme merely read about; sharing a session is the
 * strongest single reason to meet now, so it outweighs one shared interest but not two.
 */
export const PEER_WEIGHTS = {
  /** Per theme both members declared interest in (member_interest). */
  sharedInterest: 2,
  /** Per theme both members viewed content filed under (content_view × content_theme). */
  sharedViewedTheme: 1,
  /** Once, when both hold an active (not cancelled) registration to the session asked about. */
  sameSession: 3,
} as const;

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

export type NetworkingServiceDeps = Pick<Context, 'em'>;

/** Who the viewer should meet: members ranked by what they have in common with them (PEER_WEIGHTS). */
export class NetworkingService {
  constructor(private readonly ctx: NetworkingServiceDeps) {}

  /** At most `first` peers, best first. A sessionId that names no session is NOT_FOUND. */
  async suggestedPeers(viewer: Member, { sessionId, first }: SuggestedPeersArgs): Promise<SuggestedPeer[]> {
    if (sessionId) await this.assertSessionExists(sessionId);
    const query = suggestedPeersSql(viewer.id, sessionId ?? null, first);
    const rows = await this.ctx.em.execute<PeerRow[]>(query.text, [...query.params]);
    const toMember = readModel(this.ctx.em, Member);
    const toTheme = readModel(this.ctx.em, Theme);
    return rows.map((row) => ({
      member: toMember(row),
      score: row.peer_score,
      sameSession: row.peer_same_session,
      sharedThemes: row.peer_themes.map(toTheme),
    }));
  }

  private async assertSessionExists(sessionId: string): Promise<void> {
    const rows = isUUID(sessionId) ? await this.ctx.em.execute('select 1 from live_session where id = ?', [sessionId]) : [];
    if (!rows.length) throw LiveErrors.sessionNotFound();
  }
}
