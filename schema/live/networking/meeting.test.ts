import { TokenVerifier } from 'livekit-server-sdk';
import { Role } from '../../identity/member.entity';
import { buildMember } from '../../../test/factories';
import { buildRegistration, buildSession } from '../../../test/live';
import { countQueries, errorCode, startTestServer, type TestServer } from '../../../test/server';
import { Meeting, MeetingStatus } from './meeting.entity';
import { MEETING_MESSAGE_MAX_LENGTH } from './meeting.inputs';

const FIELDS = `id status message proposedStart respondedAt viewerRole requester { id } recipient { id } session { id title }`;
const REQUEST = `mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) { ${FIELDS} } }`;
const RESPOND = `mutation($id: ID!, $accept: Boolean!) { respondToMeetingRequest(id: $id, accept: $accept) { ${FIELDS} } }`;
const JOIN = `mutation($id: ID!) { joinMeeting(id: $id) { serverUrl token roomName canPublish expiresAt } }`;
const MY_MEETINGS = `query($first: Int, $after: String, $status: MeetingStatus) {
  myMeetings(first: $first, after: $after, status: $status) { edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
const NOTIFICATIONS = `{ notifications { edges { node { kind contextId actor { id } subjectType subjectId subjectTitle subject { __typename ... on Meeting { id } } } } } }`;

/** The test clock starts on 2026-01-05T09:00Z: this is five days later. */
const PROPOSED_START = '2026-01-10T10:00:00.000Z';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const settled = () => server.hearth.deps.events.idle();
const members = (count: number) => Promise.all(Array.from({ length: count }, () => buildMember(server.em())));

async function request(fromId: string, input: Record<string, unknown>) {
  return server.gql(REQUEST, { input: { proposedStart: PROPOSED_START, ...input } }, await as(fromId));
}
async function requested(fromId: string, toId: string, input: Record<string, unknown> = {}): Promise<string> {
  const result = await request(fromId, { memberId: toId, ...input });
  expect(result.errors).toBeUndefined();
  return result.data!.requestMeeting.id;
}
async function respond(memberId: string, id: string, accept: boolean) {
  return server.gql(RESPOND, { id, accept }, await as(memberId));
}
async function notificationsOf(memberId: string) {
  await settled();
  return (await server.gql(NOTIFICATIONS, {}, await as(memberId))).data!.notifications.edges.map((edge: any) => edge.node);
}
const block = async (blockerId: string, blockedId: string) =>
  server.gql(`mutation($id: ID!) { blockMember(memberId: $id) { id } }`, { id: blockedId }, await as(blockerId));

describe('requestMeeting', () => {
  it('records the request and notifies the recipient (MEETING_REQUEST), not the requester', async () => {
    const [ann, bob] = await members(2);
    const session = await buildSession(server.em(), ann.id);
    const result = await request(ann.id, { memberId: bob.id, sessionId: session.id, message: '  Coffee after the talk?  ' });
    const meeting = result.data!.requestMeeting;
    expect(meeting).toMatchObject({
      status: 'REQUESTED',
      message: 'Coffee after the talk?',
      proposedStart: PROPOSED_START,
      respondedAt: null,
      viewerRole: 'REQUESTER',
      requester: { id: ann.id },
      recipient: { id: bob.id },
      session: { id: session.id, title: session.title },
    });
    expect(await notificationsOf(bob.id)).toEqual([
      {
        kind: 'MEETING_REQUEST',
        contextId: session.id,
        actor: { id: ann.id },
        subjectType: 'MEETING',
        subjectId: meeting.id,
        subjectTitle: 'Coffee after the talk?',
        subject: { __typename: 'Meeting', id: meeting.id },
      },
    ]);
    expect(await notificationsOf(ann.id)).toEqual([]);
    const asRecipient = await server.gql(
      `query($id: ID!) { meeting(id: $id) { viewerRole message } }`,
      { id: meeting.id },
      await as(bob.id),
    );
    expect(asRecipient.data!.meeting).toEqual({ viewerRole: 'RECIPIENT', message: 'Coffee after the talk?' });
  });

  it('stores a blank message as none and titles the notification with a label', async () => {
    const [ann, bob] = await members(2);
    const result = await request(ann.id, { memberId: bob.id, message: '   ' });
    expect(result.data!.requestMeeting).toMatchObject({ message: null, session: null });
    expect((await notificationsOf(bob.id))[0]).toMatchObject({ kind: 'MEETING_REQUEST', contextId: null, subjectTitle: 'Meeting request' });
  });

  it('refuses yourself, the past, more than a year ahead, and an over-long message with BAD_USER_INPUT', async () => {
    const [ann, bob] = await members(2);
    expect((await request(ann.id, { memberId: ann.id })).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { memberId: 'is you' },
    });
    const past = await request(ann.id, { memberId: bob.id, proposedStart: server.clock.now().toISOString() });
    expect(past.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { proposedStart: 'must be in the future' } });
    const farOff = await request(ann.id, { memberId: bob.id, proposedStart: '9999-12-31T23:59:59.999Z' });
    expect(farOff.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { proposedStart: 'must be within 365 days' } });
    const long = await request(ann.id, { memberId: bob.id, message: 'x'.repeat(MEETING_MESSAGE_MAX_LENGTH + 1) });
    expect(long.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { message: expect.stringMatching(/at most 1000/) },
    });
    expect(errorCode(await request(ann.id, { memberId: bob.id, proposedStart: 'not a date' }))).toBe('BAD_USER_INPUT');
    expect(await server.em().count(Meeting, { requesterId: ann.id })).toBe(0);
    const inAYear = new Date(server.clock.now().getTime() + 365 * 86_400_000).toISOString();
    expect((await request(ann.id, { memberId: bob.id, proposedStart: inAYear })).errors).toBeUndefined();
  });

  it('answers NOT_FOUND for an unknown member or session', async () => {
    const [ann, bob] = await members(2);
    expect(errorCode(await request(ann.id, { memberId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(errorCode(await request(ann.id, { memberId: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect(errorCode(await request(ann.id, { memberId: bob.id, sessionId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(errorCode(await request(ann.id, { memberId: bob.id, sessionId: 'nope' }))).toBe('NOT_FOUND');
  });

  it('needs a logged-in member', async () => {
    const [bob] = await members(1);
    const result = await server.gql(REQUEST, { input: { memberId: bob.id, proposedStart: PROPOSED_START } });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it('is FORBIDDEN while either member blocks the other', async () => {
    const [ann, bob, cid] = await members(3);
    await block(bob.id, ann.id);
    expect(errorCode(await request(ann.id, { memberId: bob.id }))).toBe('FORBIDDEN');
    expect(errorCode(await request(bob.id, { memberId: ann.id }))).toBe('FORBIDDEN');
    expect(errorCode(await request(ann.id, { memberId: cid.id }))).toBeUndefined();
  });

  it('is a CONFLICT naming the open request while one is pending between the two, either way', async () => {
    const [ann, bob] = await members(2);
    const first = await requested(ann.id, bob.id);
    const again = await request(ann.id, { memberId: bob.id, message: 'ping' });
    expect(again.errors![0].extensions).toEqual({ code: 'CONFLICT', meetingId: first });
    const reverse = await request(bob.id, { memberId: ann.id });
    expect(reverse.errors![0]).toMatchObject({
      message: expect.stringMatching(/answer their request/),
      extensions: { code: 'CONFLICT', meetingId: first },
    });
    // Once answered, a new request is welcome.
    await respond(bob.id, first, false);
    expect(errorCode(await request(ann.id, { memberId: bob.id }))).toBeUndefined();
  });

  it('keeps one open request when the same request is sent twice at once', async () => {
    const [ann, bob] = await members(2);
    const options = await as(ann.id);
    const input = { memberId: bob.id, proposedStart: PROPOSED_START };
    const results = await Promise.all([server.gql(REQUEST, { input }, options), server.gql(REQUEST, { input }, options)]);
    expect(results.map(errorCode).sort()).toEqual(['CONFLICT', undefined]);
    expect(await server.em().count(Meeting, { requesterId: ann.id, recipientId: bob.id })).toBe(1);
  });

  it('refuses requests past the per-member limit with RATE_LIMITED for about an hour, writing nothing', async () => {
    const limited = await startTestServer({ rateLimits: { meetingRequestsPerMember: { points: 2, durationSeconds: 3600 } } });
    try {
      const [ann, ...others] = await Promise.all(Array.from({ length: 4 }, () => buildMember(limited.em())));
      const ask = async (to: { id: string }) =>
        limited.gql(REQUEST, { input: { memberId: to.id, proposedStart: PROPOSED_START } }, { token: await limited.tokenFor(ann.id) });
      for (const other of others.slice(0, 2)) expect(errorCode(await ask(other))).toBeUndefined();
      const over = await ask(others[2]);
      expect(over.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(over.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(3500);
      expect(over.errors![0].extensions!.retryAfterSeconds).toBeLessThanOrEqual(3600);
      expect(await limited.em().count(Meeting, { requesterId: ann.id })).toBe(2);
    } finally {
      await limited.stop();
    }
  });
});

describe('respondToMeetingRequest', () => {
  it('accepting notifies the requester (MEETING_ACCEPTED); answering twice is a CONFLICT', async () => {
    const [ann, bob] = await members(2);
    const id = await requested(ann.id, bob.id, { message: 'Quick sync?' });
    await settled();
    const accepted = (await respond(bob.id, id, true)).data!.respondToMeetingRequest;
    expect(accepted).toMatchObject({ status: 'ACCEPTED', respondedAt: server.clock.now().toISOString(), viewerRole: 'RECIPIENT' });
    expect(await notificationsOf(ann.id)).toEqual([
      {
        kind: 'MEETING_ACCEPTED',
        contextId: null,
        actor: { id: bob.id },
        subjectType: 'MEETING',
        subjectId: id,
        subjectTitle: 'Quick sync?',
        subject: { __typename: 'Meeting', id },
      },
    ]);
    expect((await notificationsOf(bob.id)).map((n: any) => n.kind)).toEqual(['MEETING_REQUEST']);
    const twice = await respond(bob.id, id, false);
    expect(twice.errors![0].extensions).toEqual({ code: 'CONFLICT', status: 'ACCEPTED' });
  });

  it('declining tells nobody and closes the meeting', async () => {
    const [ann, bob] = await members(2);
    const id = await requested(ann.id, bob.id);
    expect((await respond(bob.id, id, false)).data!.respondToMeetingRequest.status).toBe('DECLINED');
    expect(await notificationsOf(ann.id)).toEqual([]);
    expect(errorCode(await respond(bob.id, id, true))).toBe('CONFLICT');
    expect(errorCode(await server.gql(JOIN, { id }, await as(ann.id)))).toBe('CONFLICT');
  });

  it('is NOT_FOUND for anyone outside the meeting and FORBIDDEN for the requester', async () => {
    const [ann, bob, eve] = await members(3);
    const id = await requested(ann.id, bob.id);
    expect(errorCode(await respond(eve.id, id, true))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(`query($id: ID!) { meeting(id: $id) { id } }`, { id }, await as(eve.id)))).toBe('NOT_FOUND');
    expect(errorCode(await respond(eve.id, 'not-a-uuid', true))).toBe('NOT_FOUND');
    expect(errorCode(await respond(ann.id, id, true))).toBe('FORBIDDEN');
    expect((await server.em().findOneOrFail(Meeting, id)).status).toBe(MeetingStatus.REQUESTED);
  });

  it('cannot accept once either member blocked the other, but can still decline', async () => {
    const [ann, bob] = await members(2);
    const id = await requested(ann.id, bob.id);
    await block(ann.id, bob.id);
    expect(errorCode(await respond(bob.id, id, true))).toBe('FORBIDDEN');
    expect((await respond(bob.id, id, false)).data!.respondToMeetingRequest.status).toBe('DECLINED');
  });
});

describe('joinMeeting', () => {
  const verifier = () => new TokenVerifier(server.config.liveKit.apiKey, server.config.liveKit.apiSecret);

  it('gives each of the two members a publishing token for room meeting-<id>, valid until 2 hours after the start', async () => {
    const [ann, bob] = await members(2);
    const id = await requested(ann.id, bob.id);
    await respond(bob.id, id, true);
    for (const member of [ann, bob]) {
      const join = (await server.gql(JOIN, { id }, await as(member.id))).data!.joinMeeting;
      expect(join).toMatchObject({ serverUrl: server.config.liveKit.url, roomName: `meeting-${id}`, canPublish: true });
      const claims = await verifier().verify(join.token);
      expect(claims.sub).toBe(member.id);
      expect(claims.name).toBe(member.displayName);
      expect(claims.video).toMatchObject({ roomJoin: true, room: `meeting-${id}`, canPublish: true, canSubscribe: true });
      // LiveKit signs against the real clock: check the span, which the service computes on the test clock.
      const expectedSeconds = (new Date(PROPOSED_START).getTime() + 2 * 3600_000 - server.clock.now().getTime()) / 1000;
      expect(claims.exp! - claims.nbf!).toBeGreaterThanOrEqual(expectedSeconds - 1);
      expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(expectedSeconds + 1);
      expect(new Date(join.expiresAt).getTime()).toBe(claims.exp! * 1000);
    }
  });

  it('still admits for at least an hour when joined after the meeting', async () => {
    const [ann, bob] = await members(2);
    const id = await requested(ann.id, bob.id);
    await respond(bob.id, id, true);
    server.clock.advance({ days: 6 });
    try {
      const join = (await server.gql(JOIN, { id }, await as(ann.id))).data!.joinMeeting;
      const claims = await verifier().verify(join.token);
      expect(Math.abs(claims.exp! - claims.nbf! - 3600)).toBeLessThanOrEqual(1);
    } finally {
      server.clock.advance({ days: -6 });
    }
  });

  it('is a CONFLICT before acceptance, NOT_FOUND for a third member, FORBIDDEN after a block', async () => {
    const [ann, bob, eve] = await members(3);
    const id = await requested(ann.id, bob.id);
    expect((await server.gql(JOIN, { id }, await as(bob.id))).errors![0].extensions).toEqual({ code: 'CONFLICT', status: 'REQUESTED' });
    await respond(bob.id, id, true);
    expect(errorCode(await server.gql(JOIN, { id }, await as(eve.id)))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(JOIN, { id: '00000000-0000-4000-8000-000000000000' }, await as(ann.id)))).toBe('NOT_FOUND');
    await block(bob.id, ann.id);
    expect(errorCode(await server.gql(JOIN, { id }, await as(ann.id)))).toBe('FORBIDDEN');
  });
});

describe('myMeetings', () => {
  it('lists both sides newest first, filters by status and pages without gaps', async () => {
    const [me, a, b, c] = await members(4);
    const toA = await requested(me.id, a.id);
    server.clock.advance({ seconds: 1 });
    const fromB = await requested(b.id, me.id);
    server.clock.advance({ seconds: 1 });
    const toC = await requested(me.id, c.id);
    await respond(me.id, fromB, true);
    await requested(a.id, b.id); // not mine

    const all = (await server.gql(MY_MEETINGS, {}, await as(me.id))).data!.myMeetings;
    expect(all.edges.map((e: any) => [e.node.id, e.node.viewerRole])).toEqual([
      [toC, 'REQUESTER'],
      [fromB, 'RECIPIENT'],
      [toA, 'REQUESTER'],
    ]);
    const accepted = (await server.gql(MY_MEETINGS, { status: 'ACCEPTED' }, await as(me.id))).data!.myMeetings;
    expect(accepted.edges.map((e: any) => e.node.id)).toEqual([fromB]);

    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await server.gql(MY_MEETINGS, { first: 2, after }, await as(me.id))).data!.myMeetings;
      ids.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(ids).toEqual([toC, fromB, toA]);
  });

  it('loads members and sessions in batches: 6 meetings cost what 2 do', async () => {
    const counted = async (count: number) => {
      const me = await buildMember(server.em());
      for (let i = 0; i < count; i++) {
        const other = await buildMember(server.em());
        const session = await buildSession(server.em(), me.id);
        await buildRegistration(server.em(), session, me);
        await requested(me.id, other.id, { sessionId: session.id });
      }
      const options = await as(me.id);
      await server.gql(MY_MEETINGS, {}, options);
      let edges = 0;
      const queries = await countQueries(
        server,
        async () => (edges = (await server.gql(MY_MEETINGS, {}, options)).data!.myMeetings.edges.length),
      );
      expect(edges).toBe(count);
      return queries;
    };
    expect(await counted(6)).toBe(await counted(2));
  });
});

describe('meetings and moderation', () => {
  const SUSPEND = `mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Spam") { id } }`;
  const MEETING = `query($id: ID!) { meeting(id: $id) { id status } }`;
  const COUNTED = `query($status: MeetingStatus) { myMeetings(status: $status) { totalCount edges { node { id } } } }`;
  const listed = async (memberId: string, status?: string) => {
    const { totalCount, edges } = (await server.gql(COUNTED, { status }, await as(memberId))).data!.myMeetings;
    return { totalCount, ids: edges.map((edge: any) => edge.node.id) };
  };

  it('hides a suspended requester’s meetings from the other member while the suspension lasts: no read, answer or join', async () => {
    const [ann, bob, cid, dan] = await members(4);
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    const pending = await requested(ann.id, bob.id, { message: 'Buy my course' });
    server.clock.advance({ seconds: 1 });
    const accepted = await requested(ann.id, cid.id);
    await respond(cid.id, accepted, true);
    server.clock.advance({ seconds: 1 });
    const toAnn = await requested(dan.id, ann.id);

    const until = new Date(server.clock.now().getTime() + 86_400_000).toISOString();
    expect((await server.gql(SUSPEND, { id: ann.id, until }, await as(moderator.id))).errors).toBeUndefined();

    expect(await listed(bob.id)).toEqual({ totalCount: 0, ids: [] });
    expect(await listed(bob.id, 'REQUESTED')).toEqual({ totalCount: 0, ids: [] });
    expect(errorCode(await server.gql(MEETING, { id: pending }, await as(bob.id)))).toBe('NOT_FOUND');
    expect(errorCode(await respond(bob.id, pending, true))).toBe('NOT_FOUND');
    expect(errorCode(await respond(bob.id, pending, false))).toBe('NOT_FOUND');
    expect((await server.em().findOneOrFail(Meeting, pending)).status).toBe(MeetingStatus.REQUESTED);
    expect(await listed(cid.id)).toEqual({ totalCount: 0, ids: [] });
    expect(errorCode(await server.gql(MEETING, { id: accepted }, await as(cid.id)))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(JOIN, { id: accepted }, await as(cid.id)))).toBe('NOT_FOUND');
    // What the suspended member was asked for is the asker's, who still sees it.
    expect(await listed(dan.id)).toEqual({ totalCount: 1, ids: [toAnn] });
    expect((await server.gql(MEETING, { id: toAnn }, await as(dan.id))).data!.meeting).toEqual({ id: toAnn, status: 'REQUESTED' });

    // The suspension ends by itself at `until`: everything shows again, to be answered and joined.
    server.clock.advance({ days: 1, seconds: 1 });
    try {
      expect(await listed(bob.id)).toEqual({ totalCount: 1, ids: [pending] });
      expect((await server.gql(MEETING, { id: pending }, await as(bob.id))).data!.meeting).toEqual({ id: pending, status: 'REQUESTED' });
      expect(await listed(cid.id)).toEqual({ totalCount: 1, ids: [accepted] });
      expect(errorCode(await server.gql(JOIN, { id: accepted }, await as(cid.id)))).toBeUndefined();
      expect(await listed(ann.id)).toEqual({ totalCount: 3, ids: [toAnn, accepted, pending] });
      expect((await respond(bob.id, pending, false)).data!.respondToMeetingRequest.status).toBe('DECLINED');
    } finally {
      server.clock.advance({ days: -1, seconds: -1 });
    }
  });

  it('lets the other member ask a suspended requester for a meeting, as if their hidden request were not there', async () => {
    const [ann, bob] = await members(2);
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    const hidden = await requested(ann.id, bob.id, { message: 'Buy my course' });
    const until = new Date(server.clock.now().getTime() + 86_400_000).toISOString();
    expect((await server.gql(SUSPEND, { id: ann.id, until }, await as(moderator.id))).errors).toBeUndefined();

    server.clock.advance({ seconds: 1 });
    // Nothing names or hints at the request bob cannot see: his own is made, as messaging a suspended member is.
    const own = await request(bob.id, { memberId: ann.id, message: 'Coffee?' });
    expect(own.errors).toBeUndefined();
    const bobs = own.data!.requestMeeting.id;
    expect(bobs).not.toBe(hidden);
    const again = await request(bob.id, { memberId: ann.id });
    expect(again.errors![0]).toMatchObject({
      message: expect.stringMatching(/already asked this member/),
      extensions: { code: 'CONFLICT', meetingId: bobs },
    });
    expect(await listed(bob.id)).toEqual({ totalCount: 1, ids: [bobs] });

    // Once the suspension ends each sees both requests, each answerable by its recipient; asking again names one's own.
    server.clock.advance({ days: 1, seconds: 1 });
    try {
      expect(await listed(bob.id)).toEqual({ totalCount: 2, ids: [bobs, hidden] });
      expect(await listed(ann.id)).toEqual({ totalCount: 2, ids: [bobs, hidden] });
      expect((await request(ann.id, { memberId: bob.id })).errors![0].extensions).toEqual({ code: 'CONFLICT', meetingId: hidden });
      expect((await request(bob.id, { memberId: ann.id })).errors![0].extensions).toEqual({ code: 'CONFLICT', meetingId: bobs });
      expect((await respond(ann.id, bobs, true)).data!.respondToMeetingRequest.status).toBe('ACCEPTED');
      expect((await respond(bob.id, hidden, false)).data!.respondToMeetingRequest.status).toBe('DECLINED');
      expect(errorCode(await request(ann.id, { memberId: bob.id }))).toBeUndefined();
    } finally {
      server.clock.advance({ days: -1, seconds: -1 });
    }
  });
});
