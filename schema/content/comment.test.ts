import { buildAdmin, buildContent, buildMember } from '../../test/factories';
import { errorCode, startTestServer, type TestServer } from '../../test/server';
import { Comment } from './comment.entity';
import { Content, ContentStatus } from './content.entity';
import { COMMENT_MAX_LENGTH } from './content.inputs';

const ADD = `mutation($input: AddCommentInput!) { addComment(input: $input) { id body parentId contentId author { id } } }`;
const COMMENTS = `query($contentId: ID!, $first: Int, $after: String) {
  comments(contentId: $contentId, first: $first, after: $after) {
    edges { node { id body deletedAt author { id } replies { edges { node { id body parentId } } totalCount } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const EDIT = `mutation($input: EditCommentInput!) { editComment(input: $input) { body editedAt } }`;
const DELETE = `mutation($id: ID!) { deleteComment(id: $id) { body deletedAt } }`;
const replyBodies = (node: any) => node.replies.edges.map((e: any) => e.node);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const commentCount = async (id: string) => (await server.em().findOneOrFail(Content, id)).commentCount;

describe('comments', () => {
  it('threads replies one level deep and keeps commentCount', async () => {
    const content = await buildContent(server.em());
    const [alice, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const top = (await server.gql(ADD, { input: { contentId: content.id, body: ' First! ' } }, await as(alice.id))).data!.addComment;
    expect(top).toMatchObject({ body: 'First!', parentId: null, contentId: content.id, author: { id: alice.id } });
    server.clock.advance({ seconds: 1 });
    const reply = await server.gql(ADD, { input: { contentId: content.id, body: 'Agreed', parentId: top.id } }, await as(bob.id));
    expect(reply.data!.addComment.parentId).toBe(top.id);
    const tooDeep = await server.gql(
      ADD,
      { input: { contentId: content.id, body: 'Deeper', parentId: reply.data!.addComment.id } },
      await as(alice.id),
    );
    expect(errorCode(tooDeep)).toBe('BAD_USER_INPUT');
    expect(tooDeep.errors![0].extensions!.fields).toHaveProperty('parentId');

    const list = await server.gql(COMMENTS, { contentId: content.id }, await as(bob.id));
    expect(list.data!.comments.edges).toHaveLength(1);
    expect(replyBodies(list.data!.comments.edges[0].node)).toEqual([{ id: reply.data!.addComment.id, body: 'Agreed', parentId: top.id }]);
    expect(list.data!.comments.edges[0].node.replies.totalCount).toBe(1);
    expect(list.data!.comments.totalCount).toBe(1);
    expect(await commentCount(content.id)).toBe(2);
  });

  it('refuses empty and over-long bodies, unknown content and unpublished content, writing nothing', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    const draft = await buildContent(server.em(), { author: member, status: ContentStatus.DRAFT });
    const archived = await buildContent(server.em(), { status: ContentStatus.ARCHIVED });
    const options = await as(member.id);
    const empty = await server.gql(ADD, { input: { contentId: content.id, body: '   ' } }, options);
    expect(empty.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { body: 'must not be empty' } });
    const long = await server.gql(ADD, { input: { contentId: content.id, body: 'x'.repeat(COMMENT_MAX_LENGTH + 1) } }, options);
    expect(long.errors![0].extensions!.fields.body).toMatch(/at most 10000/);
    expect(errorCode(await server.gql(ADD, { input: { contentId: '00000000-0000-4000-8000-000000000000', body: 'Hi' } }, options))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await server.gql(ADD, { input: { contentId: draft.id, body: 'Hi' } }, options))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(ADD, { input: { contentId: archived.id, body: 'Hi' } }, options))).toBe('BAD_USER_INPUT');
    expect(await server.em().count(Comment, { author: member.id })).toBe(0);
    expect(await commentCount(content.id)).toBe(0);
  });

  it('lets the author edit; the author or an admin delete, keeping the thread shape', async () => {
    const content = await buildContent(server.em());
    const [alice, bob, admin] = [await buildMember(server.em()), await buildMember(server.em()), await buildAdmin(server.em())];
    const top = (await server.gql(ADD, { input: { contentId: content.id, body: 'Top' } }, await as(alice.id))).data!.addComment;
    await server.gql(ADD, { input: { contentId: content.id, body: 'Reply', parentId: top.id } }, await as(bob.id));
    const edit = `mutation($input: EditCommentInput!) { editComment(input: $input) { body editedAt } }`;
    expect(errorCode(await server.gql(edit, { input: { id: top.id, body: 'Hijack' } }, await as(bob.id)))).toBe('FORBIDDEN');
    const edited = await server.gql(edit, { input: { id: top.id, body: 'Top (edited)' } }, await as(alice.id));
    expect(edited.data!.editComment.body).toBe('Top (edited)');
    expect(edited.data!.editComment.editedAt).not.toBeNull();

    const del = `mutation($id: ID!) { deleteComment(id: $id) { body deletedAt } }`;
    expect(errorCode(await server.gql(del, { id: top.id }, await as(bob.id)))).toBe('FORBIDDEN');
    const deleted = await server.gql(del, { id: top.id }, await as(admin.id));
    expect(deleted.data!.deleteComment.body).toBeNull();
    await server.gql(del, { id: top.id }, await as(alice.id)); // idempotent
    const list = await server.gql(COMMENTS, { contentId: content.id }, await as(bob.id));
    expect(list.data!.comments.edges[0].node).toMatchObject({ id: top.id, body: null });
    expect(replyBodies(list.data!.comments.edges[0].node)).toMatchObject([{ body: 'Reply' }]);
    expect(await commentCount(content.id)).toBe(1);
    // A deleted comment takes no reply and no edit; each refusal names the input that points at it.
    const reply = await server.gql(ADD, { input: { contentId: content.id, body: 'Late reply', parentId: top.id } }, await as(bob.id));
    expect(reply.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { parentId: 'deleted' } });
    const late = await server.gql(edit, { input: { id: top.id, body: 'Back again' } }, await as(alice.id));
    expect(late.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { id: 'deleted' } });
  });

  it('counts a comment deleted by parallel calls (a double click, a retry) once, and answers each with the stored deletion', async () => {
    const content = await buildContent(server.em());
    const [alice, admin] = [await buildMember(server.em()), await buildAdmin(server.em())];
    const options = await as(alice.id);
    const [doomed, kept] = [
      (await server.gql(ADD, { input: { contentId: content.id, body: 'Oops' } }, options)).data!.addComment,
      (await server.gql(ADD, { input: { contentId: content.id, body: 'Stays' } }, options)).data!.addComment,
    ];
    const calls = [options, options, options, await as(admin.id), options, options];
    const answers = await Promise.all(calls.map((caller) => server.gql(DELETE, { id: doomed.id }, caller)));
    expect(answers.map((answer) => answer.errors)).toEqual(calls.map(() => undefined));
    const stored = await server.em().findOneOrFail(Comment, doomed.id);
    expect(stored.body).toBeNull();
    expect(answers.map((answer) => answer.data!.deleteComment)).toEqual(
      calls.map(() => ({ body: null, deletedAt: stored.deletedAt!.toISOString() })),
    );
    expect(await commentCount(content.id)).toBe(1);
    expect((await server.em().findOneOrFail(Comment, kept.id)).body).toBe('Stays');
  });

  it('never writes a body back into a comment deleted while an edit of it was under way', async () => {
    const content = await buildContent(server.em());
    const alice = await buildMember(server.em());
    const options = await as(alice.id);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await server.gql(ADD, { input: { contentId: content.id, body: `#${i}` } }, options)).data!.addComment.id);
    // Each comment: edits racing one delete, all sent at once.
    const answers = await Promise.all(
      ids.flatMap((id) => [
        server.gql(EDIT, { input: { id, body: 'Edited before' } }, options),
        server.gql(DELETE, { id }, options),
        ...Array.from({ length: 4 }, () => server.gql(EDIT, { input: { id, body: 'Edited after' } }, options)),
      ]),
    );
    // An edit either landed before the delete or is refused as editing a deleted comment is.
    for (const answer of answers)
      if (answer.errors) expect(answer.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { id: 'deleted' } });
    const stored = await server.em().find(Comment, { id: { $in: ids } });
    expect(stored.map(({ body, deletedAt }) => ({ body, deleted: deletedAt !== null }))).toEqual(
      ids.map(() => ({ body: null, deleted: true })),
    );
    expect(await commentCount(content.id)).toBe(0);
  });

  it('pages top-level comments oldest first', async () => {
    const content = await buildContent(server.em());
    const member = await buildMember(server.em());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      server.clock.advance({ seconds: 1 });
      ids.push((await server.gql(ADD, { input: { contentId: content.id, body: `#${i}` } }, await as(member.id))).data!.addComment.id);
    }
    const page1 = await server.gql(COMMENTS, { contentId: content.id, first: 2 }, await as(member.id));
    const page2 = await server.gql(
      COMMENTS,
      { contentId: content.id, first: 2, after: page1.data!.comments.pageInfo.endCursor },
      await as(member.id),
    );
    expect([...page1.data!.comments.edges, ...page2.data!.comments.edges].map((e: any) => e.node.id)).toEqual(ids);
    expect(page2.data!.comments.pageInfo.hasNextPage).toBe(false);
  });
});

describe('comment rate limit', () => {
  it('answers RATE_LIMITED past the per-member limit and writes nothing more', async () => {
    const limited = await startTestServer({ rateLimits: { commentsPerMember: { points: 2, durationSeconds: 60 } } });
    try {
      const content = await buildContent(limited.em());
      const member = await buildMember(limited.em());
      const options = { token: await limited.tokenFor(member.id) };
      for (let i = 0; i < 2; i++)
        expect(errorCode(await limited.gql(ADD, { input: { contentId: content.id, body: `ok ${i}` } }, options))).toBeUndefined();
      const third = await limited.gql(ADD, { input: { contentId: content.id, body: 'one too many' } }, options);
      expect(third.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(third.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
      expect(await limited.em().count(Comment, { author: member.id })).toBe(2);
    } finally {
      await limited.stop();
    }
  });
});
