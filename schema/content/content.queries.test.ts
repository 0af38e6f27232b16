import { buildContent, buildMember, buildTheme } from '../../test/factories';
import { captureQueries, startTestServer, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';
import { ContentType } from './content.entity';
import type { FeedArgs } from './content.inputs';
import { feedPage, type FeedSelection } from './content.queries';
import { clientOperation } from '../../test/bench/client-operation';
import { ContentView } from '../tracking/content-view.entity';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const args = (overrides: Partial<FeedArgs> = {}): FeedArgs => ({
  first: 20,
  after: null,
  type: null,
  themeSlug: null,
  unseenOnly: false,
  ...overrides,
});
const selection = (item: string[], author: string[] = []): FeedSelection => ({ item: new Set(item), author: new Set(author) });
const NOW = new Date('2030-01-01T00:00:00Z');

describe('feedPage (the feed query module)', () => {
  it('returns page objects with their themes and author filled, in one statement', async () => {
    const em = server.em();
    const author = await buildMember(em, { role: Role.SPEAKER, displayName: 'Page Author' });
    const [b, a] = [await buildTheme(em, { name: 'B theme' }), await buildTheme(em, { name: 'A theme' })];
    const item = await buildContent(em, {
      author,
      themes: [b, a],
      type: ContentType.PODCAST,
      title: 'Filled in',
      createdAt: new Date('2029-06-01T00:00:00Z'),
    });
    const viewer = await buildMember(em);
    let page!: Awaited<ReturnType<typeof feedPage>>;
    const statements = await captureQueries(server, async () => {
      page = await feedPage(
        server.em(),
        viewer.id,
        args({ type: ContentType.PODCAST, themeSlug: a.slug }),
        selection(['title', 'themes', 'author'], ['displayName']),
        NOW,
      );
    });
    expect(statements).toHaveLength(1);
    expect(
      page.items.map(({ content, themes, author: by }) => [content.id, content.title, themes?.map((theme) => theme.name), by?.displayName]),
    ).toEqual([[item.id, 'Filled in', ['A theme', 'B theme'], 'Page Author']]);
    // Only the author's selected fields were read: it must not stand for the whole member.
    expect(page.authorsComplete).toBe(false);
  });

  it('reads only what the selection asks for: no themes, no author, no body when not selected', async () => {
    const em = server.em();
    const item = await buildContent(em, { title: 'Bare', type: ContentType.DOCUMENT, createdAt: new Date('2029-07-01T00:00:00Z') });
    const viewer = await buildMember(em);
    const statements = await captureQueries(server, async () => {
      const page = await feedPage(server.em(), viewer.id, args({ type: ContentType.DOCUMENT, first: 1 }), selection(['title']), NOW);
      expect(page.items[0]).toEqual({
        content: expect.objectContaining({ id: item.id, title: 'Bare' }),
        themes: null,
        author: null,
        seenByMe: null,
      });
      expect(page.items[0].content.body).toBeUndefined();
    });
    expect(statements[0]).not.toMatch(/\bbody\b|json_agg|from member m\b|content_view/);
  });

  it('answers the client’s Feed (its ContentCard selects seenByMe) with each viewer’s seenByMe read in the page’s one statement', async () => {
    const em = server.em();
    const theme = await buildTheme(em);
    const [seen] = [
      await buildContent(em, { themes: [theme], title: 'Seen', createdAt: new Date('2029-08-02T00:00:00Z') }),
      await buildContent(em, { themes: [theme], title: 'Unseen', createdAt: new Date('2029-08-01T00:00:00Z') }),
    ];
    const [reader, other] = [await buildMember(em), await buildMember(em)];
    const at = new Date('2029-08-03T00:00:00Z');
    em.create(ContentView, { member: reader.id, content: seen.id, firstSeenAt: at, lastSeenAt: at });
    await em.flush();
    const feed = async (viewer: { id: string }) => {
      const token = await server.tokenFor(viewer.id);
      let result!: Awaited<ReturnType<typeof server.gql<Record<string, any>>>>;
      const statements = await captureQueries(server, async () => {
        result = await server.gql(clientOperation('Feed'), { first: 2, themeSlug: theme.slug }, { token });
      });
      expect(result.errors).toBeUndefined();
      expect(statements.filter((statement) => /content_view/.test(statement))).toHaveLength(1);
      return result.data!.feed.edges.map(({ node }: any) => [node.title, node.seenByMe]);
    };
    expect(await feed(reader)).toEqual([
      ['Seen', true],
      ['Unseen', false],
    ]);
    expect(await feed(other)).toEqual([
      ['Seen', false],
      ['Unseen', false],
    ]);
  });
});
