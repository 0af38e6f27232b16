import { buildAdmin, buildContent, buildMember, buildTheme, buildView, buildVisit } from '../../test/factories';
import { errorCode, startTestServer, type TestServer } from '../../test/server';
import { ContentType } from '../content/content.entity';
import { Membership, Role } from '../identity/member.entity';

/** The reads the admin console needs beyond the KPIs themselves: filtered reach, a member's days, member filters. */
let server: TestServer;
let adminToken: string;
beforeAll(async () => {
  server = await startTestServer({ env: { COMMUNITY_TIMEZONE: 'Europe/Paris' } });
  adminToken = await server.tokenFor((await buildAdmin(server.em())).id);
});
afterAll(() => server.stop());

const admin = () => ({ token: adminToken });

describe('contentReach filters, orders and items', () => {
  // 2033 is this describe's own year: no other test here has items then.
  const window = { from: '2033-01-01T00:00:00Z', to: '2034-01-01T00:00:00Z' };
  const REACH = `query($from: DateTime!, $to: DateTime!, $orderBy: ReachOrderBy, $type: ContentType, $themeSlug: String, $groupBy: ReachGroupBy) {
    contentReach(from: $from, to: $to, orderBy: $orderBy, type: $type, themeSlug: $themeSlug, groupBy: $groupBy, first: 10) {
      edges { node { key label reach uniqueViewers publishedAt content { id type themes { slug } } } }
    }
  }`;

  it('filters by type and theme, orders least seen first (newest among equals), newest or by viewers, and links ITEM rows to their content', async () => {
    const em = server.em();
    const [alpha, beta] = [await buildTheme(em), await buildTheme(em)];
    const old = await buildContent(em, {
      themes: [alpha],
      type: ContentType.ARTICLE,
      title: 'Old',
      createdAt: new Date('2033-02-01T09:00:00Z'),
    });
    const fresh = await buildContent(em, {
      themes: [alpha],
      type: ContentType.ARTICLE,
      title: 'Fresh',
      createdAt: new Date('2033-03-01T09:00:00Z'),
    });
    const video = await buildContent(em, {
      themes: [beta],
      type: ContentType.VIDEO,
      title: 'Video',
      createdAt: new Date('2033-02-15T09:00:00Z'),
    });
    const [a, b] = [await buildMember(em), await buildMember(em)];
    await buildVisit(em, a, '2033-03-02T10:00:00Z');
    await buildVisit(em, b, '2033-03-03T10:00:00Z');
    await buildView(em, a, video, '2033-03-02T10:01:00Z');
    await buildView(em, b, video, '2033-03-03T10:01:00Z');

    const keys = async (variables: Record<string, unknown>) =>
      (await server.gql(REACH, { ...window, ...variables }, admin())).data!.contentReach.edges.map((e: any) => e.node.label);
    // Old and Fresh both have reach 0: the newer first.
    expect(await keys({})).toEqual(['Fresh', 'Old', 'Video']);
    expect(await keys({ orderBy: 'NEWEST' })).toEqual(['Fresh', 'Video', 'Old']);
    expect(await keys({ orderBy: 'UNIQUE_VIEWERS' })).toEqual([
      'Video',
      ...[old, fresh].sort((x, y) => x.id.localeCompare(y.id)).map((c) => c.title),
    ]);
    expect(await keys({ type: 'ARTICLE' })).toEqual(['Fresh', 'Old']);
    expect(await keys({ themeSlug: beta.slug })).toEqual(['Video']);
    expect(await keys({ themeSlug: alpha.slug, type: 'VIDEO' })).toEqual([]);

    const [row] = (await server.gql(REACH, { ...window, themeSlug: beta.slug }, admin())).data!.contentReach.edges;
    expect(row.node).toEqual({
      key: video.id,
      label: 'Video',
      reach: 1,
      uniqueViewers: 2,
      publishedAt: '2033-02-15T09:00:00.000Z',
      content: { id: video.id, type: 'VIDEO', themes: [{ slug: beta.slug }] },
    });
    const byType = (await server.gql(REACH, { ...window, groupBy: 'TYPE', orderBy: 'NEWEST' }, admin())).data!.contentReach.edges;
    expect(byType.map((e: any) => [e.node.key, e.node.publishedAt, e.node.content])).toEqual([
      ['ARTICLE', '2033-03-01T09:00:00.000Z', null],
      ['VIDEO', '2033-02-15T09:00:00.000Z', null],
    ]);
  });
});

describe('memberActivity', () => {
  const ACTIVITY = `query($id: ID!, $from: DateTime!, $to: DateTime!) { memberActivity(memberId: $id, from: $from, to: $to) { day visits views } }`;

  it('gives every day of the window in the community time zone with its visits and views', async () => {
    const em = server.em();
    const member = await buildMember(em);
    const item = await buildContent(em);
    // 23:30 UTC on 1 April is 2 April in Paris (UTC+2); a visit from 23:50 to 00:20 Paris time touches two days.
    await buildVisit(em, member, '2033-04-01T23:30:00Z');
    await buildView(em, member, item, '2033-04-01T23:31:00Z');
    await buildView(em, member, await buildContent(em), '2033-04-01T23:32:00Z');
    await buildVisit(em, member, '2033-04-03T21:50:00Z', '2033-04-03T22:20:00Z');
    const window = { from: '2033-03-31T22:00:00Z', to: '2033-04-05T22:00:00Z' }; // 1–5 April, Paris
    const result = await server.gql(ACTIVITY, { id: member.id, ...window }, admin());
    expect(result.data!.memberActivity).toEqual([
      { day: '2033-04-01', visits: 0, views: 0 },
      { day: '2033-04-02', visits: 1, views: 2 },
      { day: '2033-04-03', visits: 1, views: 0 },
      { day: '2033-04-04', visits: 1, views: 0 },
      { day: '2033-04-05', visits: 0, views: 0 },
    ]);
    const own = await server.gql(ACTIVITY, { id: member.id, ...window }, { token: await server.tokenFor(member.id) });
    expect(own.data!.memberActivity).toHaveLength(5);
    const other = await buildMember(em);
    expect(errorCode(await server.gql(ACTIVITY, { id: member.id, ...window }, { token: await server.tokenFor(other.id) }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await server.gql(ACTIVITY, { id: member.id, from: window.to, to: window.from }, admin()))).toBe('BAD_USER_INPUT');
  });
});

describe('members filters', () => {
  it('narrows the list to a role and a membership, with the search', async () => {
    const em = server.em();
    const tag = `Filter${Date.now()}`;
    const speaker = await buildMember(em, { role: Role.SPEAKER, company: tag });
    const paidSpeaker = await buildMember(em, { role: Role.SPEAKER, membership: Membership.PAID, company: tag });
    await buildMember(em, { company: tag });
    const MEMBERS = `query($search: String, $role: Role, $membership: Membership) { members(search: $search, role: $role, membership: $membership, first: 50) { edges { node { id } } } }`;
    const ids = async (variables: Record<string, unknown>) =>
      (await server.gql(MEMBERS, { search: tag, ...variables }, admin())).data!.members.edges.map((e: any) => e.node.id).sort();
    expect(await ids({ role: 'SPEAKER' })).toEqual([speaker.id, paidSpeaker.id].sort());
    expect(await ids({ role: 'SPEAKER', membership: 'PAID' })).toEqual([paidSpeaker.id]);
    expect(await ids({})).toHaveLength(3);
  });
});
