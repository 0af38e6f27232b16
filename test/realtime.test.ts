import { buildContent, buildMember, buildTheme } from './factories';
import {
  captureQueries,
  describeWithRedis,
  startTestServer,
  startTwoInstances,
  stopServers,
  subscribe,
  until,
  wsExecute,
  type LiveSubscription,
  type TestServer,
} from './server';
import { Role } from '../schema/identity/member.entity';
import { ContentStatus } from '../schema/content/content.entity';
import { MemberInterest } from '../schema/content/member-interest.entity';

const PUBLISH = `mutation($id: ID!) { publishContent(id: $id) { id } }`;
const CONTENT_PUBLISHED = `subscription($themeSlug: String) { contentPublished(themeSlug: $themeSlug) { id title themes { slug } author { id } } }`;

describe('subscriptions on one instance', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('contentPublished delivers items on the theme asked for, and never an item that is not published', async () => {
    const [design, sales] = [await buildTheme(server.em()), await buildTheme(server.em())];
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const onDesign = await buildContent(server.em(), { author, themes: [design], status: ContentStatus.DRAFT, title: 'Design item' });
    const onSales = await buildContent(server.em(), { author, themes: [sales], status: ContentStatus.DRAFT, title: 'Sales item' });
    const stillDraft = await buildContent(server.em(), { author, themes: [design], status: ContentStatus.DRAFT });
    const member = await buildMember(server.em());
    const socket = server.ws(await server.tokenFor(member.id));
    const designOnly = await subscribe(socket, CONTENT_PUBLISHED, { themeSlug: design.slug });
    const everything = await subscribe(socket, CONTENT_PUBLISHED);

    // An event about a draft (a forged or stale one) is re-checked and dropped.
    server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: stillDraft.id });
    const token = await server.tokenFor(author.id);
    await server.gql(PUBLISH, { id: onSales.id }, { token });
    await server.gql(PUBLISH, { id: onDesign.id }, { token });
    expect((await everything.next()).data!.contentPublished).toEqual({
      id: onSales.id,
      title: 'Sales item',
      themes: [{ slug: sales.slug }],
      author: { id: author.id },
    });
    expect((await everything.next()).data!.contentPublished.id).toBe(onDesign.id);
    expect((await designOnly.next()).data!.contentPublished.id).toBe(onDesign.id);
    expect(designOnly.received).toHaveLength(1);
    // Left open, these would keep checking every later event of this file, the next test's too.
    designOnly.dispose();
    everything.dispose();
  });

  it('runs one check and one execution per event for many subscribers of the same operation', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const query = `subscription($t: String) { contentPublished(themeSlug: $t) { id title themes { slug } author { displayName } } }`;
    const publishAndReceive = async (live: LiveSubscription<Record<string, any>>[]) => {
      const item = await buildContent(server.em(), { author, themes: [theme] });
      server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
      for (const subscription of live) expect((await subscription.next()).data!.contentPublished.id).toBe(item.id);
    };
    const statementsFor = async (subscribers: number) => {
      const live: LiveSubscription<Record<string, any>>[] = [];
      for (let i = 0; i < subscribers; i++) {
        const member = await buildMember(server.em());
        live.push(await subscribe(server.ws(await server.tokenFor(member.id)), query, { t: theme.slug }));
      }
      await publishAndReceive(live); // every subscription is registered once it has received an event
      const draft = await buildContent(server.em(), { author, themes: [theme], status: ContentStatus.DRAFT });
      // Subscriptions disposed before (the previous test's, the previous call's) leave the server
      // asynchronously; until they have, their shared sources would check these events too.
      await until('only this operation’s shared source', () => server.hearth.sharedSubscriptionSources() === 1);
      // The statements themselves (ids blanked, sorted: checks run concurrently), so a difference
      // shows which statement it is.
      const statements = await captureQueries(server, async () => {
        server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: draft.id }); // checked once, dropped
        await publishAndReceive(live);
      });
      live.forEach((subscription) => subscription.dispose());
      return statements.map((sql) => sql.replace(/'[0-9a-f-]{36}'/g, "'<id>'")).sort();
    };
    const one = await statementsFor(1);
    expect(await statementsFor(8)).toEqual(one);
  });

  it('subscribers of one operation share a broadcast that outlives whoever started it and ends with the last of them', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const query = `subscription($t: String) { contentPublished(themeSlug: $t) { id } }`;
    const join = async () => subscribe(server.ws(await server.tokenFor((await buildMember(server.em())).id)), query, { t: theme.slug });
    const publish = async () => {
      const item = await buildContent(server.em(), { author, themes: [theme] });
      server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
      return item.id;
    };
    const before = server.hearth.sharedSubscriptionSources();
    const [first, second] = [await join(), await join()];
    expect(server.hearth.sharedSubscriptionSources()).toBe(before + 1);
    const one = await publish();
    expect([(await first.next()).data!.contentPublished.id, (await second.next()).data!.contentPublished.id]).toEqual([one, one]);

    first.dispose(); // the next join waits long enough for the server to have let it go
    const third = await join();
    const two = await publish();
    expect([(await second.next()).data!.contentPublished.id, (await third.next()).data!.contentPublished.id]).toEqual([two, two]);
    expect(first.received).toHaveLength(1);

    second.dispose();
    third.dispose();
    await until('the broadcast to end with its last member', () => server.hearth.sharedSubscriptionSources() === before); // complete reaches the server asynchronously
  });

  it('executes an operation that selects viewer-dependent fields for each subscriber', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const reader = await buildMember(server.em());
    const query = `subscription($t: String) { contentPublished(themeSlug: $t) { id author { id email } } }`;
    const asAuthor = await subscribe(server.ws(await server.tokenFor(author.id)), query, { t: theme.slug });
    const asReader = await subscribe(server.ws(await server.tokenFor(reader.id)), query, { t: theme.slug });
    const item = await buildContent(server.em(), { author, themes: [theme] });
    server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
    expect((await asAuthor.next()).data!.contentPublished.author).toEqual({ id: author.id, email: author.email });
    expect((await asReader.next()).data!.contentPublished.author).toEqual({ id: author.id, email: null });
    asAuthor.dispose();
    asReader.dispose();
  });

  it('commentAdded delivers the item’s new comments only', async () => {
    const [item, other] = [await buildContent(server.em()), await buildContent(server.em())];
    const [reader, writer] = [await buildMember(server.em()), await buildMember(server.em())];
    const comments = await subscribe(
      server.ws(await server.tokenFor(reader.id)),
      `subscription($id: ID!) { commentAdded(contentId: $id) { body author { id } } }`,
      { id: item.id },
    );
    const add = `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`;
    const token = await server.tokenFor(writer.id);
    await server.gql(add, { input: { contentId: other.id, body: 'elsewhere' } }, { token });
    await server.gql(add, { input: { contentId: item.id, body: 'here' } }, { token });
    expect((await comments.next()).data!.commentAdded).toEqual({ body: 'here', author: { id: writer.id } });
    expect(comments.received).toHaveLength(1);
  });

  it('commentAdded on an item the member cannot see answers NOT_FOUND at once, as the comments query does', async () => {
    // It used to subscribe to nothing and stay open, silent.
    const reader = await buildMember(server.em());
    const draft = await buildContent(server.em(), { status: ContentStatus.DRAFT });
    const query = `subscription($id: ID!) { commentAdded(contentId: $id) { id } }`;
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id', draft.id]) {
      const result = await wsExecute(server.ws(await server.tokenFor(reader.id)), query, { id });
      expect([id, result.errors?.[0]?.extensions?.code]).toEqual([id, 'NOT_FOUND']);
    }
  });
});

describeWithRedis('two API instances sharing Redis', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => ({ a, b } = await startTwoInstances()));
  afterAll(() => stopServers(b, a));

  it('delivers on instance A what a member did on instance B', async () => {
    const theme = await buildTheme(a.em());
    const author = await buildMember(a.em(), { role: Role.SPEAKER });
    const [reader, friend] = [await buildMember(a.em()), await buildMember(a.em())];
    await a.em().insert(MemberInterest, { member: reader.id, theme: theme.id, createdAt: new Date() });
    const draft = await buildContent(a.em(), { author, themes: [theme], status: ContentStatus.DRAFT, title: 'Across instances' });
    const onA = a.ws(await a.tokenFor(reader.id));
    const published = await subscribe(onA, CONTENT_PUBLISHED, { themeSlug: theme.slug });
    const notified = await subscribe(onA, `subscription { notificationAdded { kind subjectId } }`);
    const messages = await subscribe(onA, `subscription { messageAdded { body } }`);

    await b.gql(PUBLISH, { id: draft.id }, { token: await b.tokenFor(author.id) });
    await b.gql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { recipientId: reader.id, body: 'from B' } },
      { token: await b.tokenFor(friend.id) },
    );

    expect((await published.next()).data!.contentPublished.title).toBe('Across instances');
    const kinds = [(await notified.next()).data!.notificationAdded.kind, (await notified.next()).data!.notificationAdded.kind].sort();
    expect(kinds).toEqual(['CONTENT_PUBLISHED', 'MESSAGE_RECEIVED']);
    expect((await messages.next()).data!.messageAdded.body).toBe('from B');
    expect(published.received).toHaveLength(1); // published once, delivered once
  });

  it('forgets a cached viewer on every instance when an admin changes their role', async () => {
    const [admin, member] = [await buildMember(a.em(), { role: Role.ADMIN }), await buildMember(a.em(), { role: Role.ADMIN })];
    const members = `{ members(first: 1) { edges { node { id } } } }`;
    const tokenOnA = await a.tokenFor(member.id);
    expect((await a.gql(members, {}, { token: tokenOnA })).errors).toBeUndefined(); // cached on A as an admin
    await b.gql(
      `mutation($id: ID!) { setMemberRole(memberId: $id, role: MEMBER) { role } }`,
      { id: member.id },
      { token: await b.tokenFor(admin.id) },
    );
    // The invalidation crosses Redis; A's cache never expires on its own here (the test clock stands still).
    const codeOnA = async () => (await a.gql(members, {}, { token: tokenOnA })).errors?.[0]?.extensions?.code;
    await until('A to forget the cached admin', async () => (await codeOnA()) === 'FORBIDDEN', 5_000);
  });
});
