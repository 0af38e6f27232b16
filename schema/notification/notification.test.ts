import { buildContent, buildMember, buildTheme } from '../../test/factories';
import { countQueries, errorCode, startTestServer, subscribe, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';
import { MemberInterest } from '../content/member-interest.entity';
import { ContentStatus } from '../content/content.entity';
import { Notification } from './notification.entity';
import { NotificationKind, NotificationSubjectType, NOTIFICATION_SUBJECT } from './notification-kind';
import { notificationText } from './notification-text';
import { readersAffectedBy } from './notification.queries';
import { LOCALES } from '../../server/i18n/i18n';

const NOTIFICATIONS = `query($unreadOnly: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
    edges { node { id kind readAt contextId actor { id } subjectType subjectId subjectTitle subject { __typename ... on Content { id title } } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
  unreadNotificationCount
}`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const settled = () => server.hearth.deps.events.idle();

async function interested(themeIds: string[], count: number) {
  const members = [];
  for (let i = 0; i < count; i++) {
    const member = await buildMember(server.em());
    const em = server.em();
    for (const theme of themeIds) em.create(MemberInterest, { member: member.id, theme, createdAt: new Date() });
    await em.flush();
    members.push(member);
  }
  return members;
}

describe('notifications', () => {
  it('tells members interested in a theme of a published item, once each, never its author', async () => {
    const [t1, t2, other] = [await buildTheme(server.em()), await buildTheme(server.em()), await buildTheme(server.em())];
    const both = await interested([t1.id, t2.id], 2);
    const one = await interested([t2.id], 1);
    const uninterested = await interested([other.id], 1);
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    await server.em().insert(MemberInterest, { member: author.id, theme: t1.id, createdAt: new Date() });
    const draft = await buildContent(server.em(), { author, themes: [t1, t2], status: ContentStatus.DRAFT, title: 'Q3 benchmark' });

    await server.gql(`mutation($id: ID!) { publishContent(id: $id) { id } }`, { id: draft.id }, await as(author.id));
    await settled();
    const rows = await server.em().find(Notification, { subjectId: draft.id });
    expect(rows.map((n) => n.recipient.id).sort()).toEqual([...both, ...one].map((m) => m.id).sort());
    const mine = await server.gql(NOTIFICATIONS, {}, await as(one[0].id));
    expect(mine.data!.notifications.edges[0].node).toMatchObject({
      kind: 'CONTENT_PUBLISHED',
      readAt: null,
      actor: { id: author.id },
      subjectType: 'CONTENT',
      subjectId: draft.id,
      subjectTitle: 'Q3 benchmark',
      subject: { __typename: 'Content', id: draft.id, title: 'Q3 benchmark' },
    });
    expect(mine.data!.unreadNotificationCount).toBe(1);
    expect(await server.em().count(Notification, { recipient: uninterested[0].id })).toBe(0);

    // Re-publishing after an archive does not notify again.
    await server.gql(`mutation($id: ID!) { archiveContent(id: $id) { id } }`, { id: draft.id }, await as(author.id));
    await server.gql(`mutation($id: ID!) { publishContent(id: $id) { id } }`, { id: draft.id }, await as(author.id));
    await settled();
    expect(await server.em().count(Notification, { subjectId: draft.id })).toBe(3);
  });

  it('fans out to more recipients than one batch', async () => {
    const theme = await buildTheme(server.em());
    const em = server.em();
    await em.execute(
      `insert into member (id, email, password_hash, display_name, role, membership, created_at)
       select gen_random_uuid(), 'fan' || g || '-' || ? || '@example.test', 'x', 'Fan ' || g, 'MEMBER', 'FREE', now() from generate_series(1, 2500) g`,
      [theme.id],
    );
    await em.execute(`insert into member_interest (member_id, theme_id, created_at) select id, ?, now() from member where email like ?`, [
      theme.id,
      `fan%-${theme.id}@example.test`,
    ]);
    const content = await buildContent(server.em(), { themes: [theme], status: ContentStatus.DRAFT });
    const admin = await buildMember(server.em(), { role: Role.ADMIN });
    await server.gql(`mutation($id: ID!) { publishContent(id: $id) { id } }`, { id: content.id }, await as(admin.id));
    await settled();
    const [{ count, distinct }] = await em.execute(
      `select count(*)::int as count, count(distinct recipient_id)::int as distinct from notification where subject_id = ?`,
      [content.id],
    );
    expect({ count, distinct }).toEqual({ count: 2500, distinct: 2500 });
  });

  it('tells the parent’s author of a reply and the item’s author of a comment, not the commenter', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const content = await buildContent(server.em(), { author });
    const [alice, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const top = (await server.gql(ADD_COMMENT, { input: { contentId: content.id, body: 'Great read' } }, await as(alice.id))).data!
      .addComment;
    await settled(); // notifications are stamped when written, after the request
    server.clock.advance({ seconds: 1 });
    await server.gql(ADD_COMMENT, { input: { contentId: content.id, body: 'Yes!', parentId: top.id } }, await as(bob.id));
    await settled();
    server.clock.advance({ seconds: 1 });
    await server.gql(ADD_COMMENT, { input: { contentId: content.id, body: 'Thanks', parentId: top.id } }, await as(alice.id));
    await settled();
    const kinds = async (memberId: string) =>
      (await server.em().find(Notification, { recipient: memberId }, { orderBy: { createdAt: 'asc' } })).map((n) => [
        n.kind,
        n.subjectTitle,
      ]);
    expect(await kinds(author.id)).toEqual([
      ['COMMENT_ON_MY_CONTENT', 'Great read'],
      ['COMMENT_ON_MY_CONTENT', 'Yes!'],
      ['COMMENT_ON_MY_CONTENT', 'Thanks'],
    ]);
    expect(await kinds(alice.id)).toEqual([['COMMENT_REPLY', 'Yes!']]);
    expect(await kinds(bob.id)).toEqual([]);
  });

  it('marks given ids or all read, and pages newest first with unreadOnly', async () => {
    const member = await buildMember(server.em());
    const em = server.em();
    for (let i = 0; i < 3; i++) {
      em.create(Notification, {
        recipient: member.id,
        kind: 'MESSAGE_RECEIVED' as never,
        subjectType: 'MESSAGE' as never,
        subjectId: crypto.randomUUID(),
        subjectTitle: `#${i}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, i)),
      });
    }
    await em.flush();
    const page = await server.gql(NOTIFICATIONS, { first: 2 }, await as(member.id));
    expect(page.data!.notifications.edges.map((e: any) => e.node.subjectTitle)).toEqual(['#2', '#1']);
    expect(page.data!.notifications.totalCount).toBe(3);
    const mark = `mutation($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) { notifications { id readAt } unreadCount } }`;
    const firstId = page.data!.notifications.edges[0].node.id;
    const marked = (await server.gql(mark, { ids: [firstId] }, await as(member.id))).data!.markNotificationsRead;
    expect(marked).toEqual({ notifications: [{ id: firstId, readAt: server.clock.now().toISOString() }], unreadCount: 2 });
    const unread = await server.gql(NOTIFICATIONS, { unreadOnly: true }, await as(member.id));
    expect(unread.data!.notifications.edges.map((e: any) => e.node.subjectTitle)).toEqual(['#1', '#0']);
    expect(unread.data!.notifications.totalCount).toBe(2);
    expect(errorCode(await server.gql(mark, {}, await as(member.id)))).toBe('BAD_USER_INPUT');
    // Someone else's ids change nothing.
    const stranger = await buildMember(server.em());
    expect((await server.gql(mark, { ids: [firstId] }, await as(stranger.id))).data!.markNotificationsRead).toEqual({
      notifications: [],
      unreadCount: 0,
    });
    const all = (await server.gql(mark, { all: true }, await as(member.id))).data!.markNotificationsRead;
    expect(all.unreadCount).toBe(0);
    expect(all.notifications.map((n: any) => n.id)).toEqual(unread.data!.notifications.edges.map((e: any) => e.node.id));
  });

  it('pushes notificationAdded and unreadNotificationCountChanged to the recipient only', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const content = await buildContent(server.em(), { author, title: 'Live item' });
    const commenter = await buildMember(server.em());
    const bystander = await buildMember(server.em());
    const authorSocket = server.ws(await server.tokenFor(author.id));
    const added = await subscribe(authorSocket, `subscription { notificationAdded { kind subjectTitle contextId actor { id } } }`);
    const counts = await subscribe(authorSocket, `subscription { unreadNotificationCountChanged }`);
    const other = await subscribe(server.ws(await server.tokenFor(bystander.id)), `subscription { notificationAdded { kind } }`);

    await server.gql(ADD_COMMENT, { input: { contentId: content.id, body: 'Hello author' } }, await as(commenter.id));
    expect((await added.next()).data!.notificationAdded).toEqual({
      kind: 'COMMENT_ON_MY_CONTENT',
      subjectTitle: 'Hello author',
      contextId: content.id,
      actor: { id: commenter.id },
    });
    expect((await counts.next()).data!.unreadNotificationCountChanged).toBe(1);
    await server.gql(`mutation { markNotificationsRead(all: true) { unreadCount } }`, {}, await as(author.id));
    expect((await counts.next()).data!.unreadNotificationCountChanged).toBe(0);
    expect(other.received).toEqual([]);
  });

  it('writes each notification’s text in the reader’s language, live and in the list, and in the new one after a change', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER, locale: 'fr', displayName: 'Léa Dupont' });
    const content = await buildContent(server.em(), { author, title: 'Benchmark T3' });
    const commenter = await buildMember(server.em(), { displayName: 'Ann Lee' });
    const added = await subscribe(server.ws(await server.tokenFor(author.id)), `subscription { notificationAdded { text } }`);

    const top = (await server.gql(ADD_COMMENT, { input: { contentId: content.id, body: 'Great read' } }, await as(commenter.id))).data!
      .addComment;
    expect((await added.next()).data!.notificationAdded.text).toBe('Ann Lee a commenté votre contenu : « Great read »');
    await settled();
    await server.gql(ADD_COMMENT, { input: { contentId: content.id, body: 'Merci !', parentId: top.id } }, await as(author.id));
    await settled();
    // The commenter chose nothing: the community's language (COMMUNITY_LOCALE, en here).
    const theirs = await server.gql(`{ notifications { edges { node { text } } } }`, {}, await as(commenter.id));
    expect(theirs.data!.notifications.edges.map((e: any) => e.node.text)).toEqual(['Léa Dupont replied to your comment: “Merci !”']);

    await server.gql(`mutation { updateProfile(input: { locale: "en" }) { locale } }`, {}, await as(author.id));
    const mine = await server.gql(`{ notifications { edges { node { text } } } }`, {}, await as(author.id));
    expect(mine.data!.notifications.edges.map((e: any) => e.node.text)).toEqual(['Ann Lee commented on your content: “Great read”']);
  });

  it.each(LOCALES)('has a sentence for every kind in %s, with the actor and the subject in it', (locale) => {
    for (const kind of Object.values(NotificationKind)) {
      const subjectTypes =
        kind === NotificationKind.CONTENT_HIDDEN
          ? [NotificationSubjectType.CONTENT, NotificationSubjectType.COMMENT, NotificationSubjectType.MESSAGE]
          : [NOTIFICATION_SUBJECT[kind]];
      for (const subjectType of subjectTypes) {
        const text = notificationText({ kind, subjectType, subjectTitle: 'Quarterly review', actorName: 'Ann Lee' }, locale);
        expect({ kind, text }).toEqual({ kind, text: expect.stringMatching(/Quarterly review|Ann Lee/) });
        expect(text).not.toMatch(/\{\{|notification\./);
      }
    }
    expect(
      notificationText(
        { kind: NotificationKind.MESSAGE_RECEIVED, subjectType: NotificationSubjectType.MESSAGE, subjectTitle: 'Hi', actorName: null },
        locale,
      ),
    ).toMatch(/^(Someone|Quelqu’un) /);
  });

  it('isolates what a member wrote when it holds right-to-left text or direction controls, and only then', () => {
    const text = (subjectTitle: string, actorName: string) =>
      notificationText(
        { kind: NotificationKind.COMMENT_REPLY, subjectType: NotificationSubjectType.COMMENT, subjectTitle, actorName },
        'en',
      );
    const flipped = text('nice \u202Etxet', 'Ann Lee');
    expect(flipped).toContain('\u2068nice \u202Etxet\u2069');
    expect(flipped).toContain('Ann Lee');
    expect(text('Merci', 'سارة')).toContain('\u2068سارة\u2069');
    expect(text('Merci', 'Ann Lee')).not.toMatch(/[\u2068\u2069]/);
  });

  it('refuses subscriptions without a logged-in member', async () => {
    const anonymous = await subscribe(server.ws(), `subscription { notificationAdded { id } }`);
    expect(errorCode(await anonymous.next())).toBe('UNAUTHENTICATED');
  });
});

describe('notifications and moderation', () => {
  const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;
  const MARK = `mutation($ids: [ID!], $all: Boolean) {
    markNotificationsRead(ids: $ids, all: $all) { notifications { id subject { ... on Message { body } } } unreadCount }
  }`;
  const SUSPEND = `mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Spam") { id } }`;
  const UNSUSPEND = `mutation($id: ID!) { unsuspendMember(memberId: $id) { id } }`;

  const moderator = () => buildMember(server.em(), { role: Role.MODERATOR });
  const tomorrow = () => new Date(server.clock.now().getTime() + 86_400_000).toISOString();

  /** Sends a message and waits for its notification, one second after the previous one (notifications list newest first). */
  async function message(from: { id: string }, to: { id: string }, body: string): Promise<string> {
    server.clock.advance({ seconds: 1 });
    const sent = await server.gql(SEND, { input: { recipientId: to.id, body } }, await as(from.id));
    expect(sent.errors).toBeUndefined();
    await settled();
    return sent.data!.sendMessage.id as string;
  }

  /** A member reports the message and a moderator hides it. */
  async function hideMessage(reporter: { id: string }, messageId: string): Promise<void> {
    const report = `mutation($input: ReportInput!) { report(input: $input) { id } }`;
    expect(
      (await server.gql(report, { input: { subjectId: messageId, kind: 'MESSAGE', reason: 'HARASSMENT' } }, await as(reporter.id))).errors,
    ).toBeUndefined();
    const [{ id }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ? and status = 'OPEN'`, [messageId]);
    const resolve = `mutation($id: ID!) { resolveReport(caseId: $id, action: HIDE) { id } }`;
    expect((await server.gql(resolve, { id }, await as((await moderator()).id))).errors).toBeUndefined();
  }

  it('drops the notifications that quote a message the moderators deleted, and tells the reader their new count', async () => {
    const [sender, friend, reader] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const nasty = await message(sender, reader, 'Nasty words');
    const kept = await notificationOf(reader, await message(friend, reader, 'Hello'));
    const counts = await subscribe(server.ws(await server.tokenFor(reader.id)), `subscription { unreadNotificationCountChanged }`);
    const report = `mutation($input: ReportInput!) { report(input: $input) { id } }`;
    await server.gql(report, { input: { subjectId: nasty, kind: 'MESSAGE', reason: 'HARASSMENT' } }, await as(reader.id));
    const [{ id }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ? and status = 'OPEN'`, [nasty]);
    const resolve = `mutation($id: ID!) { resolveReport(caseId: $id, action: DELETE) { id } }`;
    expect((await server.gql(resolve, { id }, await as((await moderator()).id))).errors).toBeUndefined();
    await settled();

    expect(await server.em().count(Notification, { subjectId: nasty })).toBe(0);
    const listed = await server.gql(NOTIFICATIONS, {}, await as(reader.id));
    expect(listed.data!.notifications.edges.map((e: any) => e.node.id)).toEqual([kept]);
    expect(listed.data!.unreadNotificationCount).toBe(1);
    expect((await counts.next()).data).toEqual({ unreadNotificationCountChanged: 1 });
    counts.dispose();
  });

  const notificationOf = async (recipient: { id: string }, subjectId: string) =>
    (await server.em().findOneOrFail(Notification, { recipient: recipient.id, subjectId })).id;

  it('markNotificationsRead answers only with notifications that notifications lists, never one about a hidden message', async () => {
    const [sender, friend, reader] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const nasty = await message(sender, reader, 'Nasty');
    const first = await notificationOf(reader, await message(friend, reader, 'First'));
    const second = await notificationOf(reader, await message(friend, reader, 'Second'));
    await hideMessage(reader, nasty);
    const listed = await server.gql(NOTIFICATIONS, {}, await as(reader.id));
    expect(listed.data!.notifications.edges.map((e: any) => e.node.id)).toEqual([second, first]);

    const all = await server.gql(MARK, { all: true }, await as(reader.id));
    expect(all.data!.markNotificationsRead).toEqual({
      notifications: [
        { id: second, subject: { body: 'Second' } },
        { id: first, subject: { body: 'First' } },
      ],
      unreadCount: 0,
    });
    const named = await server.gql(MARK, { ids: [await notificationOf(reader, nasty), first] }, await as(reader.id));
    expect(named.data!.markNotificationsRead).toEqual({ notifications: [{ id: first, subject: { body: 'First' } }], unreadCount: 0 });
  });

  it('leaves out every notification a suspended member caused, meetings included, while the suspension lasts', async () => {
    const [reader, requester, accepter] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const meeting = async (from: { id: string }, to: { id: string }, message: string) => {
      server.clock.advance({ seconds: 1 });
      const input = { memberId: to.id, proposedStart: new Date(server.clock.now().getTime() + 3 * 86_400_000).toISOString(), message };
      const asked = await server.gql(
        `mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) { id } }`,
        { input },
        await as(from.id),
      );
      expect(asked.errors).toBeUndefined();
      await settled();
      return asked.data!.requestMeeting.id as string;
    };
    await meeting(requester, reader, 'Coffee?');
    const mine = await meeting(reader, accepter, 'Lunch?');
    server.clock.advance({ seconds: 1 });
    const accept = `mutation($id: ID!) { respondToMeetingRequest(id: $id, accept: true) { id } }`;
    expect((await server.gql(accept, { id: mine }, await as(accepter.id))).errors).toBeUndefined();
    await settled();
    const seen = async () => {
      const result = await server.gql(
        `{ notifications { totalCount edges { node { kind subjectTitle } } } unreadNotificationCount }`,
        {},
        await as(reader.id),
      );
      expect(result.errors).toBeUndefined();
      return {
        kinds: result.data!.notifications.edges.map((e: any) => [e.node.kind, e.node.subjectTitle]),
        totalCount: result.data!.notifications.totalCount,
        unread: result.data!.unreadNotificationCount,
      };
    };
    expect(await seen()).toEqual({
      kinds: [
        ['MEETING_ACCEPTED', 'Lunch?'],
        ['MEETING_REQUEST', 'Coffee?'],
      ],
      totalCount: 2,
      unread: 2,
    });

    const mod = await moderator();
    expect((await server.gql(SUSPEND, { id: requester.id, until: tomorrow() }, await as(mod.id))).errors).toBeUndefined();
    expect(await seen()).toEqual({ kinds: [['MEETING_ACCEPTED', 'Lunch?']], totalCount: 1, unread: 1 });
    expect((await server.gql(SUSPEND, { id: accepter.id, until: tomorrow() }, await as(mod.id))).errors).toBeUndefined();
    expect(await seen()).toEqual({ kinds: [], totalCount: 0, unread: 0 });

    for (const member of [requester, accepter])
      expect((await server.gql(UNSUSPEND, { id: member.id }, await as(mod.id))).errors).toBeUndefined();
    expect((await seen()).kinds).toEqual([
      ['MEETING_ACCEPTED', 'Lunch?'],
      ['MEETING_REQUEST', 'Coffee?'],
    ]);
  });

  it('a notification’s subject is null while moderation hides it from the reader: a reply on the item of a suspended author', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author });
    const [reader, replier] = [await buildMember(server.em()), await buildMember(server.em())];
    const top = (await server.gql(ADD_COMMENT, { input: { contentId: item.id, body: 'A question' } }, await as(reader.id))).data!
      .addComment;
    const reply = (
      await server.gql(ADD_COMMENT, { input: { contentId: item.id, body: 'An answer', parentId: top.id } }, await as(replier.id))
    ).data!.addComment;
    await settled();
    const subjects = async () =>
      (
        await server.gql(`{ notifications { edges { node { subjectTitle subject { ... on Comment { id } } } } } }`, {}, await as(reader.id))
      ).data!.notifications.edges.map((e: any) => e.node);
    expect(await subjects()).toEqual([{ subjectTitle: 'An answer', subject: { id: reply.id } }]);

    const mod = await moderator();
    expect((await server.gql(SUSPEND, { id: author.id, until: tomorrow() }, await as(mod.id))).errors).toBeUndefined();
    expect(await subjects()).toEqual([{ subjectTitle: 'An answer', subject: null }]);
    expect((await server.gql(UNSUSPEND, { id: author.id }, await as(mod.id))).errors).toBeUndefined();
    expect(await subjects()).toEqual([{ subjectTitle: 'An answer', subject: { id: reply.id } }]);
  });

  it('unreadNotificationCountChanged gives each reader their new count when moderation hides or shows what notified them', async () => {
    const [sender, friend, reader, other, bystander] = [
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em()),
    ];
    const rude = await message(sender, reader, 'One');
    await message(sender, reader, 'Two');
    await message(friend, reader, 'Hi');
    await message(sender, other, 'Hello');
    const counts = async (member: { id: string }) =>
      subscribe(server.ws(await server.tokenFor(member.id)), `subscription { unreadNotificationCountChanged }`);
    const [readerCounts, otherCounts, bystanderCounts] = [await counts(reader), await counts(other), await counts(bystander)];
    const next = async (live: typeof readerCounts) => (await live.next()).data!.unreadNotificationCountChanged;

    await hideMessage(reader, rude);
    expect(await next(readerCounts)).toBe(2);
    const mod = await moderator();
    expect((await server.gql(SUSPEND, { id: sender.id, until: tomorrow() }, await as(mod.id))).errors).toBeUndefined();
    expect([await next(readerCounts), await next(otherCounts)]).toEqual([1, 0]);
    expect((await server.gql(UNSUSPEND, { id: sender.id }, await as(mod.id))).errors).toBeUndefined();
    expect([await next(readerCounts), await next(otherCounts)]).toEqual([2, 1]);
    await settled();
    expect([readerCounts.received.length, otherCounts.received.length, bystanderCounts.received]).toEqual([3, 2, []]);
  });

  // readersAffectedBy reads a member's notifications in one arm per way (notificationsByMember), each through its index.
  it('finds the unread readers of what a member caused or wrote, each way, never their own notifications', async () => {
    const members = [];
    for (let i = 0; i < 8; i++) members.push(await buildMember(server.em()));
    const [member, friend, caused, aboutItem, aboutComment, aboutMessage, readAlready, elsewhere] = members;
    const item = await buildContent(server.em(), { author: member });
    const other = await buildContent(server.em(), { author: friend });
    const comment = (await server.gql(ADD_COMMENT, { input: { contentId: item.id, body: 'Mine' } }, await as(member.id))).data!.addComment;
    const sent = await message(member, friend, 'Hello'); // friend's notification: its actor is the member
    const em = server.em();
    const notify = (
      recipient: { id: string },
      subjectType: NotificationSubjectType,
      subjectId: string,
      more: { actor?: string; readAt?: Date } = {},
    ) =>
      em.create(Notification, {
        recipient: recipient.id,
        kind: NotificationKind.MEETING_REQUEST,
        subjectType,
        subjectId,
        subjectTitle: 'About',
        createdAt: server.clock.now(),
        ...more,
      });
    notify(caused, NotificationSubjectType.MEETING, crypto.randomUUID(), { actor: member.id });
    notify(aboutItem, NotificationSubjectType.CONTENT, item.id);
    notify(aboutComment, NotificationSubjectType.COMMENT, comment.id);
    notify(aboutMessage, NotificationSubjectType.MESSAGE, sent);
    notify(readAlready, NotificationSubjectType.MEETING, crypto.randomUUID(), { actor: member.id, readAt: server.clock.now() });
    notify(elsewhere, NotificationSubjectType.CONTENT, other.id);
    notify(member, NotificationSubjectType.CONTENT, item.id);
    await em.flush();

    const readers = async (change: Parameters<typeof readersAffectedBy>[1]) => (await readersAffectedBy(server.em(), change)).sort();
    expect(await readers({ kind: 'MEMBER', subjectId: member.id, authorId: member.id })).toEqual(
      [caused, aboutItem, aboutComment, aboutMessage, friend].map((m) => m.id).sort(),
    );
    expect(await readers({ kind: 'CONTENT', subjectId: item.id, authorId: member.id })).toEqual([aboutItem.id]);
  });

  it('announces the new counts of a suspended member’s readers in as many statements for 6 readers as for 2', async () => {
    const counted = async (readers: number) => {
      const member = await buildMember(server.em());
      const em = server.em();
      for (let i = 0; i < readers; i++) {
        const reader = await buildMember(em);
        em.create(Notification, {
          recipient: reader.id,
          kind: NotificationKind.MEETING_REQUEST,
          actor: member.id,
          subjectType: NotificationSubjectType.MEETING,
          subjectId: crypto.randomUUID(),
          subjectTitle: 'Coffee?',
          createdAt: server.clock.now(),
        });
      }
      await em.flush();
      const mod = await moderator();
      const options = await as(mod.id);
      return countQueries(server, async () => {
        expect((await server.gql(SUSPEND, { id: member.id, until: tomorrow() }, options)).errors).toBeUndefined();
        await settled();
      });
    };
    const two = await counted(2);
    expect(await counted(6)).toBe(two);
  });
});
