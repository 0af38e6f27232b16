import { randomUUID } from 'node:crypto';
import { buildAdmin, buildContent, buildMember, buildView } from '../../../test/factories';
import { buildAttendance, buildMeeting, buildRegistration, buildSession } from '../../../test/live';
import { errorCode, startTestServer, type TestServer } from '../../../test/server';
import { ContentType } from '../../content/content.entity';
import { Role, type Member } from '../../identity/member.entity';
import { LiveSessionStatus } from './live-session.entity';
import { MeetingStatus } from '../networking/meeting.entity';

const STATS = `query($id: ID!) {
  liveSessionStats(sessionId: $id) {
    registrants attendees attendanceRate meanMinutesAttended peakConcurrent replayViews meetingsRequested meetingsAccepted leads
  }
}`;
const SUMMARY = `query($from: DateTime!, $to: DateTime!) {
  liveSessionsSummary(from: $from, to: $to) {
    sessions registrants attendees attendanceRate meanMinutesAttended replayViews meetingsRequested meetingsAccepted leads
  }
}`;

let server: TestServer;
let adminId: string;
beforeAll(async () => {
  server = await startTestServer();
  adminId = (await buildAdmin(server.em())).id;
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const members = (count: number) => Promise.all(Array.from({ length: count }, () => buildMember(server.em())));
const at = (day: string, time: string) => `${day}T${time}:00Z`;

/** A session 10:00–11:00 on `day` whose room finished at 11:00. */
const endedSession = (day: string, overrides: Parameters<typeof buildSession>[2] = {}) =>
  buildSession(server.em(), adminId, {
    startsAt: new Date(at(day, '10:00')),
    status: LiveSessionStatus.ENDED,
    startedAt: new Date(at(day, '10:00')),
    endedAt: new Date(at(day, '11:00')),
    ...overrides,
  });

async function register(session: { id: string }, consent: Member[], plain: Member[]) {
  for (const member of consent) await buildRegistration(server.em(), session, member, { shareContactWithPartner: true });
  for (const member of plain) await buildRegistration(server.em(), session, member, { shareContactWithPartner: false });
}

const meeting = (requester: Member, recipient: Member, status: MeetingStatus, sessionId: string | null) =>
  buildMeeting(server.em(), requester, recipient, {
    status,
    sessionId,
    respondedAt: status === MeetingStatus.REQUESTED ? null : new Date('2026-03-10T12:00:00Z'),
  });

describe('liveSessionStats', () => {
  it('counts registrants, attendees, minutes (union of connections), peak, replay views, meetings and leads exactly', async () => {
    server.clock.set('2026-04-01T00:00:00Z');
    const em = server.em();
    const [partner, otherPartner] = [await buildMember(em, { role: Role.PARTNER }), await buildMember(em, { role: Role.PARTNER })];
    const replay = await buildContent(em, { type: ContentType.REPLAY, createdAt: new Date('2026-03-11T09:00:00Z') });
    const day = '2026-03-10';
    const session = await endedSession(day, { partnerId: partner.id, replayId: replay.id });
    const [a, b, c, d, e, i, j, k, cancelled, speaker, outsider] = await members(11);
    await register(session, [a, c, d, i, j], [b, e, k]);
    await buildRegistration(em, session, cancelled, { shareContactWithPartner: true, cancelledAt: new Date('2026-03-09T00:00:00Z') });

    // a: two tabs 10:00–10:20 and 10:10–10:30 → 30 minutes (not 40).
    await buildAttendance(em, session, a, at(day, '10:00'), at(day, '10:20'));
    await buildAttendance(em, session, a, at(day, '10:10'), at(day, '10:30'));
    // b: 10:00–10:05, reconnects 10:15–10:20 → 10 minutes (the gap is not attendance).
    await buildAttendance(em, session, b, at(day, '10:00'), at(day, '10:05'));
    await buildAttendance(em, session, b, at(day, '10:15'), at(day, '10:20'));
    // c: never seen leaving, from 10:50 → ends when the room finished at 11:00: 10 minutes.
    await buildAttendance(em, session, c, at(day, '10:50'), null);
    // d: 10:17–10:21 → 4 minutes. At 10:17–10:20 a (two tabs), b and d are in: 3 members.
    await buildAttendance(em, session, d, at(day, '10:17'), at(day, '10:21'));
    // Not audience: a cancelled registration, a speaker who never registered.
    await buildAttendance(em, session, cancelled, at(day, '10:00'), at(day, '11:00'));
    await buildAttendance(em, session, speaker, at(day, '10:00'), at(day, '11:00'));

    // Replay views: d once, e twice, a member who never registered once → 4 views; another item's view does not count.
    await buildView(em, d, replay, '2026-03-12T09:00:00Z');
    await buildView(em, e, replay, '2026-03-12T09:00:00Z');
    await buildView(em, e, replay, '2026-03-13T09:00:00Z');
    await buildView(em, outsider, replay, '2026-03-13T10:00:00Z');
    await buildView(em, d, await buildContent(em), '2026-03-12T09:05:00Z');

    // Meetings at this session: 5 asked, 3 accepted; a meeting at no session is not counted.
    await meeting(a, b, MeetingStatus.REQUESTED, session.id);
    await meeting(b, c, MeetingStatus.ACCEPTED, session.id);
    await meeting(e, partner, MeetingStatus.DECLINED, session.id);
    await meeting(c, partner, MeetingStatus.ACCEPTED, session.id);
    await meeting(i, partner, MeetingStatus.ACCEPTED, session.id);
    await meeting(j, partner, MeetingStatus.ACCEPTED, null);

    const result = await server.gql(STATS, { id: session.id }, await as(adminId));
    expect(result.errors).toBeUndefined();
    expect(result.data!.liveSessionStats).toEqual({
      registrants: 8, // a b c d e i j k
      attendees: 4, // a b c d
      attendanceRate: 0.5,
      meanMinutesAttended: 13.5, // (30 + 10 + 10 + 4) / 4
      peakConcurrent: 3,
      replayViews: 4,
      meetingsRequested: 5,
      meetingsAccepted: 3,
      // Consenting: a (30 min), c (10 min), d (4 min, but watched the replay), i (accepted meeting at the session).
      // j's meeting was at no session; b and e did not consent.
      leads: 4,
    });

    // The session's partner reads it; another partner and plain members do not.
    expect((await server.gql(STATS, { id: session.id }, await as(partner.id))).data!.liveSessionStats.leads).toBe(4);
    expect(errorCode(await server.gql(STATS, { id: session.id }, await as(otherPartner.id)))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(STATS, { id: session.id }, await as(a.id)))).toBe('FORBIDDEN');
  });

  it('measures a room still open up to now', async () => {
    const day = '2027-02-01';
    const session = await buildSession(server.em(), adminId, {
      startsAt: new Date(at(day, '10:00')),
      status: LiveSessionStatus.LIVE,
      startedAt: new Date(at(day, '10:00')),
    });
    const [x, y] = await members(2);
    await register(session, [], [x, y]);
    await buildAttendance(server.em(), session, x, at(day, '10:10'), null);
    await buildAttendance(server.em(), session, y, at(day, '10:00'), at(day, '10:10'));
    server.clock.set(at(day, '10:30'));
    // x: 10:10–now (10:30) = 20, y: 10 → 15; they were never in together → peak 1.
    const live = await server.gql(STATS, { id: session.id }, await as(adminId));
    expect(live.data!.liveSessionStats).toMatchObject({
      registrants: 2,
      attendees: 2,
      attendanceRate: 1,
      meanMinutesAttended: 15,
      peakConcurrent: 1,
      leads: 0,
    });
    server.clock.set(at(day, '10:40'));
    expect((await server.gql(STATS, { id: session.id }, await as(adminId))).data!.liveSessionStats.meanMinutesAttended).toBe(20);
  });

  it('gives zeros for a session nobody registered for, and NOT_FOUND for an unknown one', async () => {
    const session = await endedSession('2027-03-01');
    expect((await server.gql(STATS, { id: session.id }, await as(adminId))).data!.liveSessionStats).toEqual({
      registrants: 0,
      attendees: 0,
      attendanceRate: 0,
      meanMinutesAttended: 0,
      peakConcurrent: 0,
      replayViews: 0,
      meetingsRequested: 0,
      meetingsAccepted: 0,
      leads: 0,
    });
    expect(errorCode(await server.gql(STATS, { id: randomUUID() }, await as(adminId)))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(STATS, { id: 'not-a-uuid' }, await as(adminId)))).toBe('NOT_FOUND');
  });
});

describe('liveSessionsSummary', () => {
  it('sums the sessions starting in [from, to), leaving out cancelled ones', async () => {
    server.clock.set('2041-07-01T00:00:00Z');
    const em = server.em();
    const partner = await buildMember(em, { role: Role.PARTNER });
    const replay = await buildContent(em, { type: ContentType.REPLAY, createdAt: new Date('2041-05-02T09:00:00Z') });
    const first = await endedSession('2041-05-01', { partnerId: partner.id, replayId: replay.id });
    const second = await endedSession('2041-05-02', { partnerId: partner.id });
    const cancelledSession = await buildSession(em, adminId, {
      startsAt: new Date('2041-05-03T10:00:00Z'),
      status: LiveSessionStatus.CANCELLED,
      cancelledAt: new Date('2041-04-01T00:00:00Z'),
    });
    // Starts exactly at `to`: outside.
    const later = await buildSession(em, adminId, { startsAt: new Date('2041-06-01T00:00:00Z') });
    const [a, b, c, d, e, f, g] = await members(7);
    await register(first, [a], [b]);
    await register(second, [a], [c, d]);
    await register(cancelledSession, [], [e, f]);
    await register(later, [], [g]);
    await buildAttendance(em, first, a, at('2041-05-01', '10:00'), at('2041-05-01', '10:30'));
    await buildAttendance(em, first, b, at('2041-05-01', '10:00'), at('2041-05-01', '10:06'));
    await buildAttendance(em, second, a, at('2041-05-02', '10:00'), at('2041-05-02', '10:12'));
    await buildAttendance(em, later, g, at('2041-06-01', '00:00'), at('2041-06-01', '00:50'));
    await buildView(em, b, replay, '2041-05-02T10:00:00Z');
    await buildView(em, c, replay, '2041-05-02T11:00:00Z');
    await meeting(a, b, MeetingStatus.ACCEPTED, first.id);
    await meeting(c, d, MeetingStatus.REQUESTED, second.id);
    await meeting(e, f, MeetingStatus.ACCEPTED, cancelledSession.id);

    const window = { from: '2041-05-01T00:00:00Z', to: '2041-06-01T00:00:00Z' };
    const result = await server.gql(SUMMARY, window, await as(adminId));
    expect(result.errors).toBeUndefined();
    expect(result.data!.liveSessionsSummary).toEqual({
      sessions: 2,
      registrants: 5, // a b | a c d
      attendees: 3, // a b | a
      attendanceRate: 0.6,
      meanMinutesAttended: 16, // (30 + 6 + 12) / 3
      replayViews: 2,
      meetingsRequested: 2,
      meetingsAccepted: 1,
      leads: 1, // a attended both sessions of the same partner: one lead
    });

    expect(errorCode(await server.gql(SUMMARY, { from: window.to, to: window.from }, await as(adminId)))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(SUMMARY, { from: window.from, to: window.from }, await as(adminId)))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(SUMMARY, window, await as(partner.id)))).toBe('FORBIDDEN');
  });
});
