import { Comment } from '../schema/content/comment.entity';
import { buildContent, buildMember } from './factories';
import { captureQueries, startTestServer, type TestServer } from './server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('single-item lookups', () => {
  it('answer null with a NOT_FOUND error each, and the sibling fields of the request still answer', async () => {
    const member = await buildMember(server.em(), { displayName: 'Still Here' });
    const result = await server.gql(
      `query($id: ID!) {
        content(id: $id) { id } member(id: $id) { id } conversation(id: $id) { id } liveSession(id: $id) { id } meeting(id: $id) { id }
        me { displayName }
      }`,
      { id: UNKNOWN },
      { token: await server.tokenFor(member.id) },
    );
    expect(result.data).toEqual({
      content: null,
      member: null,
      conversation: null,
      liveSession: null,
      meeting: null,
      me: { displayName: 'Still Here' },
    });
    expect(result.errors!.map((error) => [error.path![0], error.extensions!.code]).sort()).toEqual(
      ['content', 'conversation', 'liveSession', 'meeting', 'member'].map((field) => [field, 'NOT_FOUND']),
    );
  });
});

describe('Relay page info', () => {
  it('gives start and end cursors, and says a page read forward from a cursor has items before it', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    const query = `query($after: String) { notifications(first: 1, after: $after) { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`;
    const em = server.em();
    for (let i = 0; i < 2; i++) {
      await em.execute(
        `insert into notification (id, recipient_id, kind, subject_type, subject_id, subject_title, created_at) values (gen_random_uuid(), ?, 'MESSAGE_RECEIVED', 'MESSAGE', gen_random_uuid(), ?, ?)`,
        [member.id, `#${i}`, new Date(Date.UTC(2026, 0, 1, i))],
      );
    }
    const first = (await server.gql(query, {}, { token })).data!.notifications;
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: first.edges[0].cursor,
      endCursor: first.edges[0].cursor,
    });
    expect(first.totalCount).toBe(2);
    const second = (await server.gql(query, { after: first.pageInfo.endCursor }, { token })).data!.notifications;
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe('Comment.replies', () => {
  it('pages replies with first/after and counts them, loading a thread page’s first replies in one statement', async () => {
    const content = await buildContent(server.em());
    const [author, replier] = [await buildMember(server.em()), await buildMember(server.em())];
    const em = server.em();
    const tops = [0, 1, 2].map((i) =>
      em.create(Comment, { content: content.id, author: author.id, body: `top ${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, i)) }),
    );
    for (const [t, top] of tops.entries()) {
      for (let r = 0; r < 3; r++)
        em.create(Comment, {
          content: content.id,
          author: replier.id,
          parent: top.id,
          body: `reply ${t}.${r}`,
          createdAt: new Date(Date.UTC(2026, 0, 2, t, r)),
        });
    }
    await em.flush();
    const token = await server.tokenFor(author.id);
    const THREAD = `query($contentId: ID!) {
      comments(contentId: $contentId) { edges { node { id replies(first: 2) { edges { node { body } } pageInfo { hasNextPage endCursor } totalCount } } } }
    }`;
    let thread: any;
    const captured = await captureQueries(
      server,
      async () => (thread = (await server.gql(THREAD, { contentId: content.id }, { token })).data!.comments),
    );
    const commentStatements = captured.filter((sql) => /\bcomment\b/.test(sql));
    const firstPages = thread.edges.map((edge: any) => edge.node.replies);
    expect(firstPages.map((page: any) => page.edges.map((e: any) => e.node.body))).toEqual([
      ['reply 0.0', 'reply 0.1'],
      ['reply 1.0', 'reply 1.1'],
      ['reply 2.0', 'reply 2.1'],
    ]);
    expect(firstPages.every((page: any) => page.pageInfo.hasNextPage && page.totalCount === 3)).toBe(true);
    // The page, its comments' first replies, their counts: one statement each, not one per comment.
    expect(commentStatements).toHaveLength(3);

    const REST = `query($contentId: ID!, $after: String) {
      comments(contentId: $contentId, first: 1) { edges { node { replies(first: 2, after: $after) { edges { node { body } } pageInfo { hasNextPage } } } } }
    }`;
    const rest = (await server.gql(REST, { contentId: content.id, after: firstPages[0].pageInfo.endCursor }, { token })).data!.comments
      .edges[0].node.replies;
    expect(rest).toEqual({ edges: [{ node: { body: 'reply 0.2' } }], pageInfo: { hasNextPage: false } });
  });
});
