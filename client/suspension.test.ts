import WebSocket from 'ws';
import { buildMember } from '../test/factories.ts';
import { sleep, startTestServer, until, type TestServer } from '../test/server.ts';
import { Role } from '../schema/identity/member.entity.ts';
import { createHearthClient, HearthError, UnreadNotificationCountChangedDocument } from './index.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('createHearthClient when the member is suspended', () => {
  it('does not reconnect or refresh after close code 4423, and ends the subscription with a typed MEMBER_SUSPENDED error', async () => {
    const [member, moderator] = [await buildMember(server.em()), await buildMember(server.em(), { role: Role.MODERATOR })];
    let sockets = 0;
    class CountingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets++;
      }
    }
    let refreshes = 0;
    const token = await server.tokenFor(member.id);
    const client = createHearthClient({
      url: server.hearth.url,
      wsUrl: server.hearth.wsUrl,
      getAccessToken: () => token,
      refresh: async () => {
        refreshes++;
        return token;
      },
      webSocketImpl: CountingWebSocket,
      retryBaseMs: 10,
    });
    const since = server.hearth.subscriptionsStarted();
    const iterator = client.subscribe(UnreadNotificationCountChangedDocument);
    const next = iterator.next().catch((error: unknown) => error);
    await until('the subscription', () => server.hearth.subscriptionsStarted() > since);

    const until7Days = new Date(server.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const suspended = await server.gql(
      `mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Spam") { id } }`,
      { id: member.id, until: until7Days },
      {
        token: await server.tokenFor(moderator.id),
      },
    );
    expect(suspended.errors).toBeUndefined();

    const error = await next;
    expect(error).toBeInstanceOf(HearthError);
    expect(error).toMatchObject({ code: 'MEMBER_SUSPENDED' });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    // Well past several backoff periods: still the one socket, and no refresh attempted.
    await sleep(300);
    expect(sockets).toBe(1);
    expect(refreshes).toBe(0);
    await client.close();
  });
});
