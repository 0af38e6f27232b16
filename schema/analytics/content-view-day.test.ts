import type { EntityManager } from '@mikro-orm/postgresql';
import { buildAdmin, buildContent, buildMember, buildTheme, buildView } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { seedDemoCommunity } from '../../seed/demo-community';
import { seededRandom } from '../../seed/random';
import { Content } from '../content/content.entity';
import { Member } from '../identity/member.entity';

/**
 * content_view_day, as defined from the views themselves: per item and UTC day of first_seen_at,
 * the views that began that day, their seconds, and the members whose first view of the item began
 * that day (no view of it on an earlier day).
 */
const DEFINITION_DAYS_SQL = `
select v.content_id, to_char((v.first_seen_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, count(*)::int as views,
       count(distinct v.member_id) filter (where not exists (
         select 1 from content_view e where e.content_id = v.content_id and e.member_id = v.member_id
           and (e.first_seen_at at time zone 'UTC')::date < (v.first_seen_at at time zone 'UTC')::date
       ))::int as viewers,
       sum(v.seconds)::int as seconds
from content_view v group by 1, 2 order by 1, 2`;

const ROLLUP_SQL = `select content_id, to_char(day, 'YYYY-MM-DD') as day, views, viewers, seconds::int as seconds from content_view_day order by 1, 2`;

/** PRODUCT.md's reach figures per item, straight from the views recorded before the window's end. */
const REFERENCE_ITEMS_SQL = `
select c.id as key, count(v.id)::int as views, count(distinct v.member_id)::int as viewers, coalesce(sum(v.seconds), 0)::int as seconds
from content c left join content_view v on v.content_id = c.id and v.first_seen_at < ?
where c.published_at >= ? and c.published_at < ? and c.status <> 'DRAFT'
group by c.id order by 1`;

const REACH = `query($from: DateTime!, $to: DateTime!, $groupBy: ReachGroupBy!) {
  contentReach(from: $from, to: $to, groupBy: $groupBy, first: 100) { edges { node { key views uniqueViewers meanSecondsViewed } } }
}`;

const meanSeconds = (seconds: number, views: number) => (views === 0 ? null : Math.round((seconds / views) * 100) / 100);

const FROM = '2026-03-01T00:00:00Z';
/** Window ends: a UTC midnight, a cut through a busy day, Paris midnight, a minute after a midnight, after everything. */
const ENDS = ['2026-04-03T00:00:00Z', '2026-04-02T13:37:00Z', '2026-04-01T22:00:00Z', '2026-04-04T00:01:00Z', '2027-01-01T00:00:00Z'];

const expectRollupAsDefined = async (em: EntityManager) =>
  expect(await em.execute(ROLLUP_SQL)).toEqual(await em.execute(DEFINITION_DAYS_SQL));

async function expectReachAsDefined(server: TestServer, token: string): Promise<void> {
  for (const to of ENDS) {
    const reference = await server
      .em()
      .execute<{ key: string; views: number; viewers: number; seconds: number }[]>(REFERENCE_ITEMS_SQL, [to, FROM, to]);
    const byItem = await server.gql(REACH, { from: FROM, to, groupBy: 'ITEM' }, { token });
    expect(byItem.errors).toBeUndefined();
    const rows = byItem.data!.contentReach.edges.map((edge: { node: { key: string } }) => edge.node);
    rows.sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key));
    const expected = reference.map((row) => ({
      key: row.key,
      views: row.views,
      uniqueViewers: row.viewers,
      meanSecondsViewed: meanSeconds(row.seconds, row.views),
    }));
    expect({ to, rows }).toEqual({ to, rows: expected });
  }
}

/**
 * Views through the writer (heartbeats extending a view, a view per visit, several per batch, the
 * same item again the same day, views across UTC midnight) and inserted as they are (earlier than
 * the member's first view through the writer, or on the same day).
 */
async function buildViews(server: TestServer, items: Content[], members: Member[], seed: number): Promise<void> {
  const random = seededRandom(seed);
  const writer = server.hearth.deps.viewWriter;
  let at = Date.parse('2026-03-30T20:00:00Z');
  for (let event = 0; event < 300; event++) {
    at += random.int(1, 50) * 60_000;
    const member = random.pick(members);
    const kind = random.next();
    if (kind < 0.8) {
      const views = Array.from({ length: random.int(1, 3) }, () => ({
        memberId: random.chance(0.7) ? member.id : random.pick(members).id,
        contentId: random.pick(items).id,
        at: new Date(at),
        seconds: random.int(0, 90),
        source: 'FEED',
      }));
      await writer.writeMany(views);
    } else {
      await buildView(server.em(), member, random.pick(items), new Date(at - random.int(0, 4 * 24 * 60) * 60_000), random.int(0, 600));
    }
  }
}

describe('the content_view_day rollup', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await server.tokenFor((await buildAdmin(server.em())).id);
  });
  afterAll(() => server.stop());

  it('holds the views, seconds and first viewers per item and UTC day, and contentReach the figures of the definition', async () => {
    const themes = await Promise.all([buildTheme(server.em()), buildTheme(server.em())]);
    const items = await Promise.all(
      ['2026-03-20T08:00:00Z', '2026-03-29T21:30:00Z', '2026-04-01T12:00:00Z', '2026-04-02T23:59:00Z'].map((at, i) =>
        buildContent(server.em(), { createdAt: new Date(at), themes: [themes[i % 2], ...(i === 3 ? [themes[0]] : [])] }),
      ),
    );
    const members = await Promise.all(Array.from({ length: 8 }, () => buildMember(server.em())));
    await buildViews(server, items, members, 21);
    const [{ repeats, extended }] = await server.em().execute(
      `select (select count(*) from (select 1 from content_view group by content_id, member_id, (first_seen_at at time zone 'UTC')::date having count(*) > 1) r)::int as repeats,
              count(*) filter (where last_seen_at > first_seen_at)::int as extended from content_view`,
    );
    expect(repeats).toBeGreaterThan(0);
    expect(extended).toBeGreaterThan(0);
    await expectRollupAsDefined(server.em());
    await expectReachAsDefined(server, token);

    const byTheme = await server.gql(REACH, { from: FROM, to: ENDS[1], groupBy: 'THEME' }, { token });
    const reference = await server.em().execute(
      `select t.slug as key, count(v.id)::int as views, count(distinct (v.content_id, v.member_id))::int as "uniqueViewers"
       from theme t join content_theme ct on ct.theme_id = t.id join content c on c.id = ct.content_id
       left join content_view v on v.content_id = c.id and v.first_seen_at < ?
       where t.id in (?, ?) and c.published_at >= ? and c.published_at < ? group by t.slug order by 1`,
      [ENDS[1], themes[0].id, themes[1].id, FROM, ENDS[1]],
    );
    const themeRows = byTheme.data!.contentReach.edges.map(({ node }: { node: Record<string, unknown> }) => ({
      key: node.key,
      views: node.views,
      uniqueViewers: node.uniqueViewers,
    }));
    expect(themeRows.sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key))).toEqual(reference);
  });

  it('stays equal to the views when views, a member or an item are deleted', async () => {
    const items = await Promise.all(
      ['2026-03-25T08:00:00Z', '2026-03-31T10:00:00Z'].map((at) => buildContent(server.em(), { createdAt: new Date(at) })),
    );
    const members = await Promise.all(Array.from({ length: 6 }, () => buildMember(server.em())));
    await buildViews(server, items, members, 22);
    // A member's first view of an item deleted: they count on the day of their next one.
    await server.em().execute(
      `delete from content_view where id in (
         select distinct on (content_id, member_id) id from content_view where member_id = ? order by content_id, member_id, first_seen_at)`,
      [members[1].id],
    );
    await expectRollupAsDefined(server.em());
    // A bulk write (past the triggers' 10,000 rows, its items are rebuilt whole), then its deletion.
    await server.em().execute(
      `insert into content_view (id, member_id, content_id, first_seen_at, last_seen_at, seconds, source)
       select gen_random_uuid(), (array[?, ?]::uuid[])[1 + n % 2], ?, at, at, n % 7, 'FEED'
       from generate_series(1, 12000) n, lateral (select '2026-03-31T20:00:00Z'::timestamptz + n * interval '1 minute' as at) t`,
      [members[2].id, members[3].id, items[1].id],
    );
    await expectRollupAsDefined(server.em());
    await server.em().execute(`delete from content_view where content_id = ? and seconds = 6`, [items[1].id]);
    await expectRollupAsDefined(server.em());
    await server.em().nativeDelete(Member, { id: members[0].id });
    await expectRollupAsDefined(server.em());
    await server.em().nativeDelete(Content, { id: items[0].id });
    await expectRollupAsDefined(server.em());
    await expectReachAsDefined(server, token);
  });
});

describe('the content_view_day rollup after the demo seed', () => {
  it('holds the views loaded with COPY', async () => {
    const server = await startTestServer();
    try {
      await seedDemoCommunity(server.em(), { members: 40, days: 30, seed: 6, now: new Date('2026-04-03T00:00:00Z') });
      await expectRollupAsDefined(server.em());
      await expectReachAsDefined(server, await server.tokenFor((await buildAdmin(server.em())).id));
    } finally {
      await server.stop();
    }
  });
});
