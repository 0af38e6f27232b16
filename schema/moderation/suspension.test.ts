import { buildContent, buildMember, FACTORY_PASSWORD } from '../../test/factories';
import {
  describeWithRedis,
  errorCode,
  startTestServer,
  startTwoInstances,
  stopServers,
  subscribe,
  until,
  type TestServer,
} from '../../test/server';
import { WS_MEMBER_SUSPENDED } from '../../server/ws';
import { Role, type Member } from '../identity/member.entity';

const SUSPEND = `mutation($id: ID!, $until: DateTime!, $reason: String!) { suspendMember(memberId: $id, until: $until, reason: $reason) { id } }`;
const UNSUSPEND = `mutation($id: ID!) { unsuspendMember(memberId: $id, note: "Appeal accepted") { id } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken } }`;
const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken } }`;
const ME = `{ me { id } }`;
const FEED = `{ feed(first: 100) { edges { node { id } } } }`;
const LOG = `{ moderationLog(first: 10) { edges { node { action subjectKind subjectId note actor { id } } } } }`;

const inDays = (server: TestServer, days: number) => new Date(server.clock.now().getTime() + days * 86_400_000).toISOString();

describe('suspendMember and unsuspendMember', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const as = async (member: { id: string }) => ({ token: await server.tokenFor(member.id) });
  const logIn = (member: Member) => server.gql(LOG_IN, { input: { email: member.email, password: FACTORY_PASSWORD } });

  it('refuses log-in, refresh and access tokens while suspended, hides their content, and logs both decisions', async () => {
    const member = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author: member });
    const [reader, moderator] = [await buildMember(server.em()), await buildMember(server.em(), { role: Role.MODERATOR })];
    const session = (await logIn(member)).data!.logIn;
    const feedIds = async () =>
      ((await server.gql(FEED, {}, await as(reader))).data!.feed.edges as { node: { id: string } }[]).map((edge) => edge.node.id);
    expect(await feedIds()).toContain(item.id);
    expect((await server.gql(ME, {}, { token: session.accessToken })).errors).toBeUndefined();

    const suspended = await server.gql(SUSPEND, { id: member.id, until: inDays(server, 7), reason: 'Repeated spam' }, await as(moderator));
    expect(suspended.errors).toBeUndefined();
    expect(errorCode(await server.gql(ME, {}, { token: session.accessToken }))).toBe('UNAUTHENTICATED');
    const refused = await logIn(member);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'MEMBER_SUSPENDED' });
    expect(errorCode(await server.gql(REFRESH, { token: session.refreshToken }))).toBe('FORBIDDEN');
    expect(await feedIds()).not.toContain(item.id);

    server.clock.advance({ seconds: 1 }); // the log is newest first
    await server.gql(UNSUSPEND, { id: member.id }, await as(moderator));
    expect((await server.gql(ME, {}, { token: session.accessToken })).errors).toBeUndefined();
    expect((await logIn(member)).errors).toBeUndefined();
    expect(await feedIds()).toContain(item.id);
    const log = (await server.gql(LOG, {}, await as(moderator))).data!.moderationLog.edges.map((edge: { node: unknown }) => edge.node);
    expect(log.slice(0, 2)).toEqual([
      { action: 'UNSUSPEND', subjectKind: 'MEMBER', subjectId: member.id, note: 'Appeal accepted', actor: { id: moderator.id } },
      { action: 'SUSPEND', subjectKind: 'MEMBER', subjectId: member.id, note: 'Repeated spam', actor: { id: moderator.id } },
    ]);
  });

  it('ends by itself when `until` passes', async () => {
    const member = await buildMember(server.em());
    const admin = await buildMember(server.em(), { role: Role.ADMIN });
    await server.gql(SUSPEND, { id: member.id, until: inDays(server, 1), reason: 'Cool down' }, await as(admin));
    expect(errorCode(await logIn(member))).toBe('FORBIDDEN');
    server.clock.advance({ days: 1, seconds: 1 });
    expect((await logIn(member)).errors).toBeUndefined();
  });

  it('refuses a past end, moderators and admins as targets, and unsuspending someone not suspended, with typed errors', async () => {
    const [member, other] = [await buildMember(server.em()), await buildMember(server.em(), { role: Role.MODERATOR })];
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    expect(errorCode(await server.gql(SUSPEND, { id: member.id, until: inDays(server, -1), reason: 'x' }, await as(moderator)))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await server.gql(SUSPEND, { id: member.id, until: inDays(server, 1), reason: '  ' }, await as(moderator)))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await server.gql(SUSPEND, { id: other.id, until: inDays(server, 1), reason: 'x' }, await as(moderator)))).toBe(
      'FORBIDDEN',
    );
    expect(
      errorCode(
        await server.gql(
          SUSPEND,
          { id: '00000000-0000-4000-8000-000000000000', until: inDays(server, 1), reason: 'x' },
          await as(moderator),
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(UNSUSPEND, { id: member.id }, await as(moderator)))).toBe('CONFLICT');
  });

  it('resolveReport SUSPEND_AUTHOR suspends the reported comment’s author', async () => {
    const item = await buildContent(server.em());
    const [writer, reader, moderator] = [
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em(), { role: Role.MODERATOR }),
    ];
    const comment = await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: item.id, body: 'Spam spam' } },
      await as(writer),
    );
    await server.gql(
      `mutation($input: ReportInput!) { report(input: $input) { id } }`,
      { input: { subjectId: comment.data!.addComment.id, kind: 'COMMENT', reason: 'SPAM' } },
      await as(reader),
    );
    const [{ id: caseId }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ?`, [comment.data!.addComment.id]);
    const resolved = await server.gql(
      `mutation($id: ID!) { resolveReport(caseId: $id, action: SUSPEND_AUTHOR, note: "Spammer") { status } }`,
      { id: caseId },
      await as(moderator),
    );
    expect(resolved.errors).toBeUndefined();
    expect(errorCode(await logIn(writer))).toBe('FORBIDDEN');
    const comments = await server.gql(`query($id: ID!) { comments(contentId: $id) { totalCount } }`, { id: item.id }, await as(reader));
    expect(comments.data!.comments.totalCount).toBe(0);
  });
});

describeWithRedis('a suspension across two API instances', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => ({ a, b } = await startTwoInstances()));
  afterAll(() => stopServers(b, a));

  it('cuts the member’s access tokens on the other instance at once and closes their sockets there with WS_MEMBER_SUSPENDED', async () => {
    const [member, moderator] = [await buildMember(a.em()), await buildMember(a.em(), { role: Role.MODERATOR })];
    const tokenOnA = await a.tokenFor(member.id);
    expect((await a.gql(ME, {}, { token: tokenOnA })).errors).toBeUndefined(); // A caches the viewer
    const socket = a.ws(tokenOnA);
    let closedWith: number | null = null;
    socket.on('closed', (event) => (closedWith = (event as { code: number }).code));
    const notified = await subscribe(socket, `subscription { notificationAdded { id } }`);

    await b.gql(SUSPEND, { id: member.id, until: inDays(a, 3), reason: 'Harassment' }, { token: await b.tokenFor(moderator.id) });
    // The test clock stands still: A's cached viewer could only go through the invalidation.
    await until('A to refuse the token', async () => errorCode(await a.gql(ME, {}, { token: tokenOnA })) === 'UNAUTHENTICATED', 5_000);
    await until('the socket on A to close', () => closedWith !== null, 5_000);
    expect(closedWith).toBe(WS_MEMBER_SUSPENDED);
    notified.dispose();
  });
});
