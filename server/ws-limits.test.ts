import { buildMember } from '../test/factories';
import { startTestServer, subscribe, until, wsExecute, type LiveSubscription, type TestServer } from '../test/server';

const UNREAD = 'subscription { unreadNotificationCountChanged }';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { MAX_SUBSCRIPTIONS_PER_SOCKET: '3', MAX_SUBSCRIPTIONS_PER_MEMBER: '5' } });
});
afterAll(() => server.stop());

/** Subscribes and returns the refusal's extensions, or null once the subscription is set up. */
async function tryToSubscribe(
  client: ReturnType<TestServer['ws']>,
): Promise<{ live: LiveSubscription<Record<string, any>>; refusal: Record<string, any> | null }> {
  const live = await subscribe(client, UNREAD);
  return { live, refusal: live.received[0]?.errors?.[0] ?? null };
}

describe('subscriptions per socket and per member', () => {
  it('refuses a socket’s subscription over MAX_SUBSCRIPTIONS_PER_SOCKET with a clear error, and accepts again once one ends', async () => {
    const member = await buildMember(server.em());
    const socket = server.ws(await server.tokenFor(member.id));
    const accepted = [];
    for (let i = 0; i < 3; i++) accepted.push(await tryToSubscribe(socket));
    expect(accepted.map((attempt) => attempt.refusal)).toEqual([null, null, null]);
    const refused = await tryToSubscribe(socket);
    expect(refused.refusal).toMatchObject({
      message: expect.stringMatching(/3 subscriptions.*MAX_SUBSCRIPTIONS_PER_SOCKET/),
      extensions: { code: 'RATE_LIMITED', limit: 3 },
    });
    // Queries on the same socket are not subscriptions: still answered.
    expect((await wsExecute(socket, '{ me { id } }')).data!.me.id).toBe(member.id);
    accepted[0].live.dispose();
    await until('a slot to free up', async () => {
      const again = await tryToSubscribe(socket);
      if (again.refusal) return false;
      again.live.dispose();
      return true;
    });
  });

  it('refuses a member’s subscription over MAX_SUBSCRIPTIONS_PER_MEMBER across sockets, and frees their slots when a socket closes', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    const [a, b] = [server.ws(token), server.ws(token)];
    for (let i = 0; i < 3; i++) expect((await tryToSubscribe(a)).refusal).toBeNull();
    for (let i = 0; i < 2; i++) expect((await tryToSubscribe(b)).refusal).toBeNull();
    const refused = await tryToSubscribe(b);
    expect(refused.refusal).toMatchObject({
      message: expect.stringMatching(/MAX_SUBSCRIPTIONS_PER_MEMBER/),
      extensions: { code: 'RATE_LIMITED', limit: 5 },
    });
    // Another member is not affected.
    const other = server.ws(await server.tokenFor((await buildMember(server.em())).id));
    expect((await tryToSubscribe(other)).refusal).toBeNull();
    await a.dispose();
    await until('the closed socket’s subscriptions to be released', async () => {
      const again = await tryToSubscribe(b);
      if (again.refusal) return false;
      again.live.dispose();
      return true;
    });
  });
});
