import { buildContent, buildInterests, buildMember, buildTheme } from '../../test/factories';
import { errorCode, startTestServer, subscribe, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';
import { Comment } from '../content/comment.entity';
import { Content } from '../content/content.entity';
import { selectDigestContent } from '../engagement/engagement.queries';
import { Notification } from '../notification/notification.entity';
import { NotificationKind, NotificationSubjectType } from '../notification/notification-kind';

const REPORT = `mutation($input: ReportInput!) { report(input: $input) { id } }`;
const RESOLVE = `mutation($id: ID!, $action: ModerationAction!, $note: String) {
  resolveReport(caseId: $id, action: $action, note: $note) { id status action note resolvedAt resolvedBy { id } }
}`;
const CASE_OF = `select id from moderation_case where subject_id = ? and status = 'OPEN'`;
const FEED = `{ feed(first: 100) { edges { node { id } } } }`;
const COMMENTS = `query($id: ID!) { comments(contentId: $id) { edges { node { id body } } totalCount } }`;
const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { subjectId } } totalCount } unreadNotificationCount }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { MODERATION_AUTO_HIDE_REPORTERS: '2' } });
});
afterAll(() => server.stop());

const as = async (member: { id: string }) => ({ token: await server.tokenFor(member.id) });
const reportBy = async (member: { id: string }, subjectId: string, kind = 'CONTENT') => {
  const result = await server.gql(REPORT, { input: { subjectId, kind, reason: 'HARASSMENT' } }, await as(member));
  expect(result.errors).toBeUndefined();
  return (await server.em().execute<{ id: string }[]>(CASE_OF, [subjectId]))[0].id;
};
const searchIds = async (member: { id: string }, query: string) =>
  (
    (await server.gql(`query($q: String!) { search(query: $q) { edges { node { id } } } }`, { q: query }, await as(member))).data!.search
      .edges as { node: { id: string } }[]
  ).map((edge) => edge.node.id);
const feedIds = async (member: { id: string }) =>
  ((await server.gql(FEED, {}, await as(member))).data!.feed.edges as { node: { id: string } }[]).map((edge) => edge.node.id);

describe('resolveReport', () => {
  it('HIDE hides the item from feeds, digests and others’ notifications, keeps it for its author, and is logged', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), {
      author,
      themes: [theme],
      title: 'Zyxquorp masterclass',
      publishedAt: server.clock.now(),
      createdAt: server.clock.now(),
    });
    const reader = await buildMember(server.em(), { createdAt: new Date(server.clock.now().getTime() - 86_400_000) });
    await buildInterests(server.em(), [reader], theme);
    const em = server.em();
    em.create(Notification, {
      recipient: reader.id,
      kind: NotificationKind.CONTENT_PUBLISHED,
      subjectType: NotificationSubjectType.CONTENT,
      subjectId: item.id,
      subjectTitle: item.title,
      createdAt: server.clock.now(),
    });
    await em.flush();
    // Before the reader's first request (a visit moves what is "new" for their digest).
    expect((await selectDigestContent(server.em(), reader.id, 10, server.clock.now())).hot).toContain(item.id);
    expect((await server.gql(NOTIFICATIONS, {}, await as(reader))).data).toMatchObject({
      notifications: { totalCount: 1 },
      unreadNotificationCount: 1,
    });

    const caseId = await reportBy(reader, item.id);
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    const resolved = await server.gql(RESOLVE, { id: caseId, action: 'HIDE', note: 'Insults a speaker' }, await as(moderator));
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data!.resolveReport).toMatchObject({
      status: 'RESOLVED',
      action: 'HIDE',
      note: 'Insults a speaker',
      resolvedBy: { id: moderator.id },
    });

    expect(await feedIds(reader)).not.toContain(item.id);
    expect(await feedIds(author)).toContain(item.id);
    expect(await searchIds(reader, 'Zyxquorp')).toEqual([]);
    expect(await searchIds(author, 'Zyxquorp')).toEqual([item.id]);
    const digest = await selectDigestContent(server.em(), reader.id, 10, server.clock.now());
    expect([...digest.hot, ...digest.cold]).not.toContain(item.id);
    expect((await server.gql(NOTIFICATIONS, {}, await as(reader))).data).toMatchObject({
      notifications: { edges: [], totalCount: 0 },
      unreadNotificationCount: 0,
    });
    expect(errorCode(await server.gql(RESOLVE, { id: caseId, action: 'DISMISS' }, await as(moderator)))).toBe('CONFLICT');
    const [logged] = await server.em().execute(`select * from moderation_log_entry where case_id = ?`, [caseId]);
    expect(logged).toMatchObject({
      actor_id: moderator.id,
      action: 'HIDE',
      subject_kind: 'CONTENT',
      subject_id: item.id,
      note: 'Insults a speaker',
    });
  });

  it('DISMISS shows again what enough reporters hid; a later report opens a new case', async () => {
    const item = await buildContent(server.em());
    const [a, b, reader] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    await reportBy(a, item.id);
    const caseId = await reportBy(b, item.id);
    expect(await feedIds(reader)).not.toContain(item.id);
    const admin = await buildMember(server.em(), { role: Role.ADMIN });
    expect((await server.gql(RESOLVE, { id: caseId, action: 'DISMISS' }, await as(admin))).data!.resolveReport.action).toBe('DISMISS');
    expect(await feedIds(reader)).toContain(item.id);
    expect(await reportBy(reader, item.id)).not.toBe(caseId);
  });

  it('hides and deletes comments: a hidden one stays for its author only; a deleted one keeps its place', async () => {
    const item = await buildContent(server.em());
    const [writer, reader, moderator] = [
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em(), { role: Role.MODERATOR }),
    ];
    const add = async (body: string) =>
      (
        await server.gql(
          `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
          { input: { contentId: item.id, body } },
          await as(writer),
        )
      ).data!.addComment.id as string;
    const [rude, spam] = [await add('You are all idiots'), await add('Buy now')];
    await server.gql(RESOLVE, { id: await reportBy(reader, rude, 'COMMENT'), action: 'HIDE' }, await as(moderator));
    await server.gql(RESOLVE, { id: await reportBy(reader, spam, 'COMMENT'), action: 'DELETE' }, await as(moderator));
    const forReader = (await server.gql(COMMENTS, { id: item.id }, await as(reader))).data!.comments;
    expect(forReader.edges.map((edge: { node: { id: string; body: string | null } }) => edge.node)).toEqual([{ id: spam, body: null }]);
    const forWriter = (await server.gql(COMMENTS, { id: item.id }, await as(writer))).data!.comments;
    expect(forWriter.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual([rude, spam].sort());
    expect((await server.em().findOneOrFail(Comment, rude)).hiddenAt).not.toBeNull();
    expect((await server.em().findOneOrFail(Content, item.id)).commentCount).toBe(0); // neither the deleted one nor the hidden one counts
    // A hidden reply leaves the thread too.
    const parent = await add('A fair point');
    const reply = (
      await server.gql(
        `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
        { input: { contentId: item.id, body: 'Reply', parentId: parent } },
        await as(reader),
      )
    ).data!.addComment.id;
    const rudeReply = (
      await server.gql(
        `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
        { input: { contentId: item.id, body: 'Rude reply', parentId: parent } },
        await as(writer),
      )
    ).data!.addComment.id;
    await server.gql(RESOLVE, { id: await reportBy(reader, rudeReply, 'COMMENT'), action: 'HIDE' }, await as(moderator));
    const thread = await server.gql(
      `query($id: ID!) { comments(contentId: $id) { edges { node { id replies { edges { node { id } } } } } } }`,
      { id: item.id },
      await as(reader),
    );
    const onParent = thread.data!.comments.edges.find((edge: { node: { id: string } }) => edge.node.id === parent).node;
    expect(onParent.replies.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([reply]);
  });

  it('commentAdded on a hidden item reaches its author and moderators, not other members', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author });
    const [reader, moderator] = [await buildMember(server.em()), await buildMember(server.em(), { role: Role.MODERATOR })];
    const query = `subscription($id: ID!) { commentAdded(contentId: $id) { body } }`;
    const forReader = await subscribe(server.ws((await as(reader)).token), query, { id: item.id });
    const forModerator = await subscribe(server.ws((await as(moderator)).token), query, { id: item.id });
    await server.gql(RESOLVE, { id: await reportBy(reader, item.id), action: 'HIDE' }, await as(moderator));
    await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: item.id, body: 'Still here' } },
      await as(author),
    );
    expect((await forModerator.next()).data!.commentAdded.body).toBe('Still here');
    await server.hearth.deps.events.idle();
    expect(forReader.received).toEqual([]);
    forReader.dispose();
    forModerator.dispose();
  });

  it('refuses HIDE and DELETE on a member report, unknown cases, and non-moderators, with typed errors', async () => {
    const [target, reporter, member] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const caseId = await reportBy(reporter, target.id, 'MEMBER');
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    expect(errorCode(await server.gql(RESOLVE, { id: caseId, action: 'HIDE' }, await as(moderator)))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(RESOLVE, { id: caseId, action: 'DELETE' }, await as(moderator)))).toBe('BAD_USER_INPUT');
    expect(
      errorCode(await server.gql(RESOLVE, { id: '00000000-0000-4000-8000-000000000000', action: 'DISMISS' }, await as(moderator))),
    ).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(RESOLVE, { id: caseId, action: 'DISMISS' }, await as(member)))).toBe('FORBIDDEN');
    expect((await server.gql(RESOLVE, { id: caseId, action: 'DISMISS' }, await as(moderator))).errors).toBeUndefined();
  });
});
