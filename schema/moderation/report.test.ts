import { buildAdmin, buildContent, buildMember } from '../../test/factories';
import { errorCode, startTestServer, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';
import { Content } from '../content/content.entity';

const REPORT = `mutation($input: ReportInput!) { report(input: $input) { id kind reason subjectId note } }`;
const QUEUE = `query($status: ModerationCaseStatus, $first: Int, $after: String) {
  moderationQueue(status: $status, first: $first, after: $after) {
    edges { node { id subjectKind subjectId reportCount autoHidden reasons reporters { id displayName } reports { reason note reporter { id } }
      subject { __typename ... on Content { id title } ... on Comment { id body } ... on Member { id displayName } } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const FEED = `{ feed(first: 100) { edges { node { id } } } }`;
const CONTENT = `query($id: ID!) { content(id: $id) { id title moderationNotice } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: { MODERATION_AUTO_HIDE_REPORTERS: '3' },
    rateLimits: { reportsPerMember: { points: 4, durationSeconds: 3600 } },
  });
});
afterAll(() => server.stop());

const as = async (member: { id: string }) => ({ token: await server.tokenFor(member.id) });
const report = async (member: { id: string }, subjectId: string, kind = 'CONTENT', reason = 'SPAM', note: string | null = null) =>
  server.gql(REPORT, { input: { subjectId, kind, reason, note } }, await as(member));
const feedIds = async (member: { id: string }) =>
  ((await server.gql(FEED, {}, await as(member))).data!.feed.edges as { node: { id: string } }[]).map((edge) => edge.node.id);

describe('report', () => {
  it('files one report per member and subject, grouped in one open case the moderators see with reasons, reporters and the subject', async () => {
    const item = await buildContent(server.em(), { title: 'Buy cheap watches' });
    const [alice, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const first = await report(alice, item.id, 'CONTENT', 'SPAM', 'Pure advertising');
    expect(first.errors).toBeUndefined();
    expect(first.data!.report).toMatchObject({ kind: 'CONTENT', reason: 'SPAM', subjectId: item.id, note: 'Pure advertising' });
    expect(errorCode(await report(alice, item.id, 'CONTENT', 'OTHER'))).toBe('CONFLICT');
    expect((await report(bob, item.id, 'CONTENT', 'OFF_TOPIC')).errors).toBeUndefined();

    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    const queue = await server.gql(QUEUE, { first: 100 }, await as(moderator));
    expect(queue.errors).toBeUndefined();
    const node = queue.data!.moderationQueue.edges.map((edge: { node: any }) => edge.node).find((n: any) => n.subjectId === item.id);
    expect(node).toMatchObject({
      subjectKind: 'CONTENT',
      reportCount: 2,
      autoHidden: false,
      subject: { __typename: 'Content', id: item.id, title: 'Buy cheap watches' },
    });
    expect(node.reasons.sort()).toEqual(['OFF_TOPIC', 'SPAM']);
    expect(node.reporters.map((m: { id: string }) => m.id).sort()).toEqual([alice.id, bob.id].sort());
    expect(node.reports.find((r: any) => r.reporter.id === alice.id)).toMatchObject({
      reason: 'SPAM',
      note: 'Pure advertising',
      reporter: { id: alice.id },
    });
    // Still in the feed: two reporters are under the threshold of three.
    expect(await feedIds(alice)).toContain(item.id);
  });

  it('refuses what the reporter cannot see, their own writing, and bad input, with typed errors', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author });
    const draft = await buildContent(server.em(), { status: 'DRAFT' as never });
    const member = await buildMember(server.em());
    expect(errorCode(await report(author, item.id))).toBe('BAD_USER_INPUT');
    expect(errorCode(await report(member, member.id, 'MEMBER'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await report(member, draft.id))).toBe('NOT_FOUND');
    expect(errorCode(await report(member, item.id, 'COMMENT'))).toBe('NOT_FOUND');
    expect(errorCode(await report(member, 'not-an-id'))).toBe('BAD_USER_INPUT');
    expect(
      errorCode(
        await server.gql(
          REPORT,
          { input: { subjectId: item.id, kind: 'CONTENT', reason: 'SPAM', note: 'x'.repeat(2001) } },
          await as(member),
        ),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(REPORT, { input: { subjectId: item.id, kind: 'CONTENT', reason: 'SPAM' } }))).toBe('UNAUTHENTICATED');
  });

  it('is rate limited per member', async () => {
    const member = await buildMember(server.em());
    const items = await Promise.all([1, 2, 3, 4, 5].map(() => buildContent(server.em())));
    const codes = [];
    for (const item of items) codes.push(errorCode(await report(member, item.id)));
    expect(codes).toEqual([undefined, undefined, undefined, undefined, 'RATE_LIMITED']);
  });

  it('hides content automatically at the third distinct reporter, from feeds and pages, but not from its author and moderators', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author });
    const reporters = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const reader = await buildMember(server.em());
    for (const reporter of reporters.slice(0, 2)) await report(reporter, item.id, 'CONTENT', 'HARASSMENT');
    expect(await feedIds(reader)).toContain(item.id);
    await report(reporters[2], item.id, 'CONTENT', 'HARASSMENT');
    expect((await server.em().findOneOrFail(Content, item.id)).hiddenAt).not.toBeNull();
    expect(await feedIds(reader)).not.toContain(item.id);
    expect(errorCode(await server.gql(CONTENT, { id: item.id }, await as(reader)))).toBe('NOT_FOUND');
    expect(await feedIds(author)).toContain(item.id);
    expect((await server.gql(CONTENT, { id: item.id }, await as(author))).data!.content).toMatchObject({
      id: item.id,
      moderationNotice: expect.stringMatching(/^Hidden by the moderators/),
    });
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    expect((await server.gql(CONTENT, { id: item.id }, await as(moderator))).data!.content.id).toBe(item.id);
    const queue = await server.gql(QUEUE, { first: 100 }, await as(await buildAdmin(server.em())));
    expect(queue.data!.moderationQueue.edges.find((edge: { node: any }) => edge.node.subjectId === item.id).node).toMatchObject({
      reportCount: 3,
      autoHidden: true,
    });
  });
});
