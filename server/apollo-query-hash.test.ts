import { startTestServer, type TestServer } from '../test/server';
import { apolloCreateHashEntry, hashOperationText } from './apollo-query-hash';

/** Apollo's hashing module, as Apollo Server's own `require` finds it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the instance Apollo's pipeline calls
const apolloHashing = () => require(apolloCreateHashEntry()) as { createHash: (kind: string) => unknown };

describe("Apollo's operation hashing", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  // A new @apollo/utils.createhash fails this test: check apollo-query-hash.ts against it (does Apollo
  // still read createHash off the module at each call? does the new one still require per call?),
  // then update APOLLO_CREATEHASH_VERSION.
  it('is node:crypto taken once, in a server built from the installed Apollo', async () => {
    const hashing = apolloHashing();
    expect(hashing.createHash).toBe(hashOperationText);
    const calls = jest.spyOn(hashing, 'createHash');
    try {
      const response = await server.gql('{ __typename }');
      expect(response.data).toEqual({ __typename: 'Query' });
      // Apollo's pipeline reads the export at each call: one operation, one hash, through the replacement.
      expect(calls.mock.calls).toEqual([['sha256']]);
    } finally {
      calls.mockRestore();
    }
  });
});
