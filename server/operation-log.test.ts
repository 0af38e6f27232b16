import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildMember } from '../test/factories';
import { captureLogs } from '../test/log-capture';
import { startTestServer, wsExecute, type TestServer } from '../test/server';

/**
 * The line each operation logs names it as its document does. The shipped client and graphql-ws
 * send the query and its variables, not `operationName` (needed only to pick one operation of
 * several): a line that took the name from that field said `null` for every request they made.
 */
const logs = captureLogs('info');
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ logger: logs.logger });
  token = await server.tokenFor((await buildMember(server.em())).id);
});
afterAll(() => server.stop());
beforeEach(() => logs.clear());

const operationLines = () => logs.lines().filter((line) => line.msg === 'operation');

async function post(body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${server.hearth.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

describe('the operation log line', () => {
  it('names an HTTP operation as its document does, with or without operationName', async () => {
    expect(await post({ query: 'query Whoami { me { id } }' })).toBe(200);
    expect(await post({ query: 'query First { me { id } } query Second { me { displayName } }', operationName: 'Second' })).toBe(200);
    expect(await post({ query: '{ me { id } }' })).toBe(200);
    // A name the document does not define is the client's claim, not an operation that ran.
    expect(await post({ query: 'query Whoami { me { id } }', operationName: 'Elsewhere' })).toBe(400);
    expect(operationLines().map((line) => [line.transport, line.operation])).toEqual([
      ['http', 'Whoami'],
      ['http', 'Second'],
      ['http', null],
      ['http', null],
    ]);
  });

  it('names a WebSocket operation as its document does', async () => {
    const client = createClient({ url: server.hearth.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { token } });
    try {
      const result = await wsExecute(client, 'query OverTheSocket { me { id } }');
      expect(result.errors).toBeUndefined();
      await wsExecute(client, '{ me { id } }');
    } finally {
      await client.dispose();
    }
    expect(operationLines().map((line) => [line.transport, line.operation])).toEqual([
      ['ws', 'OverTheSocket'],
      ['ws', null],
    ]);
  });
});
