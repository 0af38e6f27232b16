import { buildAdmin, buildContent, buildMember, buildView } from '../../../test/factories';
import { buildAttendance, buildMeeting, buildRegistration, buildSession } from '../../../test/live';
import { errorCode, startTestServer, type TestServer } from '../../../test/server';
import { ContentType } from '../../content/content.entity';
import { Role, type Member } from '../../identity/member.entity';
import { Lead } from './lead.entity';
import { refreshAllLeads } from './lead.service';
import { LiveSessionStatus } from '../sessions/live-session.entity';
import { MeetingStatus } from '../networking/meeting.entity';
import { SessionRegistration } from '../sessions/registration.entity';

const LEADS = `query($first: Int, $after: String, $partnerId: ID) {
  partnerLeads(first: $first, after: $after, partnerId: $partnerId) {
    edges { node { id partner { id } member { id email } contactEmail sources firstAt lastAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let server: TestServer;
let adminId: string;
beforeAll(async () => {
  server = await startTestServer();
  // After every session below: open connections end when their room finished, not now.
  server.clock.set('2026-04-01T00:00:00Z');
  adminId = (await buildAdmin(server.em())).id;
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const partner = () => buildMember(server.em(), { role: Role.PARTNER });
const members = (count: number) => Promise.all(Array.from({ length: count }, () => buildMember(server.em())));

/** A session of `partnerId`, 10:00–11:00 on 10 March 2026, whose room finished at 11:00. */
const endedSession = (partnerId: string, overrides: Parameters<typeof buildSession>[2] = {}) =>
  buildSession(server.em(), adminId, {
    partnerId,
    status: LiveSessionStatus.ENDED,
    startedAt: new Date('2026-03-10T10:00:00Z'),
    endedAt: new Date('2026-03-10T11:00:00Z'),
    ...overrides,
  });

const consenting = (session: { id: string }, member: Member) =>
  buildRegistration(server.em(), session, member, { shareContactWithPartner: true });

const meeting = (
  requester: Member,
  recipient: Member,
  status: MeetingStatus,
  respondedAt: string | null,
  sessionId: string | null = null,
) =>
  buildMeeting(server.em(), requester, recipient, {
    status,
    sessionId,
    createdAt: new Date('2026-03-10T11:30:00Z'),
    respondedAt: respondedAt ? new Date(respondedAt) : null,
  });

/** The leads liveSessionStats counts for the session. */
async function sessionLeads(sessionId: string): Promise<number> {
  const result = await server.gql(`query($id: ID!) { liveSessionStats(sessionId: $id) { leads } }`, { id: sessionId }, await as(adminId));
  return result.data!.liveSessionStats.leads;
}

async function leadsOf(viewerId: string, variables: Record<string, unknown> = {}) {
  const result = await server.gql(LEADS, { first: 100, ...variables }, await as(viewerId));
  expect(result.errors).toBeUndefined();
  return result.data!.partnerLeads.edges.map((edge: any) => edge.node);
}

describe('leads from attendance', () => {
  it('needs 5 minutes in the room, counting two tabs once, reconnect gaps not at all, open connections up to the room’s end', async () => {
    const p = await partner();
    const session = await endedSession(p.id);
    const [tabs5, tabs459, reconnect, openShort, openFive, nobodyConsented] = await members(6);
    for (const member of [tabs5, tabs459, reconnect, openShort, openFive]) await consenting(session, member);
    await buildRegistration(server.em(), session, nobodyConsented, { shareContactWithPartner: false });
    const em = server.em();
    // Two tabs 10:00–10:03 and 10:01–10:05: union 5:00 (a sum would be 7:00) → lead, dated at the first join.
    await buildAttendance(em, session, tabs5, '2026-03-10T10:00:00Z', '2026-03-10T10:03:00Z');
    await buildAttendance(em, session, tabs5, '2026-03-10T10:01:00Z', '2026-03-10T10:05:00Z');
    // Two tabs 10:00–10:03 and 10:01–10:04:59: union 4:59 (a sum would be 6:59) → no lead.
    await buildAttendance(em, session, tabs459, '2026-03-10T10:00:00Z', '2026-03-10T10:03:00Z');
    await buildAttendance(em, session, tabs459, '2026-03-10T10:01:00Z', '2026-03-10T10:04:59Z');
    // A leave without its join is ignored (it would otherwise stretch the time).
    await em.execute(
      `insert into attendance_segment (id, session_id, member_id, participant_sid, joined_at, left_at) values (gen_random_uuid(), ?, ?, 'PA_lost', null, '2026-03-10T10:59:00Z')`,
      [session.id, tabs459.id],
    );
    // Reconnect: 10:00–10:02 and 10:30–10:32:59 = 4:59; the 28-minute gap is not attendance → no lead.
    await buildAttendance(em, session, reconnect, '2026-03-10T10:00:00Z', '2026-03-10T10:02:00Z');
    await buildAttendance(em, session, reconnect, '2026-03-10T10:30:00Z', '2026-03-10T10:32:59Z');
    // Never seen leaving: the connection ends at ended_at (11:00), not at the clock (April): 4:59 and 5:00.
    await buildAttendance(em, session, openShort, '2026-03-10T10:55:01Z', null);
    await buildAttendance(em, session, openFive, '2026-03-10T10:55:00Z', null);
    // Without consent a whole hour makes no lead.
    await buildAttendance(em, session, nobodyConsented, '2026-03-10T10:00:00Z', '2026-03-10T11:00:00Z');

    const leads = await leadsOf(p.id);
    expect(
      leads.map((lead: any) => ({ member: lead.member.id, sources: lead.sources, firstAt: lead.firstAt, lastAt: lead.lastAt })),
    ).toEqual([
      { member: openFive.id, sources: ['ATTENDED'], firstAt: '2026-03-10T10:55:00.000Z', lastAt: '2026-03-10T10:55:00.000Z' },
      { member: tabs5.id, sources: ['ATTENDED'], firstAt: '2026-03-10T10:00:00.000Z', lastAt: '2026-03-10T10:00:00.000Z' },
    ]);
    // The partner reads the contact through the lead; Member.email stays masked for them.
    expect(leads[1]).toMatchObject({ partner: { id: p.id }, member: { email: null }, contactEmail: tabs5.email });
  });
});

describe('consent', () => {
  it('gives no lead without consent, even after attending, watching the replay and meeting the partner', async () => {
    const p = await partner();
    const replay = await buildContent(server.em(), { type: ContentType.REPLAY, createdAt: new Date('2026-03-11T09:00:00Z') });
    const session = await endedSession(p.id, { replayId: replay.id });
    const [refuser, otherPartnersConsent] = await members(2);
    await buildRegistration(server.em(), session, refuser, { shareContactWithPartner: false });
    await buildAttendance(server.em(), session, refuser, '2026-03-10T10:00:00Z', '2026-03-10T11:00:00Z');
    await buildView(server.em(), refuser, replay, '2026-03-12T09:00:00Z');
    await meeting(refuser, p, MeetingStatus.ACCEPTED, '2026-03-12T10:00:00Z');
    // Consent given to another partner is not consent for this one.
    const elsewhere = await endedSession((await partner()).id);
    await consenting(elsewhere, otherPartnersConsent);
    await buildRegistration(server.em(), session, otherPartnersConsent, { shareContactWithPartner: false });
    await meeting(p, otherPartnersConsent, MeetingStatus.ACCEPTED, '2026-03-12T11:00:00Z');

    expect(await leadsOf(p.id)).toEqual([]);
    expect(await server.em().count(Lead, { partnerId: p.id })).toBe(0);
  });

  it('removes a lead once its consent is withdrawn or its registration cancelled', async () => {
    const p = await partner();
    const session = await endedSession(p.id);
    const [withdraws, cancels] = await members(2);
    const registrations = [await consenting(session, withdraws), await consenting(session, cancels)];
    for (const member of [withdraws, cancels])
      await buildAttendance(server.em(), session, member, '2026-03-10T10:00:00Z', '2026-03-10T10:20:00Z');
    expect(await leadsOf(p.id)).toHaveLength(2);
    await server.em().nativeUpdate(SessionRegistration, { id: registrations[0].id }, { shareContactWithPartner: false });
    await server.em().nativeUpdate(SessionRegistration, { id: registrations[1].id }, { cancelledAt: new Date('2026-03-11T00:00:00Z') });
    expect(await leadsOf(p.id)).toEqual([]);
  });
});

describe('sources', () => {
  it('are what consent supports today: ATTENDED goes with the consent on the session attended, whatever other consent remains', async () => {
    // A lead kept every source it ever had while any consent to the partner remained: withdrawing
    // consent on the session attended left ATTENDED in partnerLeads, while liveSessionStats counted no lead there.
    const p = await partner();
    const replay = await buildContent(server.em(), { type: ContentType.REPLAY, createdAt: new Date('2026-03-11T09:00:00Z') });
    const attended = await endedSession(p.id);
    const replayed = await endedSession(p.id, { replayId: replay.id });
    const later = await endedSession(p.id, { startsAt: new Date('2026-03-24T10:00:00Z'), endedAt: new Date('2026-03-24T11:00:00Z') });
    const [ann] = await members(1);
    const onAttended = await consenting(attended, ann);
    const onReplayed = await consenting(replayed, ann);
    await buildAttendance(server.em(), attended, ann, '2026-03-10T10:00:00Z', '2026-03-10T10:30:00Z');
    await buildView(server.em(), ann, replay, '2026-03-12T09:00:00Z');
    const shown = async () =>
      (await leadsOf(p.id)).map((lead: any) => ({
        member: lead.member.id,
        sources: lead.sources,
        firstAt: lead.firstAt,
        lastAt: lead.lastAt,
      }));
    const counted = async () => [await sessionLeads(attended.id), await sessionLeads(replayed.id), await sessionLeads(later.id)];
    expect(await shown()).toEqual([
      { member: ann.id, sources: ['ATTENDED', 'REPLAY_VIEWED'], firstAt: '2026-03-10T10:00:00.000Z', lastAt: '2026-03-12T09:00:00.000Z' },
    ]);
    expect(await counted()).toEqual([1, 1, 0]);

    await server.em().nativeUpdate(SessionRegistration, { id: onAttended.id }, { shareContactWithPartner: false });
    expect(await shown()).toEqual([
      { member: ann.id, sources: ['REPLAY_VIEWED'], firstAt: '2026-03-12T09:00:00.000Z', lastAt: '2026-03-12T09:00:00.000Z' },
    ]);
    expect(await counted()).toEqual([0, 1, 0]);

    // Consent left only where she did nothing: no lead, though she still consents to the partner.
    await server.em().nativeUpdate(SessionRegistration, { id: onReplayed.id }, { shareContactWithPartner: false });
    await consenting(later, ann);
    expect(await shown()).toEqual([]);
    expect(await counted()).toEqual([0, 0, 0]);
  });
});

describe('a partner change', () => {
  const UPDATE = `mutation($input: UpdateLiveSessionInput!) { updateLiveSession(input: $input) { partner { id } } }`;
  const REGISTER = `mutation($id: ID!, $share: Boolean!) { registerForSession(sessionId: $id, shareContactWithPartner: $share) { shareContactWithPartner } }`;
  it('does not hand consent given to the previous partner to the new one: it is reset, and members may consent again', async () => {
    // Members who had consented while P was the partner appeared, with their email, in Q's leads.
    const [p, q] = [await partner(), await partner()];
    const session = await endedSession(p.id, { status: LiveSessionStatus.LIVE, endedAt: null, endsAt: new Date('2026-04-02T11:00:00Z') });
    const [ann, bob] = await members(2);
    await consenting(session, ann);
    await buildRegistration(server.em(), session, bob, { shareContactWithPartner: false });
    for (const member of [ann, bob]) await buildAttendance(server.em(), session, member, '2026-03-10T10:00:00Z', '2026-03-10T10:20:00Z');
    expect((await leadsOf(p.id)).map((lead: any) => lead.member.id)).toEqual([ann.id]);
    expect(await sessionLeads(session.id)).toBe(1);

    const moved = await server.gql(UPDATE, { input: { id: session.id, partnerId: q.id } }, await as(adminId));
    expect(moved.data!.updateLiveSession.partner).toEqual({ id: q.id });
    expect(await leadsOf(q.id)).toEqual([]);
    expect(await leadsOf(p.id)).toEqual([]);
    expect(await sessionLeads(session.id)).toBe(0);
    const consents = await server
      .em()
      .execute<{ share_contact_with_partner: boolean }[]>(
        'select share_contact_with_partner from session_registration where session_id = ?',
        [session.id],
      );
    expect(consents).toEqual([{ share_contact_with_partner: false }, { share_contact_with_partner: false }]);

    // Ann consents again, now to Q; naming Q again is no change and keeps it.
    expect((await server.gql(REGISTER, { id: session.id, share: true }, await as(ann.id))).data!.registerForSession).toEqual({
      shareContactWithPartner: true,
    });
    await server.gql(UPDATE, { input: { id: session.id, partnerId: q.id } }, await as(adminId));
    expect(await leadsOf(q.id)).toMatchObject([{ member: { id: ann.id }, contactEmail: ann.email, sources: ['ATTENDED'] }]);
    expect(await sessionLeads(session.id)).toBe(1);
  });
});

describe('leads from replays and meetings', () => {
  it('makes REPLAY_VIEWED and MEETING leads, merges sources into one lead per member, and pages by latest activity', async () => {
    const q = await partner();
    const replay = await buildContent(server.em(), { type: ContentType.REPLAY, createdAt: new Date('2026-03-11T09:00:00Z') });
    const first = await endedSession(q.id, { replayId: replay.id });
    const second = await endedSession(q.id, {
      startsAt: new Date('2026-03-17T10:00:00Z'),
      startedAt: null,
      endedAt: null,
      status: LiveSessionStatus.SCHEDULED,
    });
    const [viewer, attendee, metOnly, onlyAsked] = await members(4);
    // Replay: dated at the first view (12 March), a later view changes nothing.
    await consenting(first, viewer);
    await buildView(server.em(), viewer, replay, '2026-03-12T09:00:00Z');
    await buildView(server.em(), viewer, replay, '2026-03-13T09:00:00Z');
    // Attended 10 minutes from 10:00, later an accepted meeting (answered 15 March): one lead, two sources.
    await consenting(first, attendee);
    await buildAttendance(server.em(), first, attendee, '2026-03-10T10:00:00Z', '2026-03-10T10:10:00Z');
    // Consent on any of the partner's sessions covers a meeting with them (here asked by the member, at no session).
    await consenting(second, metOnly);
    await meeting(metOnly, q, MeetingStatus.ACCEPTED, '2026-03-20T14:00:00Z');
    // A meeting never accepted is no lead.
    await consenting(second, onlyAsked);
    await meeting(q, onlyAsked, MeetingStatus.REQUESTED, null);
    await meeting(onlyAsked, q, MeetingStatus.DECLINED, '2026-03-21T09:00:00Z');

    const before = await leadsOf(q.id);
    expect(before.find((lead: any) => lead.member.id === attendee.id)).toMatchObject({ sources: ['ATTENDED'] });
    await meeting(q, attendee, MeetingStatus.ACCEPTED, '2026-03-15T14:00:00Z', first.id);

    const page1 = await server.gql(LEADS, { first: 2 }, await as(q.id));
    expect(page1.data!.partnerLeads.edges.map((edge: any) => edge.node)).toMatchObject([
      { member: { id: metOnly.id }, sources: ['MEETING'], firstAt: '2026-03-20T14:00:00.000Z', lastAt: '2026-03-20T14:00:00.000Z' },
      {
        id: before.find((lead: any) => lead.member.id === attendee.id).id,
        member: { id: attendee.id },
        sources: ['ATTENDED', 'MEETING'],
        firstAt: '2026-03-10T10:00:00.000Z',
        lastAt: '2026-03-15T14:00:00.000Z',
      },
    ]);
    expect(page1.data!.partnerLeads.pageInfo.hasNextPage).toBe(true);
    const page2 = await server.gql(LEADS, { first: 2, after: page1.data!.partnerLeads.pageInfo.endCursor }, await as(q.id));
    expect(page2.data!.partnerLeads.edges.map((edge: any) => edge.node)).toMatchObject([
      { member: { id: viewer.id }, sources: ['REPLAY_VIEWED'], firstAt: '2026-03-12T09:00:00.000Z', lastAt: '2026-03-12T09:00:00.000Z' },
    ]);
    expect(page2.data!.partnerLeads.pageInfo.hasNextPage).toBe(false);
  });

  it('refreshAllLeads is idempotent: a second run changes nothing', async () => {
    const p = await partner();
    const session = await endedSession(p.id);
    const [member] = await members(1);
    await consenting(session, member);
    await buildAttendance(server.em(), session, member, '2026-03-10T10:00:00Z', '2026-03-10T10:30:00Z');
    const now = new Date('2026-04-01T00:00:00Z');
    expect((await refreshAllLeads(server.em(), now)).upserted).toBeGreaterThanOrEqual(1);
    expect(await refreshAllLeads(server.em(), now)).toEqual({ upserted: 0, removed: 0 });
    expect(await server.em().count(Lead, { partnerId: p.id, memberId: member.id })).toBe(1);
  });
});

describe('who reads leads', () => {
  it('gives a partner their own leads only, admins anyone’s, and other roles nothing', async () => {
    const [p, q] = [await partner(), await partner()];
    const [forP, forQ, plain] = await members(3);
    for (const [owner, member] of [
      [p, forP],
      [q, forQ],
    ] as const) {
      const session = await endedSession(owner.id);
      await consenting(session, member);
      await buildAttendance(server.em(), session, member, '2026-03-10T10:00:00Z', '2026-03-10T10:30:00Z');
    }
    expect((await leadsOf(p.id)).map((lead: any) => lead.member.id)).toEqual([forP.id]);
    expect(errorCode(await server.gql(LEADS, { partnerId: q.id }, await as(p.id)))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(LEADS, {}, await as(plain.id)))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(LEADS, {}))).toBe('UNAUTHENTICATED');

    const ofQ = await leadsOf(adminId, { partnerId: q.id });
    expect(ofQ).toMatchObject([{ partner: { id: q.id }, member: { id: forQ.id, email: forQ.email }, contactEmail: forQ.email }]);
    const all = (await leadsOf(adminId)).map((lead: any) => lead.member.id);
    expect(all).toEqual(expect.arrayContaining([forP.id, forQ.id]));
  });
});
