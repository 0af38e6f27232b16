import { buildContent, buildMember } from '../../test/factories';
import { startTestServer, subscribe, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';

const REPORT = `mutation($input: ReportInput!) { report(input: $input) { id } }`;
const NOTIFICATIONS = `{ notifications(first: 20) { edges { node { kind subjectType subjectId subjectTitle actor { id }
  subject { __typename ... on ModerationCase { id subjectId reportCount } ... on Content { id moderationNotice } ... on Comment { id } } } } } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { MODERATION_AUTO_HIDE_REPORTERS: '2' } });
});
afterAll(() => server.stop());

const as = async (member: { id: string }) => ({ token: await server.tokenFor(member.id) });
const notificationsOf = async (member: { id: string }) => {
  await server.hearth.deps.events.idle();
  return (await server.gql(NOTIFICATIONS, {}, await as(member))).data!.notifications.edges.map((edge: { node: unknown }) => edge.node);
};

describe('moderation notifications', () => {
  it('REPORT_FILED tells admins and moderators once per case, with the case as subject; members never see the case', async () => {
    const item = await buildContent(server.em(), { title: 'Dubious offer' });
    const [moderator, admin] = [
      await buildMember(server.em(), { role: Role.MODERATOR }),
      await buildMember(server.em(), { role: Role.ADMIN }),
    ];
    const [first, second] = [await buildMember(server.em()), await buildMember(server.em())];
    await server.gql(REPORT, { input: { subjectId: item.id, kind: 'CONTENT', reason: 'SPAM' } }, await as(first));
    await server.gql(REPORT, { input: { subjectId: item.id, kind: 'CONTENT', reason: 'OTHER' } }, await as(second));
    for (const recipient of [moderator, admin]) {
      const filed = (await notificationsOf(recipient)).filter((n: { kind: string }) => n.kind === 'REPORT_FILED');
      expect(filed).toHaveLength(1);
      expect(filed[0]).toMatchObject({
        subjectType: 'MODERATION_CASE',
        subjectTitle: 'Dubious offer',
        actor: null,
        subject: { __typename: 'ModerationCase', subjectId: item.id, reportCount: 2 },
      });
    }
    expect((await notificationsOf(first)).filter((n: { kind: string }) => n.kind === 'REPORT_FILED')).toEqual([]);
  });

  it('CONTENT_HIDDEN tells the author when reporters or a moderator hide their item or comment; the subject stays readable for them', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author, title: 'My talk' });
    const [a, b] = [await buildMember(server.em()), await buildMember(server.em())];
    for (const reporter of [a, b])
      await server.gql(REPORT, { input: { subjectId: item.id, kind: 'CONTENT', reason: 'OFF_TOPIC' } }, await as(reporter));
    const hidden = (await notificationsOf(author)).filter((n: { kind: string }) => n.kind === 'CONTENT_HIDDEN');
    expect(hidden).toEqual([
      {
        kind: 'CONTENT_HIDDEN',
        subjectType: 'CONTENT',
        subjectId: item.id,
        subjectTitle: 'My talk',
        actor: null,
        subject: { __typename: 'Content', id: item.id, moderationNotice: expect.stringMatching(/^Hidden by the moderators/) },
      },
    ]);

    const comment = await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: (await buildContent(server.em())).id, body: 'Off topic rant' } },
      await as(a),
    );
    const commentId = comment.data!.addComment.id;
    await server.gql(REPORT, { input: { subjectId: commentId, kind: 'COMMENT', reason: 'OFF_TOPIC' } }, await as(b));
    const [{ id: caseId }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ?`, [commentId]);
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    await server.gql(`mutation($id: ID!) { resolveReport(caseId: $id, action: HIDE) { id } }`, { id: caseId }, await as(moderator));
    const onComment = (await notificationsOf(a)).filter((n: { kind: string }) => n.kind === 'CONTENT_HIDDEN');
    expect(onComment).toEqual([
      {
        kind: 'CONTENT_HIDDEN',
        subjectType: 'COMMENT',
        subjectId: commentId,
        subjectTitle: 'Off topic rant',
        actor: null,
        subject: { __typename: 'Comment', id: commentId },
      },
    ]);
  });

  it('unreadNotificationCountChanged: a comment hidden by enough reporters leaves its readers’ counts, a dismissal brings it back', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author });
    const [commenter, a, b] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const added = await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: item.id, body: 'Buy cheap watches' } },
      await as(commenter),
    );
    const commentId = added.data!.addComment.id;
    await server.hearth.deps.events.idle();
    const counts = await subscribe(server.ws(await server.tokenFor(author.id)), `subscription { unreadNotificationCountChanged }`);

    for (const reporter of [a, b])
      await server.gql(REPORT, { input: { subjectId: commentId, kind: 'COMMENT', reason: 'SPAM' } }, await as(reporter));
    expect((await counts.next()).data!.unreadNotificationCountChanged).toBe(0);
    const [{ id: caseId }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ?`, [commentId]);
    const moderator = await buildMember(server.em(), { role: Role.MODERATOR });
    await server.gql(`mutation($id: ID!) { resolveReport(caseId: $id, action: DISMISS) { id } }`, { id: caseId }, await as(moderator));
    expect((await counts.next()).data!.unreadNotificationCountChanged).toBe(1);
  });
});
