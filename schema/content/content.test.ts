import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme } from '../../test/factories';
import { captureQueries, countQueries, errorCode, startTestServer, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';
import { Content, ContentStatus, ContentType } from './content.entity';
import { MemberInterest } from './member-interest.entity';

const CREATE = `mutation($input: CreateContentInput!) { createContent(input: $input) { id status publishedAt themes { slug } author { id } } }`;
const PUBLISH = `mutation($id: ID!) { publishContent(id: $id) { id status publishedAt } }`;
const ARCHIVE = `mutation($id: ID!) { archiveContent(id: $id) { id status publishedAt } }`;
const CONTENT = `query($id: ID!) { content(id: $id) { id title status } }`;
const FEED = `query($first: Int, $after: String, $themeSlug: String, $type: ContentType, $unseenOnly: Boolean) {
  feed(first: $first, after: $after, themeSlug: $themeSlug, type: $type, unseenOnly: $unseenOnly) {
    edges { cursor node { id title seenByMe themes { slug name } author { displayName } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const feedIds = (result: { data?: any }) => result.data!.feed.edges.map((edge: any) => edge.node.id);

describe('themes and interests', () => {
  it('lets admins create and rename themes; members get FORBIDDEN; a taken slug is a CONFLICT', async () => {
    const admin = await buildAdmin(server.em());
    const member = await buildMember(server.em());
    const create = `mutation($input: CreateThemeInput!) { createTheme(input: $input) { id slug name } }`;
    const created = await server.gql(create, { input: { slug: 'demand-gen', name: 'Demand gen' } }, await as(admin.id));
    expect(created.data!.createTheme).toMatchObject({ slug: 'demand-gen', name: 'Demand gen' });
    expect(errorCode(await server.gql(create, { input: { slug: 'other', name: 'Other' } }, await as(member.id)))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(create, { input: { slug: 'demand-gen', name: 'Again' } }, await as(admin.id)))).toBe('CONFLICT');
    const bad = await server.gql(create, { input: { slug: 'Not A Slug', name: ' ' } }, await as(admin.id));
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(Object.keys(bad.errors![0].extensions!.fields).sort()).toEqual(['name', 'slug']);
    const update = `mutation($input: UpdateThemeInput!) { updateTheme(input: $input) { slug name } }`;
    const renamed = await server.gql(
      update,
      { input: { id: created.data!.createTheme.id, name: 'Demand generation' } },
      await as(admin.id),
    );
    expect(renamed.data!.updateTheme).toEqual({ slug: 'demand-gen', name: 'Demand generation' });
  });

  it('replaces a member’s interests with setInterests and shows them on me.interests', async () => {
    const [a, b, c] = [
      await buildTheme(server.em(), { name: 'A' }),
      await buildTheme(server.em(), { name: 'B' }),
      await buildTheme(server.em(), { name: 'C' }),
    ];
    const member = await buildMember(server.em());
    const set = `mutation($slugs: [String!]!) { setInterests(themeSlugs: $slugs) { slug } }`;
    await server.gql(set, { slugs: [a.slug, b.slug] }, await as(member.id));
    await server.gql(set, { slugs: [c.slug, b.slug, b.slug] }, await as(member.id));
    const me = await server.gql(`{ me { interests { slug } } }`, {}, await as(member.id));
    expect(me.data!.me.interests.map((t: any) => t.slug)).toEqual([b.slug, c.slug]);
    const unknown = await server.gql(set, { slugs: [a.slug, 'no-such-theme'] }, await as(member.id));
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0].extensions!.fields.themeSlugs).toMatch(/no-such-theme/);
    const after = await server.gql(`{ me { interests { slug } } }`, {}, await as(member.id));
    expect(after.data!.me.interests).toHaveLength(2);
  });

  it('keeps setInterests calls racing for one member whole: each answers the set it stored, the last one stays', async () => {
    const themes = [
      await buildTheme(server.em(), { name: 'A' }),
      await buildTheme(server.em(), { name: 'B' }),
      await buildTheme(server.em(), { name: 'C' }),
      await buildTheme(server.em(), { name: 'D' }),
    ];
    const member = await buildMember(server.em());
    const options = await as(member.id);
    const set = `mutation($slugs: [String!]!) { setInterests(themeSlugs: $slugs) { slug } }`;
    const asked = [[0, 1], [1, 2], [0, 1, 2, 3], [3], [2, 0], [1, 3]].map((picks) => picks.map((i) => themes[i].slug));
    const answers = await Promise.all(asked.map((slugs) => server.gql(set, { slugs }, options)));
    expect(answers.map((answer) => answer.errors)).toEqual(asked.map(() => undefined));
    const answered = answers.map((answer) => answer.data!.setInterests.map((theme: any) => theme.slug));
    expect(answered).toEqual(asked.map((slugs) => [...slugs].sort()));
    const stored = await server.em().find(MemberInterest, { member: member.id }, { populate: ['theme'] });
    expect(answered).toContainEqual(stored.map((interest) => interest.theme.$.slug).sort());
  });

  it('names a few unknown slugs, not every one, however many or long they are', async () => {
    const member = await buildMember(server.em());
    const set = `mutation($slugs: [String!]!) { setInterests(themeSlugs: $slugs) { slug } }`;
    for (const slugs of [Array.from({ length: 20_000 }, (_, i) => `unknown-theme-${i}`), ['x'.repeat(100_000)]]) {
      const refused = await server.gql(set, { slugs }, await as(member.id));
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(refused.errors).length).toBeLessThan(1_000);
      expect(refused.errors![0].message).toMatch(slugs.length > 1 ? /unknown-theme-0.*and 19995 more/ : /Unknown theme: x+…/);
    }
  });
});

describe('content authoring', () => {
  it('lets speakers write drafts that only they and admins can see until published', async () => {
    const speaker = await buildMember(server.em(), { role: Role.SPEAKER });
    const member = await buildMember(server.em());
    const admin = await buildAdmin(server.em());
    const theme = await buildTheme(server.em());
    const input = { type: 'ARTICLE', title: '  Pipeline in 2027 ', body: '# Hello', themeSlugs: [theme.slug] };
    expect(errorCode(await server.gql(CREATE, { input }, await as(member.id)))).toBe('FORBIDDEN');
    const created = await server.gql(CREATE, { input }, await as(speaker.id));
    const draft = created.data!.createContent;
    expect(draft).toMatchObject({ status: 'DRAFT', publishedAt: null, themes: [{ slug: theme.slug }], author: { id: speaker.id } });

    expect(errorCode(await server.gql(CONTENT, { id: draft.id }, await as(member.id)))).toBe('NOT_FOUND');
    expect((await server.gql(CONTENT, { id: draft.id }, await as(admin.id))).data!.content.title).toBe('Pipeline in 2027');
    expect(feedIds(await server.gql(FEED, { themeSlug: theme.slug }, await as(member.id)))).toEqual([]);

    server.clock.advance({ minutes: 5 });
    const published = await server.gql(PUBLISH, { id: draft.id }, await as(speaker.id));
    expect(published.data!.publishContent).toMatchObject({ status: 'PUBLISHED', publishedAt: server.clock.now().toISOString() });
    expect(feedIds(await server.gql(FEED, { themeSlug: theme.slug }, await as(member.id)))).toEqual([draft.id]);

    await server.gql(`mutation($id: ID!) { archiveContent(id: $id) { status } }`, { id: draft.id }, await as(admin.id));
    expect(feedIds(await server.gql(FEED, { themeSlug: theme.slug }, await as(member.id)))).toEqual([]);
    expect((await server.gql(CONTENT, { id: draft.id }, await as(member.id))).data!.content.status).toBe('ARCHIVED');
  });

  it('refuses to archive what was never published: a draft stays a draft, for its author and admins only', async () => {
    const speaker = await buildMember(server.em(), { role: Role.SPEAKER });
    const [member, admin] = [await buildMember(server.em()), await buildAdmin(server.em())];
    const draft = await buildContent(server.em(), { author: speaker, status: ContentStatus.DRAFT, title: 'Unannounced pricing' });
    for (const archivist of [speaker, admin]) {
      const refused = await server.gql(ARCHIVE, { id: draft.id }, await as(archivist.id));
      expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { id: 'never published' } });
    }
    expect(await server.em().findOneOrFail(Content, draft.id)).toMatchObject({ status: ContentStatus.DRAFT, publishedAt: null });
    const options = await as(member.id);
    expect(errorCode(await server.gql(CONTENT, { id: draft.id }, options))).toBe('NOT_FOUND');
    const view = `mutation($id: ID!) { recordContentView(input: { contentId: $id, seconds: 0 }) { newView } }`;
    expect(errorCode(await server.gql(view, { id: draft.id }, options))).toBe('NOT_FOUND');
    const page = await fetch(new URL(`/content/${draft.id}`, server.hearth.url));
    expect(page.status).toBe(404);
    // The database holds the rule too: an archived item was published first.
    await expect(server.em().nativeUpdate(Content, { id: draft.id }, { status: ContentStatus.ARCHIVED })).rejects.toThrow(
      /content_published_at_check/,
    );
  });

  it('publishes a draft once however many calls race to publish it: one notification each, the stored publishedAt in every answer', async () => {
    const theme = await buildTheme(server.em());
    const [speaker, admin] = [await buildMember(server.em(), { role: Role.SPEAKER }), await buildAdmin(server.em())];
    const fans = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    await buildInterests(server.em(), fans, theme);
    const draft = await buildContent(server.em(), { author: speaker, themes: [theme], status: ContentStatus.DRAFT });
    const callers = [speaker, speaker, admin, speaker, admin, speaker];
    const tokens = await Promise.all(callers.map((caller) => as(caller.id)));
    // Each call reads its own instant, as it would on a real clock.
    let tick = server.clock.now().getTime();
    const ticking = jest.spyOn(server.clock, 'now').mockImplementation(() => new Date((tick += 1000)));
    let answers;
    try {
      answers = await Promise.all(tokens.map((token) => server.gql(PUBLISH, { id: draft.id }, token)));
    } finally {
      ticking.mockRestore();
    }
    await server.hearth.deps.events.idle();
    expect(answers.map((answer) => answer.errors)).toEqual(callers.map(() => undefined));
    const notified = await server
      .em()
      .execute<{ recipient_id: string; count: number }[]>(
        `select recipient_id, count(*)::int as count from notification where subject_id = ? and kind = 'CONTENT_PUBLISHED' group by recipient_id`,
        [draft.id],
      );
    expect(notified.map(({ recipient_id, count }) => [recipient_id, count]).sort()).toEqual(fans.map(({ id }) => [id, 1]).sort());
    const stored = await server.em().findOneOrFail(Content, draft.id);
    expect(answers.map((answer) => answer.data!.publishContent)).toEqual(
      callers.map(() => ({ id: draft.id, status: 'PUBLISHED', publishedAt: stored.publishedAt!.toISOString() })),
    );
  });

  it('lets only the author or an admin update; unknown themes and ids are typed errors', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const otherSpeaker = await buildMember(server.em(), { role: Role.SPEAKER });
    const content = await buildContent(server.em(), { author });
    const update = `mutation($input: UpdateContentInput!) { updateContent(input: $input) { title type themes { slug } } }`;
    expect(errorCode(await server.gql(update, { input: { id: content.id, title: 'Mine now' } }, await as(otherSpeaker.id)))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await server.gql(update, { input: { id: content.id, themeSlugs: ['nope'] } }, await as(author.id)))).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      errorCode(await server.gql(update, { input: { id: '00000000-0000-4000-8000-000000000000', title: 'x' } }, await as(author.id))),
    ).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(CONTENT, { id: 'not-a-uuid' }, await as(author.id)))).toBe('NOT_FOUND');
    const theme = await buildTheme(server.em());
    const ok = await server.gql(
      update,
      { input: { id: content.id, title: 'Renamed', type: 'PODCAST', themeSlugs: [theme.slug] } },
      await as(author.id),
    );
    expect(ok.data!.updateContent).toEqual({ title: 'Renamed', type: 'PODCAST', themes: [{ slug: theme.slug }] });
    // Partial: what is left out stays; null clears what may be empty, and is refused for what may not.
    const partial = `mutation($input: UpdateContentInput!) { updateContent(input: $input) { title type summary themes { slug } } }`;
    const summarized = await server.gql(partial, { input: { id: content.id, summary: 'Short' } }, await as(author.id));
    expect(summarized.data!.updateContent).toEqual({ title: 'Renamed', type: 'PODCAST', summary: 'Short', themes: [{ slug: theme.slug }] });
    const unthemed = await server.gql(partial, { input: { id: content.id, themeSlugs: null, summary: null } }, await as(author.id));
    expect(unthemed.data!.updateContent).toEqual({ title: 'Renamed', type: 'PODCAST', summary: null, themes: [] });
    const untitled = await server.gql(partial, { input: { id: content.id, title: null } }, await as(author.id));
    expect(untitled.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { title: 'cannot be null' } });
    const badUrl = await server.gql(update, { input: { id: content.id, mediaUrl: 'javascript:alert(1)' } }, await as(author.id));
    expect(badUrl.errors![0].extensions!.fields).toHaveProperty('mediaUrl');
  });
});

describe('feed', () => {
  async function itemsOnTheme(count: number, theme: Awaited<ReturnType<typeof buildTheme>>, author?: any) {
    const items = [];
    for (let i = 0; i < count; i++) {
      items.push(await buildContent(server.em(), { themes: [theme], author, createdAt: new Date(Date.UTC(2026, 0, 10, 9, i)) }));
    }
    return items.reverse(); // newest first
  }

  it('reads only the columns a page shows, through fragments and aliases', async () => {
    const theme = await buildTheme(server.em());
    const member = await buildMember(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER, company: 'Initech' });
    const item = await buildContent(server.em(), { themes: [theme], author, body: 'A *long* read.', summary: 'Short.' });
    const statements = await captureQueries(server, async () => {
      const titles = await server.gql(
        `query($t: String) { feed(themeSlug: $t) { edges { node { id title } } } }`,
        { t: theme.slug },
        await as(member.id),
      );
      expect(feedIds(titles)).toEqual([item.id]);
      const bodies = await server.gql(
        `query($t: String) { feed(themeSlug: $t) { edges { node { ...Page } } } } fragment Page on Content { id ... on Content { text: body } author { ... on Member { company } } }`,
        { t: theme.slug },
        await as(member.id),
      );
      expect(bodies.data!.feed.edges[0].node).toEqual({ id: item.id, text: 'A *long* read.', author: { company: 'Initech' } });
    });
    const pages = statements.filter((sql) => sql.includes('order by c.published_at desc'));
    expect(pages).toHaveLength(2);
    // Titles only: no body, no summary, and neither themes nor authors are read at all.
    for (const column of ['c.body', 'c.summary', 'c.view_count', 'from member m', 'json_agg']) expect(pages[0]).not.toContain(column);
    expect(pages[1]).toContain('c.body');
    expect(pages[1]).not.toContain('c.summary');
    // The author's id and the one field asked for; never their email or anything else.
    expect(pages[1]).toMatch(/json_build_object\('id', m\.id, 'company', m\.company\) from member m/);
  });

  it('never lets a partly read author stand in for the whole member elsewhere in the operation', async () => {
    const theme = await buildTheme(server.em());
    const speaker = await buildMember(server.em(), { role: Role.SPEAKER, company: 'Acme' });
    const item = await buildContent(server.em(), { themes: [theme], author: speaker });
    const result = await server.gql(
      `query($t: String, $id: ID!) {
        feed(themeSlug: $t) { edges { node { author { displayName } } } }
        content(id: $id) { author { id email company displayName } }
        me { id email company }
      }`,
      { t: theme.slug, id: item.id },
      await as(speaker.id),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.feed.edges).toEqual([{ node: { author: { displayName: speaker.displayName } } }]);
    expect(result.data!.content.author).toEqual({
      id: speaker.id,
      email: speaker.email,
      company: 'Acme',
      displayName: speaker.displayName,
    });
    expect(result.data!.me).toEqual({ id: speaker.id, email: speaker.email, company: 'Acme' });
  });

  it('pages newest first with a keyset cursor that stays stable when items are published meanwhile', async () => {
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const items = await itemsOnTheme(5, theme, author);
    const member = await buildMember(server.em());
    const page1 = await server.gql(FEED, { first: 2, themeSlug: theme.slug }, await as(member.id));
    expect(feedIds(page1)).toEqual(items.slice(0, 2).map((c) => c.id));
    expect(page1.data!.feed.pageInfo.hasNextPage).toBe(true);
    // A newer item is published between page 1 and page 2: no duplicate, no gap.
    await buildContent(server.em(), { themes: [theme], author, createdAt: new Date('2026-02-01T00:00:00Z') });
    const page2 = await server.gql(
      FEED,
      { first: 2, themeSlug: theme.slug, after: page1.data!.feed.pageInfo.endCursor },
      await as(member.id),
    );
    expect(feedIds(page2)).toEqual(items.slice(2, 4).map((c) => c.id));
    const page3 = await server.gql(
      FEED,
      { first: 2, themeSlug: theme.slug, after: page2.data!.feed.pageInfo.endCursor },
      await as(member.id),
    );
    expect(feedIds(page3)).toEqual([items[4].id]);
    expect(page3.data!.feed.pageInfo.hasNextPage).toBe(false);
    expect(errorCode(await server.gql(FEED, { after: 'garbage' }, await as(member.id)))).toBe('BAD_USER_INPUT');
  });

  it('filters by type and hides what the viewer has seen with unseenOnly; seenByMe says which', async () => {
    const theme = await buildTheme(server.em());
    const [newest, middle, oldest] = await itemsOnTheme(3, theme);
    await server.em().nativeUpdate(Content, { id: middle.id }, { type: ContentType.PODCAST });
    const member = await buildMember(server.em());
    const podcasts = await server.gql(FEED, { themeSlug: theme.slug, type: 'PODCAST' }, await as(member.id));
    expect(feedIds(podcasts)).toEqual([middle.id]);

    const record = `mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { newView } }`;
    await server.gql(record, { input: { contentId: newest.id, seconds: 0 } }, await as(member.id));
    const all = await server.gql(FEED, { themeSlug: theme.slug }, await as(member.id));
    expect(all.data!.feed.edges.map((e: any) => e.node.seenByMe)).toEqual([true, false, false]);
    const unseen = await server.gql(FEED, { themeSlug: theme.slug, unseenOnly: true }, await as(member.id));
    expect(feedIds(unseen)).toEqual([middle.id, oldest.id]);
  });

  it('costs one SQL statement for 20 items as for 2 (themes, authors and seenByMe in the page)', async () => {
    const small = await buildTheme(server.em());
    const large = await buildTheme(server.em());
    const extra = await buildTheme(server.em());
    for (let i = 0; i < 2; i++) await buildContent(server.em(), { themes: [small, extra] });
    for (let i = 0; i < 20; i++) await buildContent(server.em(), { themes: [large, extra] }); // 20 distinct authors
    const member = await buildMember(server.em());
    const options = await as(member.id);
    await server.gql(FEED, { first: 20, themeSlug: small.slug }, options); // warm: the viewer's visit is recorded
    let result: any;
    const forTwo = await countQueries(server, async () => (result = await server.gql(FEED, { first: 20, themeSlug: small.slug }, options)));
    expect(result.data.feed.edges).toHaveLength(2);
    const forTwenty = await countQueries(
      server,
      async () => (result = await server.gql(FEED, { first: 20, themeSlug: large.slug }, options)),
    );
    expect(result.data.feed.edges).toHaveLength(20);
    expect(result.data.feed.edges[0].node.themes).toHaveLength(2);
    expect(forTwenty).toBe(forTwo);
    expect(forTwo).toBe(1); // the page, with its themes, authors and seenByMe
  });

  it('never shows drafts or archived items', async () => {
    const theme = await buildTheme(server.em());
    await buildContent(server.em(), { themes: [theme], status: ContentStatus.DRAFT });
    await buildContent(server.em(), { themes: [theme], status: ContentStatus.ARCHIVED });
    const member = await buildMember(server.em());
    expect(feedIds(await server.gql(FEED, { themeSlug: theme.slug }, await as(member.id)))).toEqual([]);
  });
});
