import WebSocket from 'ws';
import { buildMember } from '../test/factories';
import { startTestServer, wsExecute, type TestServer } from '../test/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Opens a raw graphql-transport-ws socket and resolves with the close code. */
function closeCodeWith(connectionParams: Record<string, unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.hearth.wsUrl, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

describe('WebSocket authentication', () => {
  it('closes the socket with 4403 for a bad token', async () => {
    expect(await closeCodeWith({ authorization: 'Bearer not-a-jwt' })).toBe(4403);
    expect(await closeCodeWith({ authorization: 'Basic abc' })).toBe(4403);
  });

  it('authenticates operations with connectionParams.authorization', async () => {
    const member = await buildMember(server.em());
    const result = await wsExecute(server.ws(await server.tokenFor(member.id)), '{ me { id } }');
    expect(result.data!.me.id).toBe(member.id);
  });

  it('re-checks the token expiry at every new operation and closes with 4403 once expired', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    // One raw connection for both operations (the graphql-ws client would close an idle lazy socket).
    const socket = new WebSocket(server.hearth.wsUrl, 'graphql-transport-ws');
    const messages: { type: string; id?: string; payload?: any }[] = [];
    const next = (type: string) =>
      new Promise<{ payload?: any }>((resolve) => {
        const check = () => {
          const index = messages.findIndex((m) => m.type === type);
          if (index >= 0) resolve(messages.splice(index, 1)[0]);
          else setTimeout(check, 10);
        };
        check();
      });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await next('connection_ack');
    socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: '{ me { id } }' } }));
    expect((await next('next')).payload.data.me.id).toBe(member.id);

    server.clock.advance({ minutes: 16 });
    socket.send(JSON.stringify({ type: 'subscribe', id: '2', payload: { query: '{ me { id } }' } }));
    expect(await closed).toBe(4403);
  });
});
