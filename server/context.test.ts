import { buildMember } from '../test/factories';
import { startTestServer, type TestServer } from '../test/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('a request’s context', () => {
  it('forks no EntityManager for an HTTP request that reads nothing, though Apollo copies the context per operation', async () => {
    const orm = server.hearth.deps.orm;
    const fork = jest.spyOn(orm.em, 'fork');
    try {
      // Warm: the first request may prepare what every later one shares.
      expect(await server.gql('{ __typename }')).toMatchObject({ data: { __typename: 'Query' } });
      fork.mockClear();
      expect(await server.gql('{ __typename }')).toMatchObject({ data: { __typename: 'Query' } });
      expect(fork).not.toHaveBeenCalled();
      // One that reads still gets its EntityManager, forked on its first use.
      const token = await server.tokenFor((await buildMember(server.em())).id);
      fork.mockClear();
      const { errors } = await server.gql('{ feed(first: 1) { edges { cursor } } }', {}, { token });
      expect(errors).toBeUndefined();
      expect(fork).toHaveBeenCalled();
    } finally {
      fork.mockRestore();
    }
  });
});
