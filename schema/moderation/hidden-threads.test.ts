import { buildContent, buildInterests, buildMember, buildTheme } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { selectDigestContent } from '../engagement/engagement.queries';
import { Role } from '../identity/member.entity';
import { Notification } from '../notification/notification.entity';
import { NotificationKind, NotificationSubjectType } from '../notification/notification-kind';

const REPORT = `mutation($input: ReportInput!) { report(input: $input) { id } }`;
const RESOLVE = `mutation($id: ID!, $action: ModerationAction!) { resolveReport(caseId: $id, action: $action) { id } }`;
const SUSPEND = `mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Spam") { id } }`;
const UNSUSPEND = `mutation($id: ID!) { unsuspendMember(memberId: $id) { id } }`;
const ADD = `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`;
const THREAD = `query($id: ID!) {
  content(id: $id) { commentCount }
  comments(contentId: $id) { totalCount edges { node { id moderationNotice replies { totalCount edges { node { id moderationNotice } } } } } }
}`;

interface ThreadComment {
  id: string;
  moderationNotice: string | null;
  replies: {
    totalCount: number;
    edges: { node: { id: string; moderationNotice: string | null } }[];
  };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { MODERATION_AUTO_HIDE_REPORTERS: '2' } });
});
afterAll(() => server.stop());

const as = async (member: { id: string }) => ({
  token: await server.tokenFor(member.id),
});
const moderator = () => buildMember(server.em(), { role: Role.MODERATOR });

async function addComment(author: { id: string }, contentId: string, body: string, parentId?: string): Promise<string> {
  const result = await server.gql(ADD, { input: { contentId, body, parentId } }, await as(author));
  expect(result.errors).toBeUndefined();
  server.clock.advance({ seconds: 1 }); // threads read oldest first
  return result.data!.addComment.id as string;
}

async function hideComment(reporter: { id: string }, commentId: string): Promise<void> {
  expect(
    (await server.gql(REPORT, { input: { subjectId: commentId, kind: 'COMMENT', reason: 'SPAM' } }, await as(reporter))).errors,
  ).toBeUndefined();
  const [{ id }] = await server
    .em()
    .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ? and status = 'OPEN'`, [commentId]);
  expect((await server.gql(RESOLVE, { id, action: 'HIDE' }, await as(await moderator()))).errors).toBeUndefined();
}

/** The thread as `viewer` reads it: the item's comment count, top-level comments, and each one's replies. */
async function thread(viewer: { id: string }, contentId: string) {
  const result = await server.gql(THREAD, { id: contentId }, await as(viewer));
  expect(result.errors).toBeUndefined();
  const comments = result.data!.comments as {
    totalCount: number;
    edges: { node: ThreadComment }[];
  };
  return {
    commentCount: result.data!.content.commentCount as number,
    totalCount: comments.totalCount,
    comments: comments.edges.map((edge) => edge.node),
  };
}

describe('moderation in comment threads', () => {
  it('a hidden reply leaves the thread and its counts for others, and stays for its author with a notice', async () => {
    const item = await buildContent(server.em());
    const [writer, replier, reader] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const parent = await addComment(writer, item.id, 'A fair point');
    const kind = await addComment(reader, item.id, 'Agreed', parent);
    const rude = await addComment(replier, item.id, 'Rude reply', parent);
    await hideComment(reader, rude);

    const forReader = await thread(reader, item.id);
    expect(forReader.commentCount).toBe(2);
    expect(forReader.comments).toEqual([
      {
        id: parent,
        moderationNotice: null,
        replies: {
          totalCount: 1,
          edges: [{ node: { id: kind, moderationNotice: null } }],
        },
      },
    ]);

    const forReplier = await thread(replier, item.id);
    expect(forReplier.comments[0].replies.totalCount).toBe(2);
    expect(forReplier.comments[0].replies.edges.map((edge) => edge.node.id)).toEqual([kind, rude]);
    expect(forReplier.comments[0].replies.edges[1].node.moderationNotice).toMatch(/hidden by the moderators/i);
    expect(forReplier.comments[0].replies.edges[0].node.moderationNotice).toBeNull();
  });

  it('a hidden comment keeps a notice for its author; the item’s comment count leaves it out, and its deletion is not counted twice', async () => {
    const item = await buildContent(server.em());
    const [writer, reader] = [await buildMember(server.em()), await buildMember(server.em())];
    const rude = await addComment(writer, item.id, 'You are all idiots');
    const fine = await addComment(writer, item.id, 'Thanks for the talk');
    await hideComment(reader, rude);

    const forWriter = await thread(writer, item.id);
    expect(forWriter.comments.map((comment) => [comment.id, comment.moderationNotice === null])).toEqual([
      [rude, false],
      [fine, true],
    ]);
    expect((await thread(reader, item.id)).totalCount).toBe(1);
    expect(forWriter.commentCount).toBe(1);
    // The author deletes their hidden comment: it had already left the count.
    expect(
      (await server.gql(`mutation($id: ID!) { deleteComment(id: $id) { id } }`, { id: rude }, await as(writer))).errors,
    ).toBeUndefined();
    expect((await thread(reader, item.id)).commentCount).toBe(1);
  });

  it('a comment enough reporters hid leaves the count until a moderator dismisses the case, then comes back', async () => {
    const item = await buildContent(server.em());
    const [writer, a, b] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const comment = await addComment(writer, item.id, 'Borderline joke');
    for (const reporter of [a, b])
      expect(
        (await server.gql(REPORT, { input: { subjectId: comment, kind: 'COMMENT', reason: 'OFF_TOPIC' } }, await as(reporter))).errors,
      ).toBeUndefined();
    expect(await thread(a, item.id)).toMatchObject({ commentCount: 0, totalCount: 0 });
    const [{ id }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ? and status = 'OPEN'`, [comment]);
    expect((await server.gql(RESOLVE, { id, action: 'DISMISS' }, await as(await moderator()))).errors).toBeUndefined();
    expect(await thread(a, item.id)).toMatchObject({ commentCount: 1, totalCount: 1 });
  });

  it('a suspended member’s comments and replies leave the thread for others while suspended, and come back after', async () => {
    const item = await buildContent(server.em());
    const [writer, suspended, reader] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const parent = await addComment(writer, item.id, 'Question for the speaker');
    const reply = await addComment(suspended, item.id, 'Cheap watches here', parent);
    const own = await addComment(suspended, item.id, 'More cheap watches');
    const until = new Date(server.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const mod = await moderator();
    expect((await server.gql(SUSPEND, { id: suspended.id, until }, await as(mod))).errors).toBeUndefined();
    const suspension = `query($id: ID!) { member(id: $id) { suspendedUntil suspensionReason } }`;
    expect((await server.gql(suspension, { id: suspended.id }, await as(mod))).data!.member).toEqual({
      suspendedUntil: until,
      suspensionReason: 'Spam',
    });
    expect((await server.gql(suspension, { id: suspended.id }, await as(reader))).data!.member).toEqual({
      suspendedUntil: null,
      suspensionReason: null,
    });

    const forReader = await thread(reader, item.id);
    expect(forReader.totalCount).toBe(1);
    expect(forReader.comments).toEqual([
      {
        id: parent,
        moderationNotice: null,
        replies: { totalCount: 0, edges: [] },
      },
    ]);
    // Moderators still see everything, with the reason others do not.
    const forModerator = await thread(mod, item.id);
    expect(forModerator.comments.map((comment) => comment.id)).toEqual([parent, own]);
    expect(forModerator.comments[0].replies.edges[0].node).toEqual({
      id: reply,
      moderationNotice: expect.stringMatching(/suspended/),
    });

    expect((await server.gql(UNSUSPEND, { id: suspended.id }, await as(mod))).errors).toBeUndefined();
    expect((await server.gql(suspension, { id: suspended.id }, await as(mod))).data!.member.suspendedUntil).toBeNull();
    const after = await thread(reader, item.id);
    expect(after.comments.map((comment) => comment.id)).toEqual([parent, own]);
    expect(after.comments[0].replies).toEqual({
      totalCount: 1,
      edges: [{ node: { id: reply, moderationNotice: null } }],
    });
  });

  it('a suspended member’s content leaves others’ feed, search, digests and notifications, and comes back after', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), {
      author,
      themes: [theme],
      title: 'Quorblex workshop',
      publishedAt: server.clock.now(),
      createdAt: server.clock.now(),
    });
    const reader = await buildMember(server.em(), {
      createdAt: new Date(server.clock.now().getTime() - 86_400_000),
    });
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
    const surfaces = async () => {
      const digest = await selectDigestContent(server.em(), reader.id, 10, server.clock.now());
      const result = await server.gql(
        `{ feed(first: 100) { edges { node { id } } } search(query: "Quorblex") { edges { node { id } } } notifications(first: 50) { edges { node { subjectId } } } }`,
        {},
        await as(reader),
      );
      expect(result.errors).toBeUndefined();
      const ids = (connection: { edges: { node: { id?: string; subjectId?: string } }[] }) =>
        connection.edges.map((edge) => edge.node.id ?? edge.node.subjectId);
      return {
        feed: ids(result.data!.feed).includes(item.id),
        search: ids(result.data!.search).includes(item.id),
        notifications: ids(result.data!.notifications).includes(item.id),
        digest: [...digest.hot, ...digest.cold].includes(item.id),
      };
    };
    // Before the reader's first request (a visit moves what is "new" for their digest).
    expect((await selectDigestContent(server.em(), reader.id, 10, server.clock.now())).hot).toContain(item.id);
    const mod = await moderator();
    const until = new Date(server.clock.now().getTime() + 86_400_000).toISOString();
    expect((await server.gql(SUSPEND, { id: author.id, until }, await as(mod))).errors).toBeUndefined();
    expect(await surfaces()).toEqual({
      feed: false,
      search: false,
      notifications: false,
      digest: false,
    });
    expect((await server.gql(UNSUSPEND, { id: author.id }, await as(mod))).errors).toBeUndefined();
    expect(await surfaces()).toEqual({
      feed: true,
      search: true,
      notifications: true,
      digest: true,
    });
  });
});

describe('moderation in conversations', () => {
  it('a hidden message leaves the recipient’s conversation and stays for its sender with a notice', async () => {
    const [sender, recipient] = [await buildMember(server.em()), await buildMember(server.em())];
    const send = async (from: { id: string }, input: Record<string, string>) => {
      const result = await server.gql(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id conversationId } }`,
        { input },
        await as(from),
      );
      expect(result.errors).toBeUndefined();
      server.clock.advance({ seconds: 1 });
      return result.data!.sendMessage as { id: string; conversationId: string };
    };
    const first = await send(sender, { recipientId: recipient.id, body: 'Hello there' });
    const rude = await send(sender, { conversationId: first.conversationId, body: 'You idiot' });
    expect(
      (await server.gql(REPORT, { input: { subjectId: rude.id, kind: 'MESSAGE', reason: 'HARASSMENT' } }, await as(recipient))).errors,
    ).toBeUndefined();
    const [{ id }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ? and status = 'OPEN'`, [rude.id]);
    expect((await server.gql(RESOLVE, { id, action: 'HIDE' }, await as(await moderator()))).errors).toBeUndefined();

    const messages = async (viewer: { id: string }) => {
      const result = await server.gql(
        `query($id: ID!) { conversation(id: $id) { messages(first: 10) { edges { node { id moderationNotice } } } } }`,
        { id: first.conversationId },
        await as(viewer),
      );
      expect(result.errors).toBeUndefined();
      return (result.data!.conversation.messages.edges as { node: { id: string; moderationNotice: string | null } }[]).map(
        (edge) => edge.node,
      );
    };
    expect((await messages(recipient)).map((message) => message.id)).toEqual([first.id]);
    const forSender = await messages(sender);
    expect(forSender.find((message) => message.id === rude.id)?.moderationNotice).toMatch(/hidden by the moderators/i);
    expect(forSender.find((message) => message.id === first.id)?.moderationNotice).toBeNull();
  });
});
