import { buildAdmin, buildContent, buildMember, buildTheme, buildView, buildVisit } from '../../test/factories';
import { errorCode, startTestServer, type TestServer } from '../../test/server';
import { ContentType } from '../content/content.entity';
import { Membership } from '../identity/member.entity';

const REVISIT = `query($from: DateTime!, $to: DateTime!, $company: String) {
  revisitFrequency(from: $from, to: $to, company: $company) { meanDays medianDays membersMeasured bands { daily weekly monthly rare oneVisit noVisit } }
}`;
const REACH = `query($from: DateTime!, $to: DateTime!, $groupBy: ReachGroupBy, $orderBy: ReachOrderBy, $first: Int, $after: String) {
  contentReach(from: $from, to: $to, groupBy: $groupBy, orderBy: $orderBy, first: $first, after: $after) {
    edges { node { key label items views uniqueViewers eligibleMembers reach meanSecondsViewed } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let server: TestServer;
let adminToken: string;
beforeAll(async () => {
  server = await startTestServer({ env: { COMMUNITY_TIMEZONE: 'Europe/Paris' } });
  adminToken = await server.tokenFor((await buildAdmin(server.em())).id);
});
afterAll(() => server.stop());

const admin = () => ({ token: adminToken });
const company = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;

describe('revisitFrequency', () => {
  it('computes intervals, bands, mean and median exactly, with visit days in the community time zone', async () => {
    const acme = company('Acme');
    const em = server.em();
    const [daily, weekly, oneDay, none, acrossDst, rare, monthly] = await Promise.all(
      Array.from({ length: 7 }, () => buildMember(em, { company: acme })),
    );
    // 3 visit days over 3 days: (5 - 2) / 2 = 1.5 → DAILY.
    for (const day of ['02', '03', '05']) await buildVisit(em, daily, `2026-03-${day}T09:00:00Z`);
    // 7 days apart → WEEKLY.
    await buildVisit(em, weekly, '2026-03-02T09:00:00Z');
    await buildVisit(em, weekly, '2026-03-09T09:00:00Z');
    // Two visits on one day: one visit day → ONE_VISIT.
    await buildVisit(em, oneDay, '2026-03-04T08:00:00Z');
    await buildVisit(em, oneDay, '2026-03-04T15:00:00Z');
    // Paris days across the DST change (29 March): 23:50–00:20 on 28/29 March (UTC+1), then
    // 00:30 on 31 March (UTC+2) = 30 March 22:30 UTC. Days 28, 29, 31 → (31 - 28) / 2 = 1.5 → DAILY
    // (in UTC it would be 28 and 30 → 2 days → WEEKLY).
    await buildVisit(em, acrossDst, '2026-03-28T22:50:00Z', '2026-03-28T23:20:00Z');
    await buildVisit(em, acrossDst, '2026-03-30T22:30:00Z');
    // 45 days → RARE; 20 days → MONTHLY.
    await buildVisit(em, rare, '2026-03-01T10:00:00Z');
    await buildVisit(em, rare, '2026-04-15T10:00:00Z');
    await buildVisit(em, monthly, '2026-03-01T10:00:00Z');
    await buildVisit(em, monthly, '2026-03-21T10:00:00Z');
    // Outside the window: ignored.
    await buildVisit(em, none, '2026-02-27T10:00:00Z');
    void none;

    const result = await server.gql(REVISIT, { from: '2026-02-28T23:00:00Z', to: '2026-04-30T22:00:00Z', company: acme }, admin());
    // Intervals 1.5, 1.5, 7, 20, 45: mean 75 / 5 = 15, median 7.
    expect(result.data!.revisitFrequency).toEqual({
      meanDays: 15,
      medianDays: 7,
      membersMeasured: 5,
      bands: { daily: 2, weekly: 1, monthly: 1, rare: 1, oneVisit: 1, noVisit: 1 },
    });
  });

  it('takes the mean of the two middle intervals as the median for an even count', async () => {
    const globex = company('Globex');
    const em = server.em();
    const spans = [1, 2, 4, 10];
    for (const span of spans) {
      const member = await buildMember(em, { company: globex });
      await buildVisit(em, member, '2026-05-01T10:00:00Z');
      await buildVisit(em, member, new Date(Date.UTC(2026, 4, 1 + span, 10)));
    }
    const result = await server.gql(REVISIT, { from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z', company: globex }, admin());
    expect(result.data!.revisitFrequency).toMatchObject({ meanDays: 4.25, medianDays: 3, membersMeasured: 4 });
  });

  it('counts every day a long visit touched', async () => {
    const spans = company('Spans');
    const member = await buildMember(server.em(), { company: spans });
    // 00:00 on 2 June to 03:00 on 4 June, Paris time (UTC+2): days 2, 3 and 4 → (4 - 2) / 2 = 1.
    await buildVisit(server.em(), member, '2026-06-01T22:00:00Z', '2026-06-04T01:00:00Z');
    const result = await server.gql(REVISIT, { from: '2026-06-01T00:00:00Z', to: '2026-07-01T00:00:00Z', company: spans }, admin());
    expect(result.data!.revisitFrequency).toMatchObject({ meanDays: 1, membersMeasured: 1, bands: { daily: 1, oneVisit: 0 } });
  });

  it('is for admins only and refuses an inverted window', async () => {
    const member = await buildMember(server.em());
    const window = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
    expect(errorCode(await server.gql(REVISIT, window, { token: await server.tokenFor(member.id) }))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(REVISIT, { from: window.to, to: window.from }, admin()))).toBe('BAD_USER_INPUT');
  });
});

describe('contentReach', () => {
  // Year 2031 is this describe's own: no other test has visits or items then.
  const window = { from: '2031-01-01T00:00:00Z', to: '2032-01-01T00:00:00Z' };

  it('counts only members who visited since publication as eligible, per item, type and theme', async () => {
    const em = server.em();
    const [t1, t2] = [await buildTheme(em, { name: 'Alpha' }), await buildTheme(em, { name: 'Beta' })];
    const x = await buildContent(em, {
      themes: [t1, t2],
      type: ContentType.ARTICLE,
      title: 'X',
      createdAt: new Date('2031-03-10T09:00:00Z'),
    });
    const y = await buildContent(em, { themes: [t2], type: ContentType.VIDEO, title: 'Y', createdAt: new Date('2031-03-20T09:00:00Z') });
    const [a, b, c, d] = await Promise.all(Array.from({ length: 4 }, () => buildMember(em)));
    await buildVisit(em, a, '2031-03-12T10:00:00Z');
    await buildView(em, a, x, '2031-03-12T10:01:00Z', 60);
    await buildVisit(em, b, '2031-03-15T10:00:00Z'); // eligible for X, saw nothing
    await buildVisit(em, c, '2031-03-01T10:00:00Z'); // last visit before both: eligible for neither
    await buildVisit(em, d, '2031-03-25T10:00:00Z');
    await buildView(em, d, x, '2031-03-25T10:01:00Z', 30);
    await buildView(em, d, y, '2031-03-25T10:02:00Z', 10);
    await buildView(em, d, y, '2031-03-25T10:05:00Z', 20);

    const byItem = await server.gql(REACH, { ...window, groupBy: 'ITEM' }, admin());
    expect(byItem.data!.contentReach.edges.map((e: any) => e.node)).toEqual([
      { key: x.id, label: 'X', items: 1, views: 2, uniqueViewers: 2, eligibleMembers: 3, reach: 0.666667, meanSecondsViewed: 45 },
      { key: y.id, label: 'Y', items: 1, views: 2, uniqueViewers: 1, eligibleMembers: 1, reach: 1, meanSecondsViewed: 15 },
    ]);
    const byTheme = await server.gql(REACH, { ...window, groupBy: 'THEME', orderBy: 'REACH_DESC' }, admin());
    expect(byTheme.data!.contentReach.edges.map((e: any) => e.node)).toEqual([
      { key: t2.slug, label: 'Beta', items: 2, views: 4, uniqueViewers: 3, eligibleMembers: 4, reach: 0.75, meanSecondsViewed: 30 },
      { key: t1.slug, label: 'Alpha', items: 1, views: 2, uniqueViewers: 2, eligibleMembers: 3, reach: 0.666667, meanSecondsViewed: 45 },
    ]);
    const byType = await server.gql(REACH, { ...window, groupBy: 'TYPE', orderBy: 'VIEWS', first: 1 }, admin());
    expect(byType.data!.contentReach.edges.map((e: any) => e.node.key)).toEqual(['ARTICLE']);
    const next = await server.gql(
      REACH,
      { ...window, groupBy: 'TYPE', orderBy: 'VIEWS', first: 1, after: byType.data!.contentReach.pageInfo.endCursor },
      admin(),
    );
    expect(next.data!.contentReach.edges.map((e: any) => e.node.key)).toEqual(['VIDEO']);
    expect(next.data!.contentReach.pageInfo.hasNextPage).toBe(false);
  });
});

describe('contentReach and activity not written yet', () => {
  // Year 2033 is this describe's own.
  const window = { from: '2033-06-01T00:00:00Z', to: '2033-06-02T00:00:00Z' };
  const eligible = async () => {
    const result = await server.gql(REACH, { ...window, groupBy: 'ITEM' }, admin());
    return Object.fromEntries(result.data!.contentReach.edges.map((e: any) => [e.node.key, e.node.eligibleMembers]));
  };

  it('writes it first only when it can make a member eligible, and then counts it', async () => {
    const em = server.em();
    const tracker = server.hearth.deps.visitTracker;
    // No periodic flush in the middle of the test: it alone decides what is written when.
    await tracker.stop();
    const flush = jest.spyOn(tracker, 'flush');
    try {
      const member = await buildMember(em);
      const early = await buildContent(em, { createdAt: new Date('2033-06-01T09:00:00Z') });
      // Written at once (a visit's first activity), then extended in memory to 10:20.
      await tracker.recordActivity(member.id, new Date('2033-06-01T10:00:00Z'));
      await tracker.recordActivity(member.id, new Date('2033-06-01T10:20:00Z'));
      expect(tracker.unwrittenSpans()).toContainEqual({
        after: Date.parse('2033-06-01T10:00:00Z'),
        upTo: Date.parse('2033-06-01T10:20:00Z'),
      });

      // Nothing was published between 10:00 and 10:20: the written visit already makes the member
      // eligible for the 9:00 item, and the unwritten activity cannot change any figure.
      flush.mockClear();
      expect(await eligible()).toEqual({ [early.id]: 1 });
      expect(flush).not.toHaveBeenCalled();

      // An item published at 10:10 counts the member only with the activity up to 10:20.
      const late = await buildContent(em, { createdAt: new Date('2033-06-01T10:10:00Z') });
      expect(await eligible()).toEqual({ [early.id]: 1, [late.id]: 1 });
      expect(flush).toHaveBeenCalledTimes(1);
      expect(tracker.unwrittenSpans()).not.toContainEqual(expect.objectContaining({ after: Date.parse('2033-06-01T10:00:00Z') }));

      // Activity reported earlier than its interval's written start can join older visits: flushed.
      await tracker.recordActivity(member.id, new Date('2033-06-01T10:30:00Z'));
      await tracker.recordActivity(member.id, new Date('2033-06-01T09:50:00Z'));
      expect(tracker.unwrittenSpans()).toBeUndefined();
      flush.mockClear();
      await eligible();
      expect(flush).toHaveBeenCalledTimes(1);
    } finally {
      flush.mockRestore();
      tracker.start(server.hearth.deps.config.visitFlushMs);
    }
  });
});

describe('atRiskMembers', () => {
  it('lists members with no recent visit and no recent view, paid renewals first, then the longest absent', async () => {
    const own = await startTestServer();
    try {
      const em = own.em();
      own.clock.set('2030-06-01T12:00:00Z');
      const paid = (renewalDate: string) => ({ membership: Membership.PAID, renewalDate });
      const [renewsLater, renewsSoon, longGone, paidFar, recentlyGone, visitedLately, viewedLately] = [
        await buildMember(em, paid('2030-07-15')),
        await buildMember(em, paid('2030-06-20')),
        await buildMember(em),
        await buildMember(em, paid('2030-12-01')),
        await buildMember(em),
        await buildMember(em),
        await buildMember(em),
      ];
      await buildVisit(em, renewsLater, '2030-04-01T10:00:00Z');
      await buildVisit(em, renewsSoon, '2030-03-01T10:00:00Z');
      await buildVisit(em, longGone, '2030-01-01T10:00:00Z');
      await buildVisit(em, paidFar, '2030-02-01T10:00:00Z');
      await buildVisit(em, recentlyGone, '2030-04-15T10:00:00Z');
      await buildVisit(em, visitedLately, '2030-05-20T10:00:00Z');
      await buildVisit(em, viewedLately, '2030-04-10T10:00:00Z');
      await buildView(em, viewedLately, await buildContent(em), '2030-04-10T10:01:00Z');
      const viewer = await buildAdmin(em);
      const result = await own.gql(
        `{ atRiskMembers(first: 20) { edges { node { member { id } lastVisitAt renewalDate } } } }`,
        {},
        { token: await own.tokenFor(viewer.id) },
      );
      const ids = result.data!.atRiskMembers.edges.map((e: any) => e.node.member.id);
      // The content's author (built by the factory, never visited) is at risk too, absent since it joined.
      const expected = [renewsSoon.id, renewsLater.id, longGone.id, paidFar.id, recentlyGone.id];
      expect(ids.filter((id: string) => expected.includes(id))).toEqual(expected);
      expect(ids).not.toContain(visitedLately.id);
      expect(ids).not.toContain(viewedLately.id);
      expect(ids).not.toContain(viewer.id);
      expect(result.data!.atRiskMembers.edges[0].node).toMatchObject({
        lastVisitAt: '2030-03-01T10:10:00.000Z',
        renewalDate: '2030-06-20',
      });
    } finally {
      await own.stop();
    }
  });
});

describe('revisitFrequencyTrend', () => {
  it('gives one point per week start, each over its trailing window', async () => {
    const own = await startTestServer();
    try {
      const em = own.em();
      const viewer = await buildAdmin(em, { createdAt: new Date('2027-01-01T00:00:00Z') }); // not in the population before then
      const regular = await buildMember(em);
      // Every Monday and Thursday of January 2026: intervals of 3 or 4 days.
      for (const day of ['05', '08', '12', '15', '19', '22']) await buildVisit(em, regular, `2026-01-${day}T10:00:00Z`);
      own.clock.set('2027-06-01T00:00:00Z');
      const result = await own.gql(
        `{ revisitFrequencyTrend(from: "2026-01-05T00:00:00Z", to: "2026-01-27T00:00:00Z", bucket: WEEK, windowDays: 14) { at meanDays membersMeasured bands { weekly noVisit } } }`,
        {},
        { token: await own.tokenFor(viewer.id) },
      );
      // Week starts after 5 January (a Monday) up to the 27th: the 12th, 19th and 26th.
      expect(result.data!.revisitFrequencyTrend).toEqual([
        { at: '2026-01-12T00:00:00.000Z', meanDays: 3, membersMeasured: 1, bands: { weekly: 1, noVisit: 0 } }, // 5, 8
        { at: '2026-01-19T00:00:00.000Z', meanDays: 3.333333, membersMeasured: 1, bands: { weekly: 1, noVisit: 0 } }, // 5, 8, 12, 15: (15 - 5) / 3
        { at: '2026-01-26T00:00:00.000Z', meanDays: 3.333333, membersMeasured: 1, bands: { weekly: 1, noVisit: 0 } }, // 12, 15, 19, 22: (22 - 12) / 3
      ]);
    } finally {
      await own.stop();
    }
  });
});

describe('companyEngagement and memberEngagement', () => {
  it('counts an account’s viewer of an item once however many views, and none after the window', async () => {
    const hooli = company('Hooli');
    const em = server.em();
    const [h1, h2, h3] = await Promise.all(Array.from({ length: 3 }, () => buildMember(em, { company: hooli })));
    const [y, w] = [
      await buildContent(em, { createdAt: new Date('2033-03-05T09:00:00Z') }),
      await buildContent(em, { createdAt: new Date('2033-03-05T10:00:00Z') }),
    ];
    for (const [member, day] of [
      [h1, '06'],
      [h2, '07'],
      [h3, '08'],
    ] as const)
      await buildVisit(em, member, `2033-03-${day}T10:00:00Z`);
    // h1 saw Y three times and W once, h2 saw Y once, h3 saw Y only after the window.
    for (const at of ['2033-03-06T10:01:00Z', '2033-03-06T10:05:00Z', '2033-04-02T08:00:00Z']) await buildView(em, h1, y, at);
    await buildView(em, h1, w, '2033-03-06T10:02:00Z');
    await buildView(em, h2, y, '2033-03-07T10:01:00Z');
    await buildView(em, h3, y, '2033-08-01T10:00:00Z');

    const companies = await server.gql(
      `query($from: DateTime!, $to: DateTime!) { companyEngagement(from: $from, to: $to, first: 100) { edges { node { company contentReach } } } }`,
      { from: '2033-01-01T00:00:00Z', to: '2033-07-01T00:00:00Z' },
      admin(),
    );
    // Viewers Y: h1, h2; W: h1. Eligible: the three members for each item.
    expect(companies.data!.companyEngagement.edges.map((e: any) => e.node).find((node: any) => node.company === hooli)).toEqual({
      company: hooli,
      contentReach: 0.5,
    });
  });

  it('sums an account’s members, activity, revisit, reach and at-risk; a member reads their own figures', async () => {
    const initech = company('Initech');
    const em = server.em();
    const [i1, i2, i3] = [
      await buildMember(em, { company: initech }),
      await buildMember(em, { company: initech }),
      await buildMember(em, { company: initech }),
    ];
    const theme = await buildTheme(em, { name: 'Gamma' });
    const z = await buildContent(em, { themes: [theme], createdAt: new Date('2032-03-05T09:00:00Z') });
    await buildVisit(em, i1, '2032-03-01T10:00:00Z');
    await buildVisit(em, i1, '2032-03-04T10:00:00Z');
    await buildVisit(em, i2, '2032-03-10T10:00:00Z');
    await buildView(em, i2, z, '2032-03-10T10:01:00Z');
    void i3;
    const window = { from: '2032-01-01T00:00:00Z', to: '2032-07-01T00:00:00Z' };

    const companies = await server.gql(
      `query($from: DateTime!, $to: DateTime!) { companyEngagement(from: $from, to: $to, first: 100) { edges { node { company members activeMembers revisitMeanDays revisitMedianDays contentReach atRiskMembers } } } }`,
      window,
      admin(),
    );
    const mine = companies.data!.companyEngagement.edges.map((e: any) => e.node).find((node: any) => node.company === initech);
    // i2 alone visited after Z was published, and saw it; all three are absent at the window's end.
    expect(mine).toEqual({
      company: initech,
      members: 3,
      activeMembers: 2,
      revisitMeanDays: 3,
      revisitMedianDays: 3,
      contentReach: 1,
      atRiskMembers: 3,
    });

    const engagement = `query($id: ID!, $from: DateTime!, $to: DateTime!) {
      memberEngagement(memberId: $id, from: $from, to: $to) { visits visitDays revisitIntervalDays lastVisitAt itemsSeen topThemes { slug name views } }
    }`;
    const own = await server.gql(engagement, { id: i1.id, ...window }, { token: await server.tokenFor(i1.id) });
    expect(own.data!.memberEngagement).toEqual({
      visits: 2,
      visitDays: 2,
      revisitIntervalDays: 3,
      lastVisitAt: '2032-03-04T10:10:00.000Z',
      itemsSeen: 0,
      topThemes: [],
    });
    const other = await server.gql(engagement, { id: i2.id, ...window }, admin());
    expect(other.data!.memberEngagement).toMatchObject({
      visits: 1,
      visitDays: 1,
      revisitIntervalDays: null,
      itemsSeen: 1,
      topThemes: [{ slug: theme.slug, name: 'Gamma', views: 1 }],
    });
    expect(errorCode(await server.gql(engagement, { id: i2.id, ...window }, { token: await server.tokenFor(i1.id) }))).toBe('FORBIDDEN');
  });
});
