import type { EntityManager } from '@mikro-orm/postgresql';
import { buildAdmin, buildContent, buildMember, buildVisit } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { seedDemoCommunity } from '../../seed/demo-community';
import { seededRandom } from '../../seed/random';
import { Member } from '../identity/member.entity';
import { VisitSource } from '../tracking/visit.entity';
import { roundFigure } from './visit-days.sql';

/**
 * The definition, straight from the visits: the visit-day CTEs as they were before the visit_day
 * rollup (every visit turned into the local days it touched inside the window).
 * Params: from, to, time zone, and `who` for the population.
 */
const referenceCtes = (population: string) => `
with params as (select ?::timestamptz as from_at, ?::timestamptz as to_at, ?::text as tz, ?::text as who),
population as (${population}),
spans as (
  select v.member_id,
         (greatest(v.started_at, p.from_at) at time zone p.tz)::date as d1,
         (least(v.last_activity_at, p.to_at - interval '1 microsecond') at time zone p.tz)::date as d2
  from params p
  join visit v on v.started_at < p.to_at and v.last_activity_at >= p.from_at
  join population pop on pop.id = v.member_id
),
visit_days as (select distinct s.member_id, d::date as day from spans s cross join lateral generate_series(s.d1, s.d2, interval '1 day') d),
per_member as (
  select member_id, count(*)::int as days, (max(day) - min(day))::numeric / nullif(count(*) - 1, 0) as interval
  from visit_days group by member_id
)`;

/** revisitFrequency of one company's members, as defined. */
const REFERENCE_REVISIT_SQL = `${referenceCtes('select m.id from member m, params p where m.created_at < p.to_at and m.company = p.who')}
select
  (select avg(interval)::float8 from per_member where days >= 2) as "meanDays",
  (select percentile_cont(0.5) within group (order by interval) from per_member where days >= 2) as "medianDays",
  count(*) filter (where pm.days >= 2)::int as "membersMeasured",
  json_build_object(
    'daily', count(*) filter (where pm.interval <= 1.5), 'weekly', count(*) filter (where pm.interval > 1.5 and pm.interval <= 7),
    'monthly', count(*) filter (where pm.interval > 7 and pm.interval <= 30), 'rare', count(*) filter (where pm.interval > 30),
    'oneVisit', count(*) filter (where pm.days = 1), 'noVisit', count(*) filter (where pm.member_id is null)) as bands
from population pop left join per_member pm on pm.member_id = pop.id`;

/** One member's visit days and revisit interval, as defined. */
const REFERENCE_MEMBER_SQL = `${referenceCtes('select p.who::uuid as id from params p')}
select coalesce((select days from per_member), 0) as "visitDays", (select interval from per_member) as "revisitIntervalDays"`;

/** Every (member, local day, visits touching it) the definition gives, in `zone`. */
const DEFINITION_DAYS_SQL = `
select v.member_id, d::date as day, count(*)::int as visits
from visit v cross join lateral generate_series((v.started_at at time zone ?)::date, (v.last_activity_at at time zone ?)::date, interval '1 day') d
group by 1, 2 order by 1, 2`;

const REVISIT = `query($from: DateTime!, $to: DateTime!, $company: String) {
  revisitFrequency(from: $from, to: $to, company: $company) { meanDays medianDays membersMeasured bands { daily weekly monthly rare oneVisit noVisit } }
}`;

/** Windows in Paris time: whole local days, days cut at either end, part of one day, across the DST change. */
const WINDOWS: [string, string][] = [
  ['2026-03-19T23:00:00Z', '2026-04-30T22:00:00Z'],
  ['2026-03-21T10:17:00Z', '2026-04-20T05:43:00Z'],
  ['2026-03-20T00:00:00Z', '2026-04-20T00:00:00Z'],
  ['2026-03-27T23:00:00Z', '2026-04-02T12:30:00Z'],
  ['2026-03-28T16:00:00Z', '2026-04-05T22:00:00Z'],
  ['2026-03-25T08:00:00Z', '2026-03-25T15:00:00Z'],
  ['2026-03-29T00:30:00Z', '2026-03-29T23:30:00Z'],
];

const rollupRows = (em: EntityManager) => em.execute('select member_id, day, visits from visit_day order by 1, 2');

/** visit_year holds visit_day's days, per member and year, sorted; visit_latest each member's latest visit. */
async function expectYearsOfDays(em: EntityManager): Promise<void> {
  const years = await em.execute(`select member_id, year, array_to_string(days, ',') as days from visit_year order by 1, 2`);
  const ofDays = await em.execute(
    `select member_id, extract(year from day)::int as year, string_agg(day::text, ',' order by day) as days from visit_day group by 1, 2 order by 1, 2`,
  );
  expect(years).toEqual(ofDays);
  // visit_latest: each member's latest activity exactly, and a start no earlier than their latest start.
  const [latest] = await em.execute(
    `select count(*)::int as members,
            count(*) filter (where l.last_activity_at = x.last_activity_at and l.started_at >= x.started_at)::int as exact
     from (select member_id, max(started_at) as started_at, max(last_activity_at) as last_activity_at from visit group by member_id) x
     full join visit_latest l on l.member_id = x.member_id`,
  );
  expect(latest.exact).toBe(latest.members);
}
const definitionRows = (em: EntityManager, zone: string) => em.execute(DEFINITION_DAYS_SQL, [zone, zone]);

async function expectRevisitAsDefined(server: TestServer, token: string, company: string, windows = WINDOWS): Promise<void> {
  await expectYearsOfDays(server.em());
  for (const [from, to] of windows) {
    const result = await server.gql(REVISIT, { from, to, company }, { token });
    expect(result.errors).toBeUndefined();
    const [reference] = await server.em().execute(REFERENCE_REVISIT_SQL, [from, to, server.config.communityTimezone, company]);
    const expected = { ...reference, meanDays: roundFigure(reference.meanDays), medianDays: roundFigure(reference.medianDays) };
    expect({ window: [from, to], ...result.data!.revisitFrequency }).toEqual({ window: [from, to], ...expected });
  }
}

/**
 * Activity arriving out of order through the tracker (visits extended backwards, merged by later
 * activity and by long LIVE intervals, across midnights and the DST change), plus visits inserted
 * as they are (overlapping ones too).
 */
async function buildActivity(server: TestServer, company: string, seed: number): Promise<Member[]> {
  const random = seededRandom(seed);
  const tracker = server.hearth.deps.visitTracker;
  const members = await Promise.all(Array.from({ length: 12 }, () => buildMember(server.em(), { company })));
  const start = Date.parse('2026-03-18T00:00:00Z');
  for (let event = 0; event < 400; event++) {
    const member = random.pick(members);
    const at = start + random.int(0, 45 * 24 * 60) * 60_000;
    const kind = random.next();
    if (kind < 0.6) {
      await tracker.recordActivity(member.id, new Date(at));
      if (random.chance(0.3)) await tracker.recordActivity(member.id, new Date(at - random.int(1, 29) * 60_000));
    } else if (kind < 0.8) {
      await tracker.recordInterval(member.id, new Date(at), new Date(at + random.int(10, 50 * 60) * 60_000), VisitSource.LIVE);
    } else {
      await buildVisit(server.em(), member, new Date(at), new Date(at + random.int(0, 30 * 60) * 60_000));
    }
    if (event % 50 === 49) await tracker.flush();
  }
  await tracker.flush();
  return members;
}

describe('the visit_day rollup', () => {
  let server: TestServer;
  let admin: Member;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { COMMUNITY_TIMEZONE: 'Europe/Paris' } });
    admin = await buildAdmin(server.em(), { createdAt: new Date('2030-01-01T00:00:00Z') });
    token = await server.tokenFor(admin.id);
  });
  afterAll(() => server.stop());

  it('holds the visit days of visits written by the tracker and factories, merges and deletions included', async () => {
    const company = 'Rollup Inc';
    // A first read builds the rollup in Paris time; from then on the triggers keep it.
    expect((await server.gql(REVISIT, { from: WINDOWS[0][0], to: WINDOWS[0][1], company }, { token })).errors).toBeUndefined();
    const members = await buildActivity(server, company, 11);
    const [{ visits, merged }] = await server
      .em()
      .execute(
        `select count(*)::int as visits, count(*) filter (where (last_activity_at - started_at) > interval '1 day')::int as merged from visit`,
      );
    expect(visits).toBeLessThan(400);
    expect(merged).toBeGreaterThan(0);
    await server.em().nativeDelete(Member, { id: members[0].id });
    // A member's latest visit deleted: their latest activity is an earlier visit's again.
    await server
      .em()
      .execute(`delete from visit where id = (select id from visit where member_id = ? order by last_activity_at desc limit 1)`, [
        members[1].id,
      ]);

    expect(await rollupRows(server.em())).toEqual(await definitionRows(server.em(), 'Europe/Paris'));
    await expectRevisitAsDefined(server, token, company);
  });

  it('gives memberEngagement and contentReach the figures of the definition', async () => {
    const company = 'Reach Ltd';
    const members = await buildActivity(server, company, 12);
    const items = await Promise.all(
      ['2026-03-22T08:00:00Z', '2026-04-01T21:30:00Z', '2026-04-15T12:00:00Z'].map((at) =>
        buildContent(server.em(), { createdAt: new Date(at) }),
      ),
    );
    const engagement = `query($id: ID!, $from: DateTime!, $to: DateTime!) { memberEngagement(memberId: $id, from: $from, to: $to) { visitDays revisitIntervalDays } }`;
    const reach = `query($from: DateTime!, $to: DateTime!) { contentReach(from: $from, to: $to, groupBy: ITEM, first: 100) { edges { node { key eligibleMembers } } } }`;
    for (const [from, to] of WINDOWS) {
      const [reference] = await server.em().execute(REFERENCE_MEMBER_SQL, [from, to, 'Europe/Paris', members[1].id]);
      const own = await server.gql(engagement, { id: members[1].id, from, to }, { token });
      const asDefined = { ...reference, revisitIntervalDays: roundFigure(reference.revisitIntervalDays) };
      expect({ window: [from, to], ...own.data!.memberEngagement }).toEqual({ window: [from, to], ...asDefined });

      const rows = (await server.gql(reach, { from, to }, { token })).data!.contentReach.edges.map((e: any) => e.node);
      const eligible = await server.em().execute(
        `select c.id as key, (select count(distinct v.member_id) from visit v where v.started_at < ? and v.last_activity_at >= c.published_at)::int as "eligibleMembers"
         from content c where c.id in (?, ?, ?) and c.published_at >= ? and c.published_at < ? order by 1`,
        [to, ...items.map((item) => item.id), from, to],
      );
      expect(
        rows.filter((row: any) => items.some((item) => item.id === row.key)).sort((a: any, b: any) => a.key.localeCompare(b.key)),
      ).toEqual(eligible);
    }
  });

  it('counts visit days across the new year (visit_year holds each year apart)', async () => {
    const company = 'New Year GmbH';
    const members = await Promise.all(Array.from({ length: 3 }, () => buildMember(server.em(), { company })));
    const starts = ['2025-12-20T10:00:00Z', '2025-12-31T22:50:00Z', '2026-01-01T09:00:00Z', '2026-01-03T23:30:00Z', '2026-01-09T12:00:00Z'];
    for (const [i, member] of members.entries()) {
      for (const start of starts.slice(i)) await buildVisit(server.em(), member, start, new Date(Date.parse(start) + 40 * 60_000));
    }
    const windows: [string, string][] = [
      ['2025-12-01T00:00:00Z', '2026-02-01T00:00:00Z'],
      ['2025-12-31T23:00:00Z', '2026-01-05T23:00:00Z'],
      ['2025-12-31T23:20:00Z', '2026-01-09T12:05:00Z'],
    ];
    await expectRevisitAsDefined(server, token, company, windows);
  });

  it('counts a cut day that only a visit begun days before touched inside the window', async () => {
    const company = 'Long Visit SA';
    const [long, short] = await Promise.all(Array.from({ length: 2 }, () => buildMember(server.em(), { company })));
    // 3 days and 6 hours, into 10 May (Paris) until 16:00 there; then a visit on 20 May.
    await buildVisit(server.em(), long, '2026-05-07T08:00:00Z', new Date('2026-05-10T14:00:00Z'));
    await buildVisit(server.em(), long, '2026-05-20T09:00:00Z', new Date('2026-05-20T09:40:00Z'));
    // Visits of 10 May that end before the cut, and on 20 May.
    await buildVisit(server.em(), short, '2026-05-10T06:00:00Z', new Date('2026-05-10T06:30:00Z'));
    await buildVisit(server.em(), short, '2026-05-20T10:00:00Z', new Date('2026-05-20T10:20:00Z'));
    const windows: [string, string][] = [
      // 10 May from 14:00 (Paris): the long visit was still going; the short one was over.
      ['2026-05-10T12:00:00Z', '2026-05-25T00:00:00Z'],
      // From 17:00: both were over.
      ['2026-05-10T15:00:00Z', '2026-05-25T00:00:00Z'],
      // The window's last day cut while the long visit went on.
      ['2026-05-01T00:00:00Z', '2026-05-08T12:00:00Z'],
    ];
    await expectRevisitAsDefined(server, token, company, windows);
    const first = await server.gql(REVISIT, { from: windows[0][0], to: windows[0][1], company }, { token });
    expect(first.data!.revisitFrequency).toMatchObject({ membersMeasured: 1, bands: { oneVisit: 1, weekly: 0, monthly: 1 } });
  });

  it('is rebuilt when the community time zone changes, and when it was emptied', async () => {
    const company = 'Zones SA';
    await buildActivity(server, company, 13);
    // Kolkata is UTC+5:30: other days than Paris for many visits.
    const kolkata = await startTestServer({ databaseUrl: server.databaseUrl, env: { COMMUNITY_TIMEZONE: 'Asia/Kolkata' } });
    try {
      await expectRevisitAsDefined(kolkata, await kolkata.tokenFor(admin.id), company);
      expect(await rollupRows(server.em())).toEqual(await definitionRows(server.em(), 'Asia/Kolkata'));
    } finally {
      await kolkata.hearth.stop();
    }
    await expectRevisitAsDefined(server, token, company);
    expect(await rollupRows(server.em())).toEqual(await definitionRows(server.em(), 'Europe/Paris'));

    // Without its zone row (every table truncated) the triggers stand aside; the next read rebuilds.
    await server.em().execute('delete from visit_day_zone');
    await buildActivity(server, company, 14);
    await expectRevisitAsDefined(server, token, company);
    expect(await rollupRows(server.em())).toEqual(await definitionRows(server.em(), 'Europe/Paris'));
  });
});

describe('the visit_day rollup after the demo seed', () => {
  it('holds the visit days of visits loaded with COPY', async () => {
    const server = await startTestServer({ env: { COMMUNITY_TIMEZONE: 'America/New_York' } });
    try {
      const token = await server.tokenFor((await buildAdmin(server.em(), { createdAt: new Date('2030-01-01T00:00:00Z') })).id);
      // Built in UTC by the migration; a read moves it to New York time before the load.
      expect((await server.gql(REVISIT, { from: WINDOWS[0][0], to: WINDOWS[0][1] }, { token })).errors).toBeUndefined();
      await seedDemoCommunity(server.em(), { members: 60, days: 60, seed: 5, now: new Date('2026-05-01T00:00:00Z') });
      expect(await rollupRows(server.em())).toEqual(await definitionRows(server.em(), 'America/New_York'));
      for (const company of ['Acme Logistics', 'Borealis Bank']) await expectRevisitAsDefined(server, token, company);
    } finally {
      await server.stop();
    }
  });
});
