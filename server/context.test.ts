import { clientOperation } from '../test/bench/client-operation';
import { buildAdmin, buildContent, buildMember, buildTheme, buildView, buildVisit } from '../test/factories';
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
      // One that loads through a unit of work still gets its EntityManager, forked on its first use.
      const em = server.em();
      const token = await server.tokenFor((await buildMember(em)).id);
      const { id } = await buildContent(em);
      fork.mockClear();
      const { errors } = await server.gql('query($id: ID!) { content(id: $id) { id } }', { id }, { token });
      expect(errors).toBeUndefined();
      expect(fork).toHaveBeenCalled();
    } finally {
      fork.mockRestore();
    }
  });

  it('forks none for a feed page or a search: their reads need no unit of work, their loaders are made without one', async () => {
    const em = server.em();
    const theme = await buildTheme(em);
    const item = await buildContent(em, { title: 'Pipeline review for partners', themes: [theme] });
    const token = await server.tokenFor((await buildMember(em)).id);
    // The viewer's first request loads the member (through a loader, forking); later ones find it cached.
    expect((await server.gql('{ me { id } }', {}, { token })).errors).toBeUndefined();
    const fork = jest.spyOn(server.hearth.deps.orm.em, 'fork');
    try {
      // The shipped client's page: items with their themes, author and the viewer's seenByMe.
      const feed = await server.gql<{ feed: { edges: { node: { id: string; themes: unknown[]; seenByMe: boolean } }[] } }>(
        clientOperation('Feed'),
        { first: 5 },
        { token },
      );
      expect(feed.errors).toBeUndefined();
      expect(feed.data!.feed.edges.find(({ node }) => node.id === item.id)?.node).toMatchObject({
        themes: [expect.objectContaining({ slug: theme.slug })],
        seenByMe: false,
      });
      const search = await server.gql<{ search: { edges: unknown[] } }>(
        '{ search(query: "pipeline") { edges { node { kind id } } } }',
        {},
        { token },
      );
      expect(search.errors).toBeUndefined();
      expect(search.data!.search.edges).toHaveLength(1);
      expect(fork).not.toHaveBeenCalled();
    } finally {
      fork.mockRestore();
    }
  });

  it('forks none for contentReach, the console’s second KPI: its reads need no unit of work either', async () => {
    const em = server.em();
    // 2037 is this test's own year: no other test has items or visits then.
    const theme = await buildTheme(em);
    const item = await buildContent(em, { title: 'Reach of a theme', themes: [theme], createdAt: new Date('2037-03-10T09:00:00Z') });
    const reader = await buildMember(em);
    await buildVisit(em, reader, '2037-03-12T10:00:00Z');
    await buildView(em, reader, item, '2037-03-12T10:01:00Z', 60);
    const token = await server.tokenFor((await buildAdmin(em)).id);
    expect((await server.gql('{ me { id } }', {}, { token })).errors).toBeUndefined();
    const fork = jest.spyOn(server.hearth.deps.orm.em, 'fork');
    try {
      const reach = await server.gql<{ contentReach: { edges: { node: { key: string; reach: number } }[] } }>(
        clientOperation('ContentReach'),
        { from: '2037-01-01T00:00:00Z', to: '2038-01-01T00:00:00Z', groupBy: 'THEME' },
        { token },
      );
      expect(reach.errors).toBeUndefined();
      expect(reach.data!.contentReach.edges.map(({ node }) => node)).toEqual([expect.objectContaining({ key: theme.slug, reach: 1 })]);
      expect(fork).not.toHaveBeenCalled();
    } finally {
      fork.mockRestore();
    }
  });
});
