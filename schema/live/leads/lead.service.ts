import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../../server/context';
import { sql, type Sql } from '../../../server/db/sql';
import { badInput, forbidden } from '../../../server/errors';
import { decodeKeyset, toConnection, type ConnectionShape } from '../../../server/pagination';
import { Role, MemberRow } from '../../identity/member.entity';
import { attendanceCtes, LEAD_MIN_ATTENDED_SECONDS } from '../sessions/attendance.sql';
import { LeadSource, type Lead } from './lead.entity';
import { leadPage } from './leads.queries';

/**
 * THE CONSENT RULE. A member becomes a lead of a partner only through a registration that is
 * active (not cancelled) and says share_contact_with_partner = true, on one of that partner's
 * sessions. Without such a registration there is no lead, whatever the member did:
 *
 * - ATTENDED: consent on the session attended, and at least LEAD_MIN_ATTENDED_SECONDS in its room
 *   (the union of their connections); dated at their first join;
 * - REPLAY_VIEWED: consent on the session whose replay they viewed; dated at their first view;
 * - MEETING: an accepted meeting with the partner (either asked), and consent on any of the
 *   partner's sessions; dated when it was accepted.
 *
 * Consent is read as it stands when leads are refreshed, and a lead is what it supports today:
 * refreshing deletes the leads of pairs left with no evidence (registration cancelled or consent
 * withdrawn) and sets the others' sources and dates from their evidence alone, so a partner never
 * reads a member who does not consent today, nor a source whose consent is gone (ATTENDED stays
 * only while the session attended has consent, whatever consent remains elsewhere), and a lead
 * agrees with the leads liveSessionStats counts. Consent is to the partner the session had when it
 * was given: changing a session's partner resets its registrations' consent (LiveSessionService),
 * so it never counts for the new one. The partner registering for their own session is not their
 * own lead.
 *
 * Expects `scoped_sessions (id, ended_at, partner_id, replay_id)` and the attendance CTEs; defines
 * `consenting (session_id, partner_id, replay_id, member_id)` and
 * `lead_evidence (session_id, partner_id, member_id, source, at, meeting_session_id)`: one row per
 * consenting registration and reason, so session KPIs can count leads made through one session.
 */
export const LEAD_EVIDENCE_CTES: Sql = {
  params: [],
  text: `
consenting as (
  select s.id as session_id, s.partner_id, s.replay_id, r.member_id
  from scoped_sessions s
  join session_registration r on r.session_id = s.id
  where s.partner_id is not null and r.cancelled_at is null and r.share_contact_with_partner and r.member_id <> s.partner_id
),
lead_evidence as (
  select c.session_id, c.partner_id, c.member_id, '${LeadSource.ATTENDED}'::text as source, ma.first_joined_at as at, null::uuid as meeting_session_id
  from consenting c
  join member_attendance ma on ma.session_id = c.session_id and ma.member_id = c.member_id
  where ma.seconds >= ${LEAD_MIN_ATTENDED_SECONDS}
  union all
  select c.session_id, c.partner_id, c.member_id, '${LeadSource.REPLAY_VIEWED}', min(v.first_seen_at), null::uuid
  from consenting c
  join content_view v on v.content_id = c.replay_id and v.member_id = c.member_id
  group by c.session_id, c.partner_id, c.member_id
  union all
  select c.session_id, c.partner_id, c.member_id, '${LeadSource.MEETING}', coalesce(m.responded_at, m.created_at), m.session_id
  from consenting c
  join meeting m on m.status = 'ACCEPTED'
   and ((m.requester_id = c.partner_id and m.recipient_id = c.member_id) or (m.requester_id = c.member_id and m.recipient_id = c.partner_id))
)`,
};

/**
 * One statement: removes the leads left with no evidence, then upserts one lead per partner and
 * member from the evidence. An existing lead keeps its id and takes the evidence's sources,
 * firstAt and lastAt (never a union with what it had: a source whose consent is gone goes);
 * unchanged leads are not rewritten.
 */
function refreshSql(partnerId: string | null, now: Date): Sql {
  return sql`
with scoped_sessions as (
  select s.id, s.ended_at, s.partner_id, s.replay_id from live_session s
  where s.partner_id is not null and (${partnerId}::uuid is null or s.partner_id = ${partnerId}::uuid)
),
${attendanceCtes(now)},
${LEAD_EVIDENCE_CTES},
removed as (
  delete from lead l
  where (${partnerId}::uuid is null or l.partner_id = ${partnerId}::uuid)
    and not exists (select 1 from lead_evidence e where e.partner_id = l.partner_id and e.member_id = l.member_id)
  returning 1
),
upserted as (
  insert into lead (id, partner_id, member_id, sources, first_at, last_at)
  select gen_random_uuid(), e.partner_id, e.member_id, array_agg(distinct e.source order by e.source), min(e.at), max(e.at)
  from lead_evidence e
  group by e.partner_id, e.member_id
  on conflict (partner_id, member_id) do update set
    sources = excluded.sources,
    first_at = excluded.first_at,
    last_at = excluded.last_at
  where (lead.sources, lead.first_at, lead.last_at) is distinct from (excluded.sources, excluded.first_at, excluded.last_at)
  returning 1
)
select (select count(*) from upserted)::int as upserted, (select count(*) from removed)::int as removed`;
}

export interface LeadRefresh {
  /** Leads created or changed. */
  upserted: number;
  /** Leads deleted because no consented evidence is left for them. */
  removed: number;
}

/**
 * Brings the lead table up to date for one partner (or every partner with null). Idempotent:
 * running it twice changes nothing the second time. `now` ends connections still open in rooms
 * that have not finished.
 */
export async function refreshLeads(em: EntityManager, partnerId: string | null, now: Date): Promise<LeadRefresh> {
  const query = refreshSql(partnerId, now);
  const [row] = await em.execute<LeadRefresh[]>(query.text, [...query.params]);
  return { upserted: row.upserted, removed: row.removed };
}

/** For a recurring job or an event handler: every partner's leads. */
export const refreshAllLeads = (em: EntityManager, now: Date): Promise<LeadRefresh> => refreshLeads(em, null, now);

export interface PartnerLeadsQuery {
  first: number;
  after?: string | null;
  /** Admins only: one partner's leads; all partners' when absent. */
  partnerId?: string | null;
}

const leadKey = (lead: Lead) => [lead.lastAt.toISOString(), lead.id];

export type LeadServiceDeps = Pick<Context, 'clock' | 'em'>;

/** Leads as partners and admins read them. */
export class LeadService {
  constructor(private readonly ctx: LeadServiceDeps) {}

  /** A partner reads their own leads only; admins anyone's; other roles nothing. Latest activity first. */
  async partnerLeads(viewer: MemberRow, { first, after, partnerId }: PartnerLeadsQuery): Promise<ConnectionShape<Lead>> {
    const scope = this.scopeFor(viewer, partnerId ?? null);
    const cursor = decodeKeyset(after);
    if (cursor && Number.isNaN(new Date(cursor[0]).getTime()))
      throw badInput('The cursor is not valid; start again from the first page.', { after: 'invalid cursor' });
    await refreshLeads(this.ctx.em, scope, this.ctx.clock.now());
    const rows = await leadPage(this.ctx.em, scope, cursor ? [new Date(cursor[0]), String(cursor[1])] : null, first + 1);
    return toConnection(rows, first, leadKey, after);
  }

  /** Whose leads the viewer may read: a partner's own, any (or all, null) for admins. */
  private scopeFor(viewer: MemberRow, partnerId: string | null): string | null {
    if (viewer.role === Role.ADMIN) return partnerId;
    if (viewer.role !== Role.PARTNER) throw forbidden('Leads are for partners and admins.');
    if (partnerId && partnerId !== viewer.id) throw forbidden('A partner sees only their own leads.');
    return viewer.id;
  }
}
