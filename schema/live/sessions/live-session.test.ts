import { TokenVerifier } from 'livekit-server-sdk';
import { buildAdmin, buildMember, buildTheme } from '../../../test/factories';
import { buildRegistration, buildSession } from '../../../test/live';
import { errorCode, describeWithRedis, startTestServer, until, type TestServer } from '../../../test/server';
import { Role } from '../../identity/member.entity';
import { LiveSession, LiveSessionStatus } from './live-session.entity';

const SCHEDULE = `mutation($input: ScheduleLiveSessionInput!) {
  scheduleLiveSession(input: $input) { id title status capacity autoRecord startsAt endsAt themes { slug } speakers { id } partner { id } registrantCount }
}`;
const UPDATE = `mutation($input: UpdateLiveSessionInput!) { updateLiveSession(input: $input) { id startsAt capacity partner { id } } }`;
const REGISTER = `mutation($id: ID!, $share: Boolean!) {
  registerForSession(sessionId: $id, shareContactWithPartner: $share) {
    id shareContactWithPartner session { id registrantCount viewerRegistration { id shareContactWithPartner } }
  }
}`;
const UNREGISTER = `mutation($id: ID!) { cancelRegistration(sessionId: $id) { registrantCount viewerRegistration { id } } }`;
const JOIN = `mutation($id: ID!) { joinLiveSession(sessionId: $id) { serverUrl token roomName canPublish expiresAt } }`;
const CANCEL = `mutation($id: ID!) { cancelLiveSession(id: $id) { status cancelledAt } }`;
const SESSIONS = `query($status: LiveSessionStatus, $from: DateTime, $first: Int, $after: String) {
  liveSessions(status: $status, from: $from, first: $first, after: $after) { edges { node { id title } } pageInfo { hasNextPage endCursor } }
}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (member: { id: string }) => ({ token: await server.tokenFor(member.id) });
const verifier = () => new TokenVerifier(server.config.liveKit.apiKey, server.config.liveKit.apiSecret);

describe('scheduling sessions', () => {
  it('lets an admin schedule a session with themes, speakers and a partner', async () => {
    const admin = await buildAdmin(server.em());
    const [speaker, partner] = [
      await buildMember(server.em(), { role: Role.SPEAKER }),
      await buildMember(server.em(), { role: Role.PARTNER }),
    ];
    const theme = await buildTheme(server.em());
    const input = {
      title: ' Forecasting in practice ',
      themeSlugs: [theme.slug],
      startsAt: '2026-03-10T10:00:00.000Z',
      endsAt: '2026-03-10T11:00:00.000Z',
      capacity: 50,
      speakerIds: [speaker.id],
      partnerId: partner.id,
      autoRecord: true,
    };
    const result = await server.gql(SCHEDULE, { input }, await as(admin));
    expect(result.data!.scheduleLiveSession).toMatchObject({
      title: 'Forecasting in practice',
      status: 'SCHEDULED',
      capacity: 50,
      autoRecord: true,
      themes: [{ slug: theme.slug }],
      speakers: [{ id: speaker.id }],
      partner: { id: partner.id },
      registrantCount: 0,
    });
  });

  it('refuses a session that ends before it starts, an unknown speaker, a partner who is not a PARTNER, and non-admins', async () => {
    const admin = await buildAdmin(server.em());
    const member = await buildMember(server.em());
    const base = { title: 'x', startsAt: '2026-03-10T10:00:00Z', endsAt: '2026-03-10T11:00:00Z' };
    const backwards = await server.gql(SCHEDULE, { input: { ...base, endsAt: '2026-03-10T09:00:00Z' } }, await as(admin));
    expect(errorCode(backwards)).toBe('BAD_USER_INPUT');
    expect(backwards.errors![0].extensions!.fields).toEqual({ endsAt: 'must be after startsAt' });
    const unknown = await server.gql(
      SCHEDULE,
      { input: { ...base, speakerIds: ['00000000-0000-4000-8000-000000000000'] } },
      await as(admin),
    );
    expect(unknown.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { speakerIds: 'unknown member' } });
    const notPartner = await server.gql(SCHEDULE, { input: { ...base, partnerId: member.id } }, await as(admin));
    expect(notPartner.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { partnerId: 'must be a PARTNER' } });
    // An empty id is an unknown member too, not a database error.
    const empty = await server.gql(SCHEDULE, { input: { ...base, partnerId: '' } }, await as(admin));
    expect(empty.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { partnerId: 'unknown member' } });
    expect(errorCode(await server.gql(SCHEDULE, { input: base }, await as(member)))).toBe('FORBIDDEN');
  });

  it('refuses a session that would be over before it is scheduled, and a move into the past', async () => {
    // A wrong year typed by an admin made a SCHEDULED session of 2020: listed first among the
    // upcoming ones, open to registrations and reminders, and never started.
    const admin = await buildAdmin(server.em());
    const now = server.clock.now().getTime();
    const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
    const past = await server.gql(SCHEDULE, { input: { title: 'Typo', startsAt: at(-120), endsAt: at(-60) } }, await as(admin));
    expect(past.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { endsAt: 'must be in the future' } });
    // One already under way (started a few minutes ago, ends later) is a session an admin opens now.
    const underWay = await server.gql(SCHEDULE, { input: { title: 'Now', startsAt: at(-5), endsAt: at(55) } }, await as(admin));
    expect(underWay.data!.scheduleLiveSession.title).toBe('Now');
    const session = await buildSession(server.em(), admin.id);
    const moved = await server.gql(UPDATE, { input: { id: session.id, startsAt: at(-120), endsAt: at(-60) } }, await as(admin));
    expect(moved.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { endsAt: 'must be in the future' } });
    // A mistyped year the other way (9999, 2062 for 2026) is refused too: two years ahead at most.
    const days = (n: number) => at(n * 24 * 60);
    const farOff = await server.gql(
      SCHEDULE,
      { input: { title: 'Typo', startsAt: '9999-12-31T22:00:00Z', endsAt: '9999-12-31T23:00:00Z' } },
      await as(admin),
    );
    expect(farOff.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { startsAt: 'must be within 730 days' } });
    const movedFar = await server.gql(UPDATE, { input: { id: session.id, startsAt: days(731), endsAt: days(731.01) } }, await as(admin));
    expect(movedFar.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { startsAt: 'must be within 730 days' } });
    const inTwoYears = await server.gql(
      SCHEDULE,
      { input: { title: 'Planned', startsAt: days(729), endsAt: days(729.01) } },
      await as(admin),
    );
    expect(inTwoYears.errors).toBeUndefined();
  });

  it('moves a session and refuses a capacity below the registrants', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    for (let i = 0; i < 3; i++) await buildRegistration(server.em(), session, await buildMember(server.em()));
    const moved = await server.gql(
      UPDATE,
      { input: { id: session.id, startsAt: '2026-03-11T10:00:00Z', endsAt: '2026-03-11T11:00:00Z' } },
      await as(admin),
    );
    expect(moved.data!.updateLiveSession.startsAt).toBe('2026-03-11T10:00:00.000Z');
    const tooSmall = await server.gql(UPDATE, { input: { id: session.id, capacity: 2 } }, await as(admin));
    expect(tooSmall.errors![0].extensions).toMatchObject({ code: 'CONFLICT', fields: { capacity: 'must be at least 3' } });
    const unlimited = await server.gql(UPDATE, { input: { id: session.id, capacity: null } }, await as(admin));
    expect(unlimited.data!.updateLiveSession.capacity).toBeNull();
  });

  it('never leaves more registrants than seats when the capacity is lowered while a member registers', async () => {
    // Lowering counted the registrations without the lock registering takes: both could win.
    const admin = await buildAdmin(server.em());
    for (let attempt = 0; attempt < 20; attempt++) {
      const session = await buildSession(server.em(), admin.id, { capacity: 5 });
      await buildRegistration(server.em(), session, await buildMember(server.em()));
      const late = await buildMember(server.em());
      const [lowered, registered] = await Promise.all([
        server.gql(UPDATE, { input: { id: session.id, capacity: 1 } }, await as(admin)),
        server.gql(REGISTER, { id: session.id, share: false }, await as(late)),
      ]);
      // One of the two wins; the other is told why it lost.
      expect([errorCode(lowered), errorCode(registered)].filter(Boolean)).toEqual(['CONFLICT']);
      const [{ capacity, registrants }] = await server.em().execute<{ capacity: number; registrants: number }[]>(
        `select capacity, (select count(*)::int from session_registration where session_id = s.id and cancelled_at is null) as registrants
             from live_session s where id = ?`,
        [session.id],
      );
      expect(registrants).toBeLessThanOrEqual(capacity);
    }
  });

  it('changes only the fields given: a rename keeps speakers, themes, partner and description', async () => {
    const admin = await buildAdmin(server.em());
    const [speaker, partner, theme] = [
      await buildMember(server.em()),
      await buildMember(server.em(), { role: Role.PARTNER }),
      await buildTheme(server.em()),
    ];
    const input = {
      title: 'Before',
      description: 'About it',
      startsAt: '2026-04-01T10:00:00Z',
      endsAt: '2026-04-01T11:00:00Z',
      capacity: 50,
      speakerIds: [speaker.id],
      partnerId: partner.id,
      themeSlugs: [theme.slug],
      autoRecord: true,
    };
    const id = (await server.gql(SCHEDULE, { input }, await as(admin))).data!.scheduleLiveSession.id;
    const FULL = `mutation($input: UpdateLiveSessionInput!) {
      updateLiveSession(input: $input) { title description capacity autoRecord startsAt speakers { id } partner { id } themes { slug } }
    }`;
    const renamed = await server.gql(FULL, { input: { id, title: 'After' } }, await as(admin));
    expect(renamed.data!.updateLiveSession).toEqual({
      title: 'After',
      description: 'About it',
      capacity: 50,
      autoRecord: true,
      startsAt: '2026-04-01T10:00:00.000Z',
      speakers: [{ id: speaker.id }],
      partner: { id: partner.id },
      themes: [{ slug: theme.slug }],
    });
    const cleared = await server.gql(FULL, { input: { id, description: null, themeSlugs: null, partnerId: null } }, await as(admin));
    expect(cleared.data!.updateLiveSession).toMatchObject({
      title: 'After',
      description: '',
      themes: [],
      partner: null,
      speakers: [{ id: speaker.id }],
    });
    const refused = await server.gql(FULL, { input: { id, startsAt: null, autoRecord: null } }, await as(admin));
    expect(refused.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { startsAt: 'cannot be null', autoRecord: 'cannot be null' },
    });
  });

  it('cancels a session, notifies its registrants, and then refuses changes and registrations', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    await buildRegistration(server.em(), session, ann);
    await buildRegistration(server.em(), session, bob, { cancelledAt: new Date('2026-03-02T00:00:00Z') });
    const cancelled = await server.gql(CANCEL, { id: session.id }, await as(admin));
    expect(cancelled.data!.cancelLiveSession.status).toBe('CANCELLED');
    await server.hearth.deps.events.idle();
    const notified = await server
      .em()
      .execute<{ recipient_id: string; kind: string; subject_id: string }[]>(
        'select recipient_id, kind, subject_id from notification where subject_id = ?',
        [session.id],
      );
    expect(notified).toEqual([{ recipient_id: ann.id, kind: 'SESSION_CANCELLED', subject_id: session.id }]);
    expect(errorCode(await server.gql(UPDATE, { input: { id: session.id, title: 'again' } }, await as(admin)))).toBe('CONFLICT');
    expect(errorCode(await server.gql(REGISTER, { id: session.id, share: false }, await as(bob)))).toBe('CONFLICT');
  });

  it('lists sessions soonest first with a status filter and keyset pages', async () => {
    const admin = await buildAdmin(server.em());
    const title = `agenda-${Date.now()}`;
    const starts = ['2031-05-03T10:00:00Z', '2031-05-01T10:00:00Z', '2031-05-02T10:00:00Z'];
    for (const [i, at] of starts.entries())
      await buildSession(server.em(), admin.id, {
        title: `${title}-${i}`,
        startsAt: new Date(at),
        endsAt: new Date(new Date(at).getTime() + 3_600_000),
      });
    const page1 = await server.gql(SESSIONS, { status: 'SCHEDULED', from: '2031-01-01T00:00:00Z', first: 2 }, await as(admin));
    const page2 = await server.gql(
      SESSIONS,
      { status: 'SCHEDULED', from: '2031-01-01T00:00:00Z', first: 2, after: page1.data!.liveSessions.pageInfo.endCursor },
      await as(admin),
    );
    const titles = [...page1.data!.liveSessions.edges, ...page2.data!.liveSessions.edges].map((edge: any) => edge.node.title);
    expect(titles).toEqual([`${title}-1`, `${title}-2`, `${title}-0`]);
    expect(page2.data!.liveSessions.pageInfo.hasNextPage).toBe(false);
  });
});

describe('registration', () => {
  it('is idempotent, records consent, and frees the seat on cancel', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id, { capacity: 1 });
    const ann = await buildMember(server.em());
    const first = (await server.gql(REGISTER, { id: session.id, share: false }, await as(ann))).data!.registerForSession;
    expect(first).toEqual({
      id: expect.any(String),
      shareContactWithPartner: false,
      session: { id: session.id, registrantCount: 1, viewerRegistration: { id: first.id, shareContactWithPartner: false } },
    });
    const again = await server.gql(REGISTER, { id: session.id, share: true }, await as(ann));
    expect(again.data!.registerForSession).toMatchObject({ id: first.id, shareContactWithPartner: true, session: { registrantCount: 1 } });
    const cancelled = await server.gql(UNREGISTER, { id: session.id }, await as(ann));
    expect(cancelled.data!.cancelRegistration).toEqual({ registrantCount: 0, viewerRegistration: null });
  });

  it('gives the last seat once when many register at the same moment; the others get CONFLICT', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id, { capacity: 3 });
    const members = await Promise.all(Array.from({ length: 8 }, () => buildMember(server.em())));
    const results = await Promise.all(
      members.map(async (member) => server.gql(REGISTER, { id: session.id, share: false }, await as(member))),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(3);
    expect(results.filter((result) => errorCode(result) === 'CONFLICT')).toHaveLength(5);
    const [{ count }] = await server
      .em()
      .execute('select count(*)::int as count from session_registration where session_id = ?', [session.id]);
    expect(count).toBe(3);
  });

  it('takes no registration, nor its cancellation, once a SCHEDULED session’s end has passed without it starting', async () => {
    const admin = await buildAdmin(server.em());
    const now = server.clock.now().getTime();
    const passed = await buildSession(server.em(), admin.id, {
      startsAt: new Date(now - 3 * 3_600_000),
      endsAt: new Date(now - 2 * 3_600_000),
    });
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    await buildRegistration(server.em(), passed, ann, { shareContactWithPartner: true });
    const refusal = { code: 'CONFLICT', status: 'SCHEDULED' };
    expect((await server.gql(REGISTER, { id: passed.id, share: false }, await as(bob))).errors![0].extensions).toEqual(refusal);
    expect((await server.gql(UNREGISTER, { id: passed.id }, await as(ann))).errors![0].extensions).toEqual(refusal);
    // Consent stays revocable, as on an ENDED session.
    const withdrawn = await server.gql(REGISTER, { id: passed.id, share: false }, await as(ann));
    expect(withdrawn.data!.registerForSession.shareContactWithPartner).toBe(false);
    // A session whose end is still ahead takes registrations as before.
    const upcoming = await buildSession(server.em(), admin.id, {
      startsAt: new Date(now + 3_600_000),
      endsAt: new Date(now + 2 * 3_600_000),
    });
    expect((await server.gql(REGISTER, { id: upcoming.id, share: false }, await as(bob))).errors).toBeUndefined();
  });

  it('refuses cancelling a registration once the session is ENDED or CANCELLED, as registering again is refused', async () => {
    // A member who could leave an ended session took their attendance and consent out of its
    // figures for good (registrants, attendees, leads), with no way back in.
    const admin = await buildAdmin(server.em());
    const ended = await buildSession(server.em(), admin.id, { status: LiveSessionStatus.ENDED });
    const cancelled = await buildSession(server.em(), admin.id, { status: LiveSessionStatus.CANCELLED });
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    for (const session of [ended, cancelled]) await buildRegistration(server.em(), session, ann, { shareContactWithPartner: true });
    for (const [session, status] of [
      [ended, 'ENDED'],
      [cancelled, 'CANCELLED'],
    ] as const) {
      const refused = await server.gql(UNREGISTER, { id: session.id }, await as(ann));
      const registering = await server.gql(REGISTER, { id: session.id, share: true }, await as(ann));
      expect(refused.errors?.[0]).toMatchObject({ message: registering.errors![0].message, extensions: { code: 'CONFLICT', status } });
      expect(refused.errors![0].extensions).toEqual(registering.errors![0].extensions);
      // Whoever never registered is refused alike: the answer does not depend on the seat.
      expect((await server.gql(UNREGISTER, { id: session.id }, await as(bob))).errors![0].extensions).toEqual({ code: 'CONFLICT', status });
    }
    const seats = await server
      .em()
      .execute<{ cancelled_at: Date | null; share_contact_with_partner: boolean }[]>(
        'select cancelled_at, share_contact_with_partner from session_registration where member_id = ?',
        [ann.id],
      );
    expect(seats).toEqual([
      { cancelled_at: null, share_contact_with_partner: true },
      { cancelled_at: null, share_contact_with_partner: true },
    ]);
  });

  it('lets a registrant withdraw their consent after the session ended, and nothing else', async () => {
    // Once cancelling was refused on a closed session, nothing let a member take back the consent
    // that makes them a partner's lead.
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id, { status: LiveSessionStatus.ENDED });
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const seat = await buildRegistration(server.em(), session, ann, { shareContactWithPartner: true });
    const withdrawn = await server.gql(REGISTER, { id: session.id, share: false }, await as(ann));
    expect(withdrawn.data!.registerForSession).toEqual({
      id: seat.id,
      shareContactWithPartner: false,
      session: { id: session.id, registrantCount: 1, viewerRegistration: { id: seat.id, shareContactWithPartner: false } },
    });
    expect((await server.gql(REGISTER, { id: session.id, share: true }, await as(ann))).errors![0].extensions).toEqual({
      code: 'CONFLICT',
      status: 'ENDED',
    });
    expect((await server.gql(REGISTER, { id: session.id, share: false }, await as(bob))).errors![0].extensions).toEqual({
      code: 'CONFLICT',
      status: 'ENDED',
    });
    const [{ registrants }] = await server
      .em()
      .execute<{ registrants: number }[]>('select count(*)::int as registrants from session_registration where session_id = ?', [
        session.id,
      ]);
    expect(registrants).toBe(1);
  });

  it('answers NOT_FOUND for an unknown session', async () => {
    const ann = await buildMember(server.em());
    expect(errorCode(await server.gql(REGISTER, { id: '00000000-0000-4000-8000-000000000000', share: false }, await as(ann)))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await server.gql(REGISTER, { id: 'not-a-uuid', share: false }, await as(ann)))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(UNREGISTER, { id: '00000000-0000-4000-8000-000000000000' }, await as(ann)))).toBe('NOT_FOUND');
  });
});

describe('joinLiveSession', () => {
  async function setUp() {
    const admin = await buildAdmin(server.em());
    const speaker = await buildMember(server.em(), { role: Role.SPEAKER, displayName: 'Sam Speaker' });
    const session = await buildSession(server.em(), admin.id, {
      speakerIds: [speaker.id],
      startsAt: new Date('2026-03-10T10:00:00Z'),
      endsAt: new Date('2026-03-10T11:00:00Z'),
    });
    const attendee = await buildMember(server.em(), { displayName: 'Ann Attendee' });
    await buildRegistration(server.em(), session, attendee);
    return { admin, speaker, session, attendee };
  }

  it('gives a registrant a subscribe-only token for the session room, from 15 minutes before the start', async () => {
    const { session, attendee } = await setUp();
    server.clock.set('2026-03-10T09:45:00Z');
    const join = (await server.gql(JOIN, { id: session.id }, await as(attendee))).data!.joinLiveSession;
    expect(join).toMatchObject({ serverUrl: server.config.liveKit.url, roomName: `session-${session.id}`, canPublish: false });
    const claims = await verifier().verify(join.token);
    expect(claims.sub).toBe(attendee.id);
    expect(claims.name).toBe('Ann Attendee');
    expect(claims.video).toEqual({
      roomJoin: true,
      room: `session-${session.id}`,
      canSubscribe: true,
      canPublish: false,
      canPublishData: true,
      canPublishSources: [],
    });
    expect(new Date(join.expiresAt).getTime()).toBe(claims.exp! * 1000);
  });

  it('lets speakers and admins publish', async () => {
    const { admin, speaker, session } = await setUp();
    server.clock.set('2026-03-10T10:05:00Z');
    for (const host of [speaker, admin]) {
      const join = (await server.gql(JOIN, { id: session.id }, await as(host))).data!.joinLiveSession;
      expect(join.canPublish).toBe(true);
      const claims = await verifier().verify(join.token);
      expect(claims.video).toMatchObject({ room: `session-${session.id}`, canPublish: true, canSubscribe: true, canPublishData: true });
      expect(claims.video!.canPublishSources).toBeUndefined();
    }
  });

  it('refuses non-registrants, too-early attendees, ended and cancelled sessions', async () => {
    const { admin, session, attendee } = await setUp();
    const outsider = await buildMember(server.em());
    server.clock.set('2026-03-10T10:00:00Z');
    expect(errorCode(await server.gql(JOIN, { id: session.id }, await as(outsider)))).toBe('FORBIDDEN');
    server.clock.set('2026-03-10T09:44:59Z');
    const early = await server.gql(JOIN, { id: session.id }, await as(attendee));
    expect(early.errors![0].extensions).toEqual({ code: 'FORBIDDEN', opensAt: '2026-03-10T09:45:00.000Z' });
    server.clock.set('2026-03-10T11:00:00Z');
    expect(errorCode(await server.gql(JOIN, { id: session.id }, await as(attendee)))).toBe('FORBIDDEN');
    server.clock.set('2026-03-10T10:30:00Z');
    await server.gql(CANCEL, { id: session.id }, await as(admin));
    expect(errorCode(await server.gql(JOIN, { id: session.id }, await as(attendee)))).toBe('CONFLICT');
    expect(errorCode(await server.gql(JOIN, { id: session.id }))).toBe('UNAUTHENTICATED');
  });

  it('lets a registrant back into a LIVE room that overruns its end, with a token for the overrun', async () => {
    const { session, attendee } = await setUp();
    await server.em().nativeUpdate(LiveSession, { id: session.id }, { status: LiveSessionStatus.LIVE });
    server.clock.set('2026-03-10T11:20:00Z');
    const join = await server.gql(JOIN, { id: session.id }, await as(attendee));
    expect(join.errors).toBeUndefined();
    // Tokens are signed on the wall clock: 30 minutes from the join, the end being past.
    const minutesLeft = (new Date(join.data!.joinLiveSession.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(29.9);
    expect(minutesLeft).toBeLessThanOrEqual(30.1);
  });

  it('refuses a member whose registration was cancelled, at once though their roster was cached', async () => {
    const { session, attendee } = await setUp();
    server.clock.set('2026-03-10T10:00:00Z');
    expect((await server.gql(JOIN, { id: session.id }, await as(attendee))).errors).toBeUndefined();
    await server.gql(UNREGISTER, { id: session.id }, await as(attendee));
    expect(errorCode(await server.gql(JOIN, { id: session.id }, await as(attendee)))).toBe('FORBIDDEN');
  });
});

describeWithRedis('join rosters across two API instances sharing Redis', () => {
  it('refuses a join on instance A at once after the registration was cancelled on instance B', async () => {
    const other = await startTestServer({ databaseUrl: server.databaseUrl, clock: server.clock });
    try {
      const admin = await buildAdmin(server.em());
      const session = await buildSession(server.em(), admin.id, {
        startsAt: new Date('2026-03-10T10:00:00Z'),
        endsAt: new Date('2026-03-10T11:00:00Z'),
      });
      const ann = await buildMember(server.em());
      server.clock.set('2026-03-10T10:00:00Z');
      await other.gql(REGISTER, { id: session.id, share: false }, { token: await other.tokenFor(ann.id) });
      // A caches the roster with Ann in it.
      expect((await server.gql(JOIN, { id: session.id }, await as(ann))).data!.joinLiveSession.roomName).toBe(`session-${session.id}`);
      await other.gql(UNREGISTER, { id: session.id }, { token: await other.tokenFor(ann.id) });
      // The roster's 10 s lifetime runs on the test clock, which does not move: only the invalidation can do it.
      const joinCode = async () => errorCode(await server.gql(JOIN, { id: session.id }, await as(ann)));
      await until('A to drop the roster', async () => (await joinCode()) === 'FORBIDDEN', 10_000);
    } finally {
      await other.stop();
    }
  });
});
