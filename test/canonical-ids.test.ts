import { buildAdmin, buildMember } from './factories';
import { buildRegistration, buildSession } from './live';
import { errorCode, startTestServer, subscribe, type TestServer } from './server';
import { LiveSessionStatus } from '../schema/live/sessions/live-session.entity';

/**
 * UUIDs are the same id in any case (RFC 4122), and PostgreSQL reads them so; what is keyed by
 * the id's text (caches, topics, comparisons with the viewer's id) must read them so too.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const JOIN = `mutation($id: ID!) { joinLiveSession(sessionId: $id) { roomName } }`;

async function liveSession() {
  const admin = await buildAdmin(server.em());
  const now = server.clock.now().getTime();
  const session = await buildSession(server.em(), admin.id, {
    startsAt: new Date(now - 5 * 60_000),
    endsAt: new Date(now + 55 * 60_000),
    status: LiveSessionStatus.LIVE,
  });
  return { admin, session };
}

describe('an id sent in upper case', () => {
  it('is the same session for the join cache: a cancelled registration stops joins whatever the case', async () => {
    const { session } = await liveSession();
    const member = await buildMember(server.em());
    await buildRegistration(server.em(), session, member);
    const upper = session.id.toUpperCase();

    const joined = await server.gql(JOIN, { id: upper }, await as(member.id));
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.joinLiveSession.roomName).toBe(`session-${session.id}`);
    const cancelled = await server.gql(
      `mutation($id: ID!) { cancelRegistration(sessionId: $id) { id } }`,
      { id: session.id },
      await as(member.id),
    );
    expect(cancelled.errors).toBeUndefined();
    for (const id of [upper, session.id]) expect(errorCode(await server.gql(JOIN, { id }, await as(member.id)))).toBe('FORBIDDEN');
    // As a literal too.
    expect(errorCode(await server.gql(`mutation { joinLiveSession(sessionId: "${upper}") { roomName } }`, {}, await as(member.id)))).toBe(
      'FORBIDDEN',
    );
  });

  it('hears the session’s chat when subscribed with it', async () => {
    const { admin, session } = await liveSession();
    const member = await buildMember(server.em());
    await buildRegistration(server.em(), session, member);
    const chat = await subscribe(
      server.ws(await server.tokenFor(member.id)),
      `subscription($id: ID!) { sessionChatMessageAdded(sessionId: $id) { body } }`,
      {
        id: session.id.toUpperCase(),
      },
    );
    const sent = await server.gql(
      `mutation($id: ID!, $body: String!) { sendSessionChatMessage(sessionId: $id, body: $body) { id } }`,
      { id: session.id, body: 'hello room' },
      await as(admin.id),
    );
    expect(sent.errors).toBeUndefined();
    expect((await chat.next()).data!.sessionChatMessageAdded).toEqual({ body: 'hello room' });
  });

  it('is the viewer’s own id when they name themselves', async () => {
    const member = await buildMember(server.em());
    const meeting = await server.gql(
      `mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) { id } }`,
      { input: { memberId: member.id.toUpperCase(), proposedStart: new Date(server.clock.now().getTime() + 86_400_000).toISOString() } },
      await as(member.id),
    );
    expect(meeting.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/yourself/) });
  });
});
