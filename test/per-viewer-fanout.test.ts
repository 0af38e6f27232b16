import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { ContentPublishedDocument } from '../client/generated/graphql';
import { buildContent, buildMember, buildTheme, buildView } from './factories';
import {
  captureQueries,
  startTestServer,
  subscribe,
  subscriptionsReady,
  until,
  type GraphQLResponse,
  type LiveSubscription,
  type TestServer,
} from './server';
import { Member, Role } from '../schema/identity/member.entity';
import { ContentStatus } from '../schema/content/content.entity';
import { uuidArray } from '../server/db/sql';

/** The shipped client's subscription: its ContentCard selects seenByMe, so it is executed per viewer. */
const CONTENT_PUBLISHED = print(ContentPublishedDocument);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** `count` members written in one flush (a thousand one by one would be most of the test). */
async function buildMembers(count: number): Promise<Member[]> {
  const em = server.em();
  const members = Array.from({ length: count }, () => {
    const id = randomUUID();
    return em.create(Member, {
      id,
      email: `fan-${id}@example.test`,
      passwordHash: 'not-used',
      displayName: `Fan ${id.slice(0, 4)}`,
      role: Role.MEMBER,
    });
  });
  await em.flush();
  return members;
}

/** One subscriber per member, each on a socket of their own, all set up on the server. */
async function subscribeAll(members: Member[], themeSlug: string) {
  const received = new Map<string, GraphQLResponse[]>();
  const since = server.hearth.subscriptionsStarted();
  const sockets: Client[] = [];
  for (const member of members) {
    const results: GraphQLResponse[] = [];
    received.set(member.id, results);
    const socket = server.ws(await server.tokenFor(member.id));
    sockets.push(socket);
    socket.subscribe(
      { query: CONTENT_PUBLISHED, variables: { themeSlug } },
      {
        next: (value) => results.push({ status: 0, ...(value as object) }),
        error: (error) => results.push({ status: 0, errors: [{ message: String(error) }] }),
        complete: () => undefined,
      },
    );
  }
  await subscriptionsReady(server.hearth, since, members.length);
  const allHave = (count: number) =>
    until(
      `${members.length} subscribers to have ${count} result(s)`,
      () => [...received.values()].every((results) => results.length >= count),
      60_000,
    );
  return { received, allHave, dispose: () => Promise.all(sockets.map((socket) => socket.dispose())) };
}

describe('the per-viewer path of a shared subscription', () => {
  it('runs the same statements per event for 1 and 1,000 subscribers, each with their own seenByMe, executed once per distinct answer', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const statementsFor = async (subscribers: number) => {
      const members = await buildMembers(subscribers);
      const live = await subscribeAll(members, theme.slug);
      // A first event registers every subscription with the shared source.
      server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', {
        contentId: (await buildContent(server.em(), { author, themes: [theme] })).id,
      });
      await live.allHave(1);
      // Every third member has already seen the item (a replay republished, a stale event):
      // each subscriber must get their own answer.
      const item = await buildContent(server.em(), { author, themes: [theme] });
      const viewers = new Set(members.filter((_, i) => i % 3 === 0).map((member) => member.id));
      await server.em().execute(
        `insert into content_view (id, member_id, content_id, first_seen_at, last_seen_at, seconds, source)
         select gen_random_uuid(), m, ?, now(), now(), 30, 'FEED' from unnest(?::uuid[]) as m`,
        [item.id, uuidArray([...viewers])],
      );
      const draft = await buildContent(server.em(), { author, themes: [theme], status: ContentStatus.DRAFT });
      // Sockets closed before leave the server asynchronously; until they have, their shared sources check these events too.
      await until('only this operation’s shared source', () => server.hearth.sharedSubscriptionSources() === 1);
      const executionsBefore = server.hearth.subscriptionExecutions();
      const statements = await captureQueries(server, async () => {
        server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: draft.id }); // checked once, dropped
        server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
        await live.allHave(2);
      });
      // One execution per distinct seenByMe (the rest of ContentCard is the same for everyone), not per subscriber.
      const answers = new Set(members.map((member) => viewers.has(member.id))).size;
      expect(server.hearth.subscriptionExecutions() - executionsBefore).toBe(answers);
      for (const member of members) {
        const result = live.received.get(member.id)![1];
        expect(result.errors).toBeUndefined();
        expect(result.data!.contentPublished).toMatchObject({
          id: item.id,
          seenByMe: viewers.has(member.id),
          themes: [{ slug: theme.slug, name: theme.name }],
          author: { id: author.id },
        });
      }
      await live.dispose();
      // Literals blanked (ids, and the arrays of ids that grow with the subscribers), sorted: the
      // statements of one event, whatever the number of its subscribers.
      return statements.map((sql) => sql.replace(/'[^']*'/g, "'…'")).sort();
    };
    const one = await statementsFor(1); // 1 execution
    expect(one.some((sql) => sql.includes('content_view'))).toBe(true);
    expect(await statementsFor(1000)).toEqual(one); // 2 executions: seen, not seen
  }, 180_000);

  it('gives each subscriber only their own per-viewer answers and private fields', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const [blocker, reader] = [await buildMember(server.em()), await buildMember(server.em())];
    const query = `subscription($t: String) { contentPublished(themeSlug: $t) { id seenByMe author { id email blockedByMe } } }`;
    const subscribers = [blocker, reader, author];
    const live = [];
    for (const member of subscribers) live.push(await subscribe(server.ws(await server.tokenFor(member.id)), query, { t: theme.slug }));
    const item = await buildContent(server.em(), { author, themes: [theme] });
    await buildView(server.em(), blocker, item, new Date());
    const token = await server.tokenFor(blocker.id);
    expect(
      (await server.gql(`mutation($id: ID!) { blockMember(memberId: $id) { blockedByMe } }`, { id: author.id }, { token })).data,
    ).toEqual({ blockMember: { blockedByMe: true } });

    server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
    const [asBlocker, asReader, asAuthor] = await Promise.all(live.map((subscription) => subscription.next()));
    expect(asBlocker.data!.contentPublished).toEqual({
      id: item.id,
      seenByMe: true,
      author: { id: author.id, email: null, blockedByMe: true },
    });
    expect(asReader.data!.contentPublished).toEqual({
      id: item.id,
      seenByMe: false,
      author: { id: author.id, email: null, blockedByMe: false },
    });
    expect(asAuthor.data!.contentPublished).toEqual({
      id: item.id,
      seenByMe: false,
      author: { id: author.id, email: author.email, blockedByMe: false },
    });
    live.forEach((subscription) => subscription.dispose());
  });

  it('executes once per distinct answer, and gives every subscriber the answer of its own viewer', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const [seer1, seer2, blocker, reader1, reader2] = await buildMembers(5);
    const query = `subscription($t: String) { contentPublished(themeSlug: $t) { id title seenByMe author { id displayName email blockedByMe } } }`;
    // Each of `answers` is one distinct answer of the per-viewer fields; two sockets of one member answer alike.
    const groups = [[seer1, seer2], [blocker], [reader1, reader2, reader1], [author]];
    const live = [];
    for (const group of groups)
      for (const member of group) live.push(await subscribe(server.ws(await server.tokenFor(member.id)), query, { t: theme.slug }));
    const item = await buildContent(server.em(), { author, themes: [theme] });
    for (const member of [seer1, seer2, blocker]) await buildView(server.em(), member, item, new Date());
    const token = await server.tokenFor(blocker.id);
    await server.gql(`mutation($id: ID!) { blockMember(memberId: $id) { blockedByMe } }`, { id: author.id }, { token });
    await until('only this operation’s shared source', () => server.hearth.sharedSubscriptionSources() === 1);

    const before = server.hearth.subscriptionExecutions();
    server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
    const results = await Promise.all(live.map((subscription) => subscription.next()));
    expect(server.hearth.subscriptionExecutions() - before).toBe(groups.length);
    const expected = (seenByMe: boolean, email: string | null, blockedByMe: boolean) => ({
      data: {
        contentPublished: {
          id: item.id,
          title: item.title,
          seenByMe,
          author: { id: author.id, displayName: author.displayName, email, blockedByMe },
        },
      },
    });
    expect(results.map(({ data, errors }) => ({ data, errors }))).toEqual([
      expected(true, null, false),
      expected(true, null, false),
      expected(true, null, true),
      expected(false, null, false),
      expected(false, null, false),
      expected(false, null, false),
      expected(false, author.email, false),
    ]);
    live.forEach((subscription) => subscription.dispose());
  });

  it('answers each event as of that event: what a subscriber saw since the last one counts', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const [reader, other] = await buildMembers(2);
    const query = `subscription($t: String) { contentPublished(themeSlug: $t) { id seenByMe } }`;
    // One after the other: subscribe() waits for one more subscription on the server, so two at
    // once could both return when the first is set up, and the event miss the second.
    const live: LiveSubscription<Record<string, any>>[] = [];
    for (const member of [reader, other]) live.push(await subscribe(server.ws(await server.tokenFor(member.id)), query, { t: theme.slug }));
    const item = await buildContent(server.em(), { author, themes: [theme] });
    await until('only this operation’s shared source', () => server.hearth.sharedSubscriptionSources() === 1);
    const event = async () => {
      server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
      return (await Promise.all(live.map((subscription) => subscription.next()))).map(({ data }) => data);
    };
    const seen = (seenByMe: boolean) => ({ contentPublished: { id: item.id, seenByMe } });
    expect(await event()).toEqual([seen(false), seen(false)]);
    // A later event for the same item (a replay republished) is executed with its own loaders and
    // EntityManager: nothing the first event loaded for this subscriber answers for it.
    await buildView(server.em(), reader, item, new Date());
    expect(await event()).toEqual([seen(true), seen(false)]);
    live.forEach((subscription) => subscription.dispose());
  });
});
