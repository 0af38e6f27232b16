import { GraphQLError, type ExecutionResult } from 'graphql';
import { createClient, MessageType, stringifyMessage } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import { buildMember } from '../test/factories';
import { startTestServer, wsExecute, type TestServer } from '../test/server';
import { toClientError } from './errors';
import { SubscriberOverflowError } from './push-iterator';
import { directDelivery, MAX_BUFFERED_BYTES } from './ws';

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

  it('reads a token under the common keys, and refuses one it cannot read with 4403, never carrying on anonymously', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    for (const connectionParams of [
      { token },
      { token: `Bearer ${token}` },
      { Authorization: `Bearer ${token}` },
      { authToken: token },
      { headers: { Authorization: `Bearer ${token}` } },
    ]) {
      const client = createClient({ url: server.hearth.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
      const result = await wsExecute(client, '{ me { id } }');
      expect([connectionParams, result.data?.me.id]).toEqual([connectionParams, member.id]);
      await client.dispose();
    }
    for (const connectionParams of [
      { token: 'not-a-jwt' },
      { token: 42 },
      { jwt: token },
      { token, authorization: 'Bearer other' },
      { accessToken: '' },
    ]) {
      expect([connectionParams, await closeCodeWith(connectionParams)]).toEqual([connectionParams, 4403]);
    }
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

describe('broadcast results written directly to a subscription', () => {
  const serialize = (result: ExecutionResult) => ({ json: JSON.stringify(result), code: result.errors ? 'NOT_FOUND' : null });
  const fakeSocket = (state: Partial<{ readyState: number; bufferedAmount: number }> = {}) => {
    const sent: string[] = [];
    return { sent, readyState: WebSocket.OPEN, bufferedAmount: 0, ...state, send: (data: string) => void sent.push(data) };
  };

  it('writes the very frame graphql-ws would send, and reports the first error code', () => {
    const socket = fakeSocket();
    const codes: unknown[] = [];
    const delivery = directDelivery(socket as never, 'op "1"', serialize, (code) => codes.push(code));
    const result = { data: { contentPublished: { id: 'c1', title: 'Ünïcode "quoted"' } } };
    expect(delivery.write(delivery.serialize(result))).toBe(true);
    expect(socket.sent).toEqual([stringifyMessage({ id: 'op "1"', type: MessageType.Next, payload: result })]);
    expect(codes).toEqual([]);
    delivery.write(delivery.serialize({ data: null, errors: [new GraphQLError('gone')] }));
    expect(codes).toEqual(['NOT_FOUND']);
  });

  it('refuses a closed socket and one that stopped reading, so the subscription ends instead of buffering', () => {
    for (const socket of [fakeSocket({ readyState: WebSocket.CLOSING }), fakeSocket({ bufferedAmount: MAX_BUFFERED_BYTES + 1 })]) {
      const delivery = directDelivery(socket as never, '1', serialize, () => undefined);
      expect(delivery.write(delivery.serialize({ data: {} }))).toBe(false);
      expect(socket.sent).toEqual([]);
    }
  });

  it('a subscription ended for falling behind reaches the client as RATE_LIMITED, not a masked error', () => {
    const wrapped = new GraphQLError('fell behind', { originalError: new SubscriberOverflowError() });
    expect(toClientError(wrapped.toJSON(), wrapped, pino({ level: 'silent' })).extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
    });
  });
});
