import WebSocket from 'ws';
import {
  AddCommentDocument,
  CommentsDocument,
  ContentPublishedDocument,
  CreateContentDocument,
  CreateThemeDocument,
  createHearthClient,
  FeedDocument,
  LogInDocument,
  MessageAddedDocument,
  NotificationAddedDocument,
  NotificationsDocument,
  PublishContentDocument,
  RecordContentViewDocument,
  RefreshSessionDocument,
  SendMessageDocument,
  SetInterestsDocument,
  type HearthClient,
} from '../client/index.ts';
import { Role } from '../schema/identity/member.entity';
import { buildMember, FACTORY_PASSWORD } from './factories';
import { sleep, startTestServer, subscriptionsReady, type TestServer } from './server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** A front-end app's session: logs in with the typed client and refreshes through refreshSession. */
async function appSession(email: string): Promise<HearthClient> {
  const tokens = { access: '', refresh: '' };
  const bare = createHearthClient({ url: server.hearth.url, getAccessToken: () => null });
  const login = await bare.mutate(LogInDocument, { input: { email, password: FACTORY_PASSWORD } });
  Object.assign(tokens, { access: login.logIn.accessToken, refresh: login.logIn.refreshToken });
  return createHearthClient({
    url: server.hearth.url,
    wsUrl: server.hearth.wsUrl,
    webSocketImpl: WebSocket,
    retryBaseMs: 20,
    getAccessToken: () => tokens.access,
    refresh: async () => {
      const next = await bare.mutate(RefreshSessionDocument, { refreshToken: tokens.refresh });
      Object.assign(tokens, { access: next.refreshSession.accessToken, refresh: next.refreshSession.refreshToken });
      return tokens.access;
    },
  });
}

/** Pulls values from a subscription iterator in the background; `next()` takes the next one. */
function collect<T>(iterator: AsyncIterableIterator<T>) {
  const values: T[] = [];
  let taken = 0;
  void (async () => {
    for await (const value of iterator) values.push(value);
  })().catch(() => undefined);
  return {
    values,
    async next(timeoutMs = 5000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      while (values.length <= taken) {
        if (Date.now() > deadline) throw new Error('no value in time');
        await sleep(10);
      }
      return values[taken++];
    },
    stop: () => iterator.return!(),
  };
}

describe('a front-end app on the typed client', () => {
  const clients: HearthClient[] = [];
  afterAll(() => Promise.all(clients.map((client) => client.close())));
  const session = async (email: string) => {
    const client = await appSession(email);
    clients.push(client);
    return client;
  };

  it('publishes, notifies, reads, comments and messages in realtime, surviving a dropped socket', async () => {
    const em = server.em();
    const [admin, speaker, member] = [
      await buildMember(em, { role: Role.ADMIN }),
      await buildMember(em, { role: Role.SPEAKER }),
      await buildMember(em, { displayName: 'Mia Member' }),
    ];
    const [adminApp, speakerApp, memberApp] = [await session(admin.email), await session(speaker.email), await session(member.email)];

    const theme = (await adminApp.mutate(CreateThemeDocument, { input: { slug: 'e2e-abm', name: 'ABM' } })).createTheme;
    expect((await memberApp.mutate(SetInterestsDocument, { themeSlugs: [theme.slug] })).setInterests).toEqual([
      { slug: 'e2e-abm', name: 'ABM' },
    ]);
    let since = server.hearth.subscriptionsStarted();
    const notifications = collect(memberApp.subscribe(NotificationAddedDocument));
    const published = collect(memberApp.subscribe(ContentPublishedDocument, { themeSlug: theme.slug }));
    await subscriptionsReady(server.hearth, since, 2);

    // The server drops every socket: the client reconnects with backoff and re-subscribes both.
    since = server.hearth.subscriptionsStarted();
    for (const socket of server.hearth.sockets()) socket.terminate();
    await subscriptionsReady(server.hearth, since, 2);

    const draft = (
      await speakerApp.mutate(CreateContentDocument, { input: { type: 'VIDEO', title: 'ABM in 10 minutes', themeSlugs: [theme.slug] } })
    ).createContent;
    await speakerApp.mutate(PublishContentDocument, { id: draft.id });
    expect((await published.next()).contentPublished).toMatchObject({
      id: draft.id,
      title: 'ABM in 10 minutes',
      author: { id: speaker.id },
    });
    expect((await notifications.next()).notificationAdded).toMatchObject({ kind: 'CONTENT_PUBLISHED', subject: { id: draft.id } });

    const feed = await memberApp.query(FeedDocument, { first: 5, themeSlug: theme.slug, unseenOnly: true });
    expect(feed.feed.edges.map((edge) => edge.node.id)).toEqual([draft.id]);
    await memberApp.mutate(RecordContentViewDocument, { input: { contentId: draft.id, seconds: 0, source: 'FEED' } });
    expect((await memberApp.query(FeedDocument, { themeSlug: theme.slug, unseenOnly: true })).feed.edges).toEqual([]);

    await memberApp.mutate(AddCommentDocument, { input: { contentId: draft.id, body: 'Loved it' } });
    const thread = await speakerApp.query(CommentsDocument, { contentId: draft.id });
    expect(thread.comments.edges[0].node).toMatchObject({
      body: 'Loved it',
      author: { displayName: 'Mia Member' },
      replies: { edges: [], totalCount: 0 },
    });

    since = server.hearth.subscriptionsStarted();
    const messages = collect(memberApp.subscribe(MessageAddedDocument, {}));
    await subscriptionsReady(server.hearth, since);
    await speakerApp.mutate(SendMessageDocument, { input: { recipientId: member.id, body: 'Thanks for watching!' } });
    expect((await messages.next()).messageAdded).toMatchObject({ body: 'Thanks for watching!' });
    expect((await notifications.next()).notificationAdded.kind).toBe('MESSAGE_RECEIVED');
    const inbox = await memberApp.query(NotificationsDocument, { unreadOnly: true });
    expect(inbox.unreadNotificationCount).toBe(2);
    await Promise.all([notifications.stop(), published.stop(), messages.stop()]);
  });
});
