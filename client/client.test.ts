import { buildContent, buildMember, FACTORY_PASSWORD } from '../test/factories.ts';
import { startTestServer, type TestServer } from '../test/server.ts';
import { createHearthClient, HearthError, LogInDocument, MeDocument, MembersDocument, RefreshSessionDocument } from './index.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** A client the way a front-end app holds one: tokens in memory, refresh through refreshSession. */
function appClient() {
  const session = { accessToken: null as string | null, refreshToken: null as string | null, refreshes: 0 };
  const client = createHearthClient({
    url: server.hearth.url,
    getAccessToken: () => session.accessToken,
    refresh: async () => {
      session.refreshes++;
      const result = await bare.mutate(RefreshSessionDocument, { refreshToken: session.refreshToken! });
      session.accessToken = result.refreshSession.accessToken;
      session.refreshToken = result.refreshSession.refreshToken;
      return session.accessToken;
    },
  });
  const bare = createHearthClient({ url: server.hearth.url, getAccessToken: () => null });
  return { client, session, close: () => Promise.all([client.close(), bare.close()]) };
}

describe('recordViews (POST /views)', () => {
  it('records a reader’s buffered heartbeats and answers each view with its item', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    const client = createHearthClient({ url: server.hearth.url, getAccessToken: () => server.tokenFor(member.id) });
    const [opened] = await client.recordViews([{ contentId: content.id, seconds: 0, source: 'FEED' }]);
    expect(opened).toMatchObject({
      contentId: content.id,
      newView: true,
      totalSeconds: 0,
      content: { id: content.id, seenByMe: true, viewCount: 1 },
    });
    server.clock.advance({ seconds: 10 });
    const [beat] = await client.recordViews([{ contentId: content.id, seconds: 10 }]);
    expect(beat).toMatchObject({ newView: false, totalSeconds: 10, firstSeenAt: opened.firstSeenAt });
    await client.close();
  });

  it('refreshes the access token once on UNAUTHENTICATED and sends the views again', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    const { client, session, close } = appClient();
    const login = await client.mutate(LogInDocument, { input: { email: member.email, password: FACTORY_PASSWORD } });
    Object.assign(session, { accessToken: login.logIn.accessToken, refreshToken: login.logIn.refreshToken });
    server.clock.advance({ minutes: 16 });
    const [view] = await client.recordViews([{ contentId: content.id, seconds: 0 }]);
    expect([view.newView, session.refreshes]).toEqual([true, 1]);
    await close();
  });

  it('throws a HearthError carrying the code and the fields', async () => {
    const member = await buildMember(server.em());
    const client = createHearthClient({ url: `${server.hearth.url}/`, getAccessToken: () => server.tokenFor(member.id) });
    const error = (await client.recordViews([{ contentId: member.id, seconds: 0 }]).catch((e: unknown) => e)) as HearthError;
    expect(error).toBeInstanceOf(HearthError);
    expect([error.code, error.errors[0].extensions?.fields]).toEqual(['NOT_FOUND', { 'views.0.contentId': 'not found' }]);
    await client.close();
  });
});

describe('createHearthClient over HTTP', () => {
  it('logs in and runs typed queries', async () => {
    const member = await buildMember(server.em(), { displayName: 'Typed Tess' });
    const { client, session, close } = appClient();
    const login = await client.mutate(LogInDocument, { input: { email: member.email, password: FACTORY_PASSWORD } });
    session.accessToken = login.logIn.accessToken;
    session.refreshToken = login.logIn.refreshToken;
    const me = await client.query(MeDocument);
    expect(me.me.displayName).toBe('Typed Tess');
    expect(me.me.email).toBe(member.email);
    await close();
  });

  it('refreshes the access token once on UNAUTHENTICATED and retries, even for concurrent calls', async () => {
    const member = await buildMember(server.em());
    const { client, session, close } = appClient();
    const login = await client.mutate(LogInDocument, { input: { email: member.email, password: FACTORY_PASSWORD } });
    Object.assign(session, { accessToken: login.logIn.accessToken, refreshToken: login.logIn.refreshToken });
    server.clock.advance({ minutes: 16 });
    const [a, b] = await Promise.all([client.query(MeDocument), client.query(MeDocument)]);
    expect(a.me.id).toBe(member.id);
    expect(b.me.id).toBe(member.id);
    expect(session.refreshes).toBe(1);
    await close();
  });

  it('throws a HearthError carrying the server’s code', async () => {
    const member = await buildMember(server.em());
    const client = createHearthClient({ url: server.hearth.url, getAccessToken: () => server.tokenFor(member.id) });
    const error = await client.query(MembersDocument, { first: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HearthError);
    expect((error as HearthError).code).toBe('FORBIDDEN');
    await client.close();
  });
});
