import { randomBytes } from 'node:crypto';
import { buildAdmin, buildContent, buildMember, buildTheme } from '../../test/factories';
import { buildSession } from '../../test/live';
import { captureQueries, errorCode, startTestServer, type TestServer } from '../../test/server';
import { encodeCursor } from '../../server/pagination';
import { Comment } from '../content/comment.entity';
import { ContentStatus, ContentType } from '../content/content.entity';
import { Role, type Member } from '../identity/member.entity';
import { ContentView } from '../tracking/content-view.entity';
import { MAX_SEARCH_RESULTS } from './search.inputs';

const SEARCH = `query($query: String!, $kinds: [SearchKind!], $themeSlug: String, $type: ContentType, $first: Int, $after: String) {
  search(query: $query, kinds: $kinds, themeSlug: $themeSlug, type: $type, first: $first, after: $after) {
    edges { cursor node { kind id score snippet subject {
      __typename
      ... on Content { id title status }
      ... on Comment { id body }
      ... on DirectoryMember { id name company headline }
      ... on LiveSession { id title }
    } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** A made-up word no other test's rows contain (the suite shares one database): letters only, so no stemmer splits it. */
const nonce = () => `zq${[...randomBytes(6)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;

async function search(viewer: { id: string }, variables: Record<string, unknown>, on = server) {
  return on.gql(SEARCH, variables, { token: await on.tokenFor(viewer.id) });
}

async function hits(viewer: { id: string }, variables: Record<string, unknown>, on = server): Promise<any[]> {
  const result = await search(viewer, variables, on);
  expect(result.errors).toBeUndefined();
  return result.data!.search.edges.map((edge: any) => edge.node);
}

const ids = (found: any[]) => found.map((hit) => hit.id);

async function buildComment(content: { id: string }, author: Member, body: string, overrides: Partial<Comment> = {}): Promise<Comment> {
  const em = server.em();
  const comment = em.create(Comment, {
    content: content.id,
    author: author.id,
    body,
    createdAt: new Date('2026-02-01T10:00:00Z'),
    ...overrides,
  });
  await em.flush();
  return comment;
}

describe('search: ranking and syntax', () => {
  it('ranks a match in a title above one in a body, and the most recent first among equals', async () => {
    const word = nonce();
    const inBody = await buildContent(server.em(), {
      title: 'Quarterly notes',
      body: `Some text about ${word} among many other words here.`,
    });
    const inTitle = await buildContent(server.em(), { title: `The ${word} playbook`, body: 'Nothing else.' });
    const older = await buildContent(server.em(), { title: `Twin ${word}`, body: 'Same.', createdAt: new Date('2026-01-05T00:00:00Z') });
    const newer = await buildContent(server.em(), { title: `Twin ${word}`, body: 'Same.', createdAt: new Date('2026-01-06T00:00:00Z') });
    const member = await buildMember(server.em());
    const found = await hits(member, { query: word });
    expect(ids(found).sort()).toEqual([newer.id, older.id, inTitle.id, inBody.id].sort());
    expect(found.map((hit) => hit.kind)).toEqual(['CONTENT', 'CONTENT', 'CONTENT', 'CONTENT']);
    expect(ids(found).indexOf(inTitle.id)).toBeLessThan(ids(found).indexOf(inBody.id));
    expect(ids(found).indexOf(newer.id)).toBe(ids(found).indexOf(older.id) - 1);
    expect(found[ids(found).indexOf(newer.id)].score).toBe(found[ids(found).indexOf(older.id)].score);
    expect(found.at(-1).id).toBe(inBody.id);
  });

  it('reads quotes as a phrase, -word as an exclusion and `or` as an alternative', async () => {
    const [a, b, c] = [nonce(), nonce(), nonce()];
    const phrase = await buildContent(server.em(), { title: `${a} ${b} review` });
    const apart = await buildContent(server.em(), { title: `${b} and then ${a}` });
    const withC = await buildContent(server.em(), { title: `${a} with ${c}` });
    const onlyC = await buildContent(server.em(), { title: `just ${c}` });
    const member = await buildMember(server.em());
    expect(ids(await hits(member, { query: `"${a} ${b}"` }))).toEqual([phrase.id]);
    expect(ids(await hits(member, { query: `${a} -${c}` })).sort()).toEqual([phrase.id, apart.id].sort());
    expect(ids(await hits(member, { query: `${b} or ${c}` })).sort()).toEqual([phrase.id, apart.id, withC.id, onlyC.id].sort());
    expect(ids(await hits(member, { query: `${a} ${c}` }))).toEqual([withC.id]);
  });

  it('matches the last word as a prefix while it is being typed, not once a space follows it', async () => {
    const word = nonce();
    const item = await buildContent(server.em(), { title: `Marketing ${word}x webinars` });
    const member = await buildMember(server.em());
    expect(ids(await hits(member, { query: `marketing ${word}` }))).toEqual([item.id]);
    expect(ids(await hits(member, { query: `${word}x webin` }))).toEqual([item.id]);
    expect(await hits(member, { query: `marketing ${word} ` })).toEqual([]);
    // A finished phrase or an excluded word is not a prefix.
    expect(await hits(member, { query: `"marketing ${word}"` })).toEqual([]);
    expect(ids(await hits(member, { query: `${word}x -webin` }))).toEqual([item.id]);
  });

  it('matches a typed prefix the stemmer would rewrite: "copy" finds copywriting', async () => {
    // The English stemmer turns a final consonant + "y" into "i" ("copy" -> "copi"), which no longer
    // begins "copywrit", the indexed form of "copywriting": the word as typed is a prefix too.
    const word = nonce();
    const compound = await buildContent(server.em(), { title: `Copywriting for ${word} launches` });
    const coined = await buildContent(server.em(), { title: `The ${word}byx playbook` });
    const member = await buildMember(server.em());
    expect(ids(await hits(member, { query: `${word} copy` }))).toEqual([compound.id]);
    expect(ids(await hits(member, { query: `${word}by` }))).toEqual([coined.id]);
    // Once the word is finished, it is matched as the stemmer reads it, as before.
    expect(await hits(member, { query: `${word} copy ` })).toEqual([]);
    // Whatever the typed word holds, the query answers (the typed form is spliced into a tsquery).
    for (const typed of ["cop'y", 'cop\\y', 'copy:*', 'co&py', 'c|o!py', 'copy)', 'ÉTÉy', 'e-mail', '(copy']) {
      expect(ids(await hits(member, { query: `${word} ${typed}` })).every((id) => id === compound.id)).toBe(true);
    }
  });

  it('matches a hyphenated word while it is being typed: "follow-u" finds follow-up', async () => {
    // The parser reads a hyphenated word as the compound and its parts, in a phrase
    // ('follow-u' <-> 'follow' <-> 'u'): with only the last part as a prefix, the compound had to
    // match whole, and nothing did until the word was complete.
    const word = nonce();
    const item = await buildContent(server.em(), { title: `Webinar ${word} follow-up checklist` });
    const cloned = await buildContent(server.em(), { title: `A ${word} fresh-clone check` });
    const member = await buildMember(server.em());
    expect(ids(await hits(member, { query: `${word} follow-u` }))).toEqual([item.id]);
    expect(ids(await hits(member, { query: `${word} Fresh-cl` }))).toEqual([cloned.id]);
    expect(ids(await hits(member, { query: `${word} follow-up` }))).toEqual([item.id]);
    expect(ids(await hits(member, { query: `${word} fresh-clone` }))).toEqual([cloned.id]);
    expect(await hits(member, { query: `${word} follow-u ` })).toEqual([]);
  });

  it('finds a quoted phrase that ends on the first part of a hyphenated word: "webinar follow" finds "webinar follow-up"', async () => {
    // The parser reads "follow-up" as the compound, then its parts one position further on
    // ('webinar':1 'follow-up':2 'follow':3): a phrase asking for 'follow' right after 'webinar'
    // found nothing, though unquoted the same words did.
    const word = nonce();
    const item = await buildContent(server.em(), { title: `Webinar ${word} follow-up checklist` });
    const founder = await buildContent(server.em(), { title: `Meet the ${word} co-founder` });
    const inflected = await buildContent(server.em(), { title: `A ${word} marketing-led plan for Événement-clé days` });
    const apart = await buildContent(server.em(), { title: `${word} then a follow-up, then co-founder` });
    const member = await buildMember(server.em());
    expect(ids(await hits(member, { query: `"${word} follow"` }))).toEqual([item.id]);
    expect(ids(await hits(member, { query: `"webinar ${word} follow up"` }))).toEqual([item.id]);
    expect(ids(await hits(member, { query: `"meet the ${word} co" founder` }))).toEqual([founder.id]);
    // The compound holds the word as written, not as stemmed ('marketing-l', not 'market-'), accents aside.
    expect(ids(await hits(member, { query: `"${word} marketing"` }))).toEqual([inflected.id]);
    expect(ids(await hits(member, { query: `${word} "plan for événement"` }))).toEqual([inflected.id]);
    // Still a phrase: the words must be next to each other; a hyphenated word is still found whole.
    expect(ids(await hits(member, { query: `${word} follow` })).sort()).toEqual([item.id, apart.id].sort());
    expect(await hits(member, { query: `"the ${word} founder"` })).toEqual([]);
    expect(await hits(member, { query: `"${word} follow checklist"` })).toEqual([]);
    expect(ids(await hits(member, { query: `"${word} follow-up checklist"` }))).toEqual([item.id]);
    expect(ids(await hits(member, { query: `${word} follow -"${word} follow"` }))).toEqual([apart.id]);
    // Whatever the phrase holds, the query answers (its operands are rewritten in the tsquery's text).
    for (const phrase of ["it's o'neil", 'c\\d e-mail', "www.x.com/it's?q=1 v1.2", '(a) b|c & !d <-> e:*', 'ÉTÉ ж 𝔘']) {
      expect((await search(member, { query: `"${word} ${phrase}"` })).errors).toBeUndefined();
    }
  });

  it('ignores accents and case on both sides', async () => {
    const word = nonce();
    const accented = await buildContent(server.em(), { title: `Événement ${word} à Orléans` });
    const plain = await buildContent(server.em(), { title: `EVENEMENT ${word} a orleans` });
    const member = await buildMember(server.em());
    expect(ids(await hits(member, { query: `evenement ${word} orleans` })).sort()).toEqual([accented.id, plain.id].sort());
    expect(ids(await hits(member, { query: `ÉVÉNEMENT ${word.toUpperCase()} Orléans` })).sort()).toEqual([accented.id, plain.id].sort());
  });

  it('refuses a blank or over-long query', async () => {
    const member = await buildMember(server.em());
    for (const query of ['   ', 'x'.repeat(201)]) {
      const refused = await search(member, { query });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions!.fields.query).toBeDefined();
    }
    // Only operators or stop words: nothing to find, not an error.
    expect(await hits(member, { query: 'the - or "' })).toEqual([]);
  });

  it('refuses an empty kinds list rather than searching every kind', async () => {
    // An app building kinds from checkboxes sends [] when none is ticked: that asks for nothing,
    // not for everything, which leaving kinds out asks for.
    const word = nonce();
    await buildContent(server.em(), { title: `${word} guide` });
    const member = await buildMember(server.em());
    const refused = await search(member, { query: word, kinds: [] });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions!.fields.kinds).toBeDefined();
    expect(await hits(member, { query: word, kinds: null })).toHaveLength(1);
    expect(await hits(member, { query: word })).toHaveLength(1);
  });
});

describe('search: what it finds', () => {
  it('finds items, comments, members (directory fields only) and live sessions in one list, and filters by kind, theme and type', async () => {
    const word = nonce();
    const theme = await buildTheme(server.em());
    const author = await buildMember(server.em(), {
      displayName: `Ada ${word}`,
      company: 'Acme',
      jobTitle: 'Head of growth',
      email: `${word}@example.test`,
    });
    const item = await buildContent(server.em(), { title: `${word} guide`, themes: [theme], type: ContentType.VIDEO });
    const comment = await buildComment(item, author, `Loved the ${word} part`);
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id, { title: `Live ${word} clinic`, themeIds: [theme.id] });
    const viewer = await buildMember(server.em());

    const all = await hits(viewer, { query: word });
    expect(all.map((hit) => hit.kind).sort()).toEqual(['COMMENT', 'CONTENT', 'LIVE_SESSION', 'MEMBER']);
    const member = all.find((hit) => hit.kind === 'MEMBER');
    expect(member.subject).toEqual({
      __typename: 'DirectoryMember',
      id: author.id,
      name: `Ada ${word}`,
      company: 'Acme',
      headline: 'Head of growth',
    });
    expect(all.find((hit) => hit.kind === 'COMMENT').subject).toMatchObject({ __typename: 'Comment', id: comment.id });
    expect(all.find((hit) => hit.kind === 'LIVE_SESSION').subject).toMatchObject({ __typename: 'LiveSession', id: session.id });

    // Emails are not searchable: the member's email holds the word too, but only their name is found.
    const byEmail = await hits(viewer, { query: `${word}@example.test`, kinds: ['MEMBER'] });
    expect(byEmail).toEqual([]);

    expect(ids(await hits(viewer, { query: word, kinds: ['COMMENT', 'LIVE_SESSION'] })).sort()).toEqual([comment.id, session.id].sort());
    expect(ids(await hits(viewer, { query: word, themeSlug: theme.slug })).sort()).toEqual([item.id, comment.id, session.id].sort());
    expect(ids(await hits(viewer, { query: word, type: 'VIDEO' })).sort()).toEqual([item.id, comment.id].sort());
    expect(await hits(viewer, { query: word, type: 'ARTICLE' })).toEqual([]);
    expect(await hits(viewer, { query: word, kinds: ['MEMBER'], themeSlug: theme.slug })).toEqual([]);
  });

  it('shows drafts only to their author and admins, never deleted comments, and hides a blocked member’s comments and profile from the blocker only', async () => {
    const word = nonce();
    const speaker = await buildMember(server.em(), { role: Role.SPEAKER });
    const draft = await buildContent(server.em(), { title: `Draft ${word}`, status: ContentStatus.DRAFT, author: speaker });
    const archived = await buildContent(server.em(), { title: `Archived ${word}`, status: ContentStatus.ARCHIVED, author: speaker });
    const published = await buildContent(server.em(), { title: `Published ${word}`, author: speaker });
    const troll = await buildMember(server.em(), { displayName: `Troll ${word}` });
    const trollComment = await buildComment(published, troll, `My ${word} opinion`);
    const deleted = await buildComment(published, speaker, `Gone ${word}`, { deletedAt: new Date('2026-02-02T00:00:00Z') });
    const [member, blocker, admin] = [await buildMember(server.em()), await buildMember(server.em()), await buildAdmin(server.em())];
    const block = await server.gql(
      `mutation($id: ID!) { blockMember(memberId: $id) { id } }`,
      { id: troll.id },
      { token: await server.tokenFor(blocker.id) },
    );
    expect(block.errors).toBeUndefined();

    const everyone = [archived.id, published.id, troll.id, trollComment.id];
    expect(ids(await hits(member, { query: word })).sort()).toEqual(everyone.sort());
    expect(ids(await hits(speaker, { query: word })).sort()).toEqual([...everyone, draft.id].sort());
    expect(ids(await hits(admin, { query: word })).sort()).toEqual([...everyone, draft.id].sort());
    expect(ids(await hits(blocker, { query: word })).sort()).toEqual([archived.id, published.id].sort());
    expect(ids(await hits(member, { query: `gone ${word}` }))).not.toContain(deleted.id);
  });

  it('finds a comment only where its item may be seen: on a draft, a hidden item, an item of a suspended author', async () => {
    const word = nonce();
    const [speaker, hiddenAuthor, commenter, member] = [
      await buildMember(server.em(), { role: Role.SPEAKER }),
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em()),
    ];
    const suspended = await buildMember(server.em(), { suspendedUntil: new Date(Date.now() + 86_400_000) });
    const [moderator, admin] = [await buildMember(server.em(), { role: Role.MODERATOR }), await buildAdmin(server.em())];
    const draft = await buildContent(server.em(), { title: 'A draft', status: ContentStatus.DRAFT, author: speaker });
    const hidden = await buildContent(server.em(), { title: 'A hidden item', author: hiddenAuthor, hiddenAt: new Date() });
    const bySuspended = await buildContent(server.em(), { title: 'By a suspended member', author: suspended });
    const open = await buildContent(server.em(), { title: 'An open item', author: speaker });
    const [onDraft, onHidden, onSuspended, onOpen] = [
      await buildComment(draft, commenter, `On the draft ${word}`),
      await buildComment(hidden, commenter, `On the hidden item ${word}`),
      await buildComment(bySuspended, commenter, `On the suspended author's item ${word}`),
      await buildComment(open, commenter, `On the open item ${word}`),
    ];
    const found = async (viewer: Member) => ids(await hits(viewer, { query: word, kinds: ['COMMENT'] })).sort();

    expect(await found(member)).toEqual([onOpen.id]);
    // Writing a comment does not open the item it is on.
    expect(await found(commenter)).toEqual([onOpen.id]);
    expect(await found(speaker)).toEqual([onDraft.id, onOpen.id].sort());
    expect(await found(hiddenAuthor)).toEqual([onHidden.id, onOpen.id].sort());
    expect(await found(moderator)).toEqual([onHidden.id, onSuspended.id, onOpen.id].sort());
    expect(await found(admin)).toEqual([onDraft.id, onHidden.id, onSuspended.id, onOpen.id].sort());
  });

  it('keeps an item’s search vector in its row, where ranking reads it, and lets the body go out of line first', async () => {
    const storage = await server
      .em()
      .execute<{ attname: string; attstorage: string }[]>(
        `select attname, attstorage from pg_attribute where attrelid = 'content'::regclass and attname in ('search_vector', 'body') order by attname`,
      );
    expect(storage).toEqual([
      { attname: 'body', attstorage: 'x' },
      { attname: 'search_vector', attstorage: 'm' },
    ]);
  });

  it('gives snippets with the matches in <mark> and everything else escaped, whatever the text holds', async () => {
    const word = nonce();
    const hostile = `<script>alert("x")</script> <mark>fake</mark> & <img src=x onerror=alert(1)> \u0001 ${word} \u0002 tail's "quoted"`;
    const item = await buildContent(server.em(), { title: `Safe title`, summary: null, body: hostile });
    const member = await buildMember(server.em());
    const [hit] = await hits(member, { query: word });
    expect(hit.id).toBe(item.id);
    expect(hit.snippet).toContain(`<mark>${word}</mark>`);
    expect(hit.snippet).not.toMatch(/<(?!\/?mark>)/);
    expect(hit.snippet).not.toContain('\u0001');
    expect(hit.snippet).not.toContain('\u0002');
    expect(hit.snippet.match(/<mark>/g)).toHaveLength(1);
    expect(hit.snippet).toContain('&lt;');
    expect(hit.snippet).toContain('&amp;');
    // What is left once the marks are removed and entities decoded is the text itself.
    const text = hit.snippet
      .replace(/<\/?mark>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
    expect(text).toContain(word);
    expect(text).not.toContain('\u0001');
  });
});

describe('search: pages', () => {
  it('pages through every hit once with opaque cursors, and refuses forged or too deep ones', async () => {
    const word = nonce();
    const items = [];
    for (let i = 0; i < 12; i++)
      items.push(await buildContent(server.em(), { title: `${word} ${i}`, createdAt: new Date(Date.UTC(2026, 0, 1 + i)) }));
    const member = await buildMember(server.em());
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const result = await search(member, { query: word, first: 5, after });
      const page: any = result.data!.search;
      seen.push(...page.edges.map((edge: any) => edge.node.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(items.map((item) => item.id).reverse());

    for (const forged of [
      'not-a-cursor',
      encodeCursor(['2026-01-01T00:00:00.000Z', items[0].id]),
      encodeCursor([-1]),
      encodeCursor([1.5]),
      encodeCursor([MAX_SEARCH_RESULTS]),
    ]) {
      const refused = await search(member, { query: word, after: forged });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0].extensions!.fields.after).toBeDefined();
    }
    const last = await search(member, { query: word, after: encodeCursor([MAX_SEARCH_RESULTS - 1]) });
    expect(last.data!.search.pageInfo.hasNextPage).toBe(false);
  });

  it('runs its statement once per request: the compiled query resolves the SearchSubject union without falling back to graphql-js', async () => {
    const word = nonce();
    await buildContent(server.em(), { title: `${word} once` });
    const member = await buildMember(server.em());
    await hits(member, { query: word });
    const statements = await captureQueries(server, () => hits(member, { query: word }));
    expect(statements.filter((statement) => statement.includes('ts_headline'))).toHaveLength(1);
  });

  it('records an item opened from a result as a view from SEARCH', async () => {
    const word = nonce();
    const item = await buildContent(server.em(), { title: `${word} opened` });
    const member = await buildMember(server.em());
    const [hit] = await hits(member, { query: word });
    const record = `mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { contentId newView } }`;
    const opened = await server.gql(
      record,
      { input: { contentId: hit.subject.id, seconds: 0, source: 'SEARCH' } },
      { token: await server.tokenFor(member.id) },
    );
    expect(opened.data!.recordContentView).toEqual({ contentId: item.id, newView: true });
    const [view] = await server.em().find(ContentView, { member: member.id, content: item.id });
    expect(view.source).toBe('SEARCH');
  });
});

describe('search in a French community (COMMUNITY_LOCALE=fr)', () => {
  let french: TestServer;
  beforeAll(async () => {
    french = await startTestServer({ env: { COMMUNITY_LOCALE: 'fr' } });
  });
  afterAll(() => french.stop());

  it('stems French words: « webinaire » finds « webinaires », « stratégie » finds « stratégiques »', async () => {
    const member = await buildMember(french.em());
    const item = await buildContent(french.em(), { title: 'Nos webinaires stratégiques de décembre' });
    expect(ids(await hits(member, { query: 'webinaire' }, french))).toEqual([item.id]);
    expect(ids(await hits(member, { query: 'strategie' }, french))).toEqual([item.id]);
    const later = await buildContent(french.em(), { title: 'Partenaires et stratégie' });
    expect(ids(await hits(member, { query: 'stratégiques' }, french)).sort()).toEqual([item.id, later.id].sort());
    expect((await hits(member, { query: 'webinaire' }, french))[0].snippet).toContain('<mark>webinaires</mark>');
  });

  it('rebuilds an index written in English when the community switches to French', async () => {
    const english = await startTestServer();
    try {
      const member = await buildMember(english.em());
      const item = await buildContent(english.em(), { title: 'Nos webinaires stratégiques' });
      expect(await hits(member, { query: 'stratégie ' }, english)).toEqual([]);
      const switched = await startTestServer({ databaseUrl: english.databaseUrl, env: { COMMUNITY_LOCALE: 'fr' } });
      try {
        expect(ids(await hits(member, { query: 'stratégie ' }, switched))).toEqual([item.id]);
        const [{ language }] = await switched
          .em()
          .execute<{ language: string }[]>('select language::text as language from search_language');
        expect(language).toBe('hearth_fr');
      } finally {
        await switched.stop();
      }
    } finally {
      await english.stop();
    }
  });

  it('is language-aware: English stemming does not join « stratégie » and « stratégiques »', async () => {
    const word = nonce();
    const item = await buildContent(server.em(), { title: `Nos ${word} stratégiques` });
    const member = await buildMember(server.em());
    expect(ids(await hits(member, { query: `${word} stratégiques` }))).toEqual([item.id]);
    expect(await hits(member, { query: `stratégie ${word}` })).toEqual([]);
  });
});
