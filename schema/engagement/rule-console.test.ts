import { evaluateEngagementRules } from '../../jobs/evaluate-engagement-rules.job';
import { buildAdmin, buildMember, buildTheme } from '../../test/factories';
import { buildRule, collectingQueue, jobDeps } from '../../test/engagement';
import { errorCode, startTestServer, type TestServer } from '../../test/server';
import { Digest, DigestStatus } from './digest.entity';

/** What the admin console reads about rules beyond their settings: the last run and the lift over time. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('EngagementRule.lastRunAt and lastRunMembers', () => {
  it('are null and 0 until the worker evaluates the rule, then when it ran and whom it selected', async () => {
    server.clock.set('2026-08-20T12:00:00Z');
    const em = server.em();
    const admin = await buildAdmin(em);
    const theme = await buildTheme(em);
    const rule = await buildRule(em, admin.id, { audienceThemes: [theme.slug] });
    const idle = await buildRule(em, admin.id, { enabled: false });
    const token = await server.tokenFor(admin.id);
    const read = async () => {
      const result = await server.gql(`{ engagementRules { id lastRunAt lastRunMembers } }`, {}, { token });
      return Object.fromEntries(
        result.data!.engagementRules.map((r: any) => [r.id, { lastRunAt: r.lastRunAt, lastRunMembers: r.lastRunMembers }]),
      );
    };
    expect((await read())[rule.id]).toEqual({ lastRunAt: null, lastRunMembers: 0 });

    const away = await buildMember(server.em(), { lastVisitAt: new Date('2026-08-01T10:00:00Z') });
    await server.em().execute('insert into member_interest (member_id, theme_id, created_at) values (?, ?, now())', [away.id, theme.id]);
    // The SMTP URL is never used: the queue keeps the batches instead of sending them.
    await evaluateEngagementRules(jobDeps(server, 'smtp://127.0.0.1:9'), collectingQueue());
    const after = await read();
    expect(after[rule.id]).toEqual({ lastRunAt: '2026-08-20T12:00:00.000Z', lastRunMembers: 1 });
    expect(after[idle.id]).toEqual({ lastRunAt: null, lastRunMembers: 0 });
  });
});

describe('engagementRuleStatsTrend', () => {
  const TREND = `query($ruleId: ID!, $from: DateTime!, $to: DateTime!, $bucket: TrendBucket) {
    engagementRuleStatsTrend(ruleId: $ruleId, from: $from, to: $to, bucket: $bucket) { from to stats { sent heldOut lift liftConfidenceInterval { low high } } }
  }`;

  it('gives engagementRuleStats window by window, the last one ending at `to`', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const rule = await buildRule(em, admin.id, { holdoutPercent: 50 });
    // Week 1: two sent (one back within 14 days: 0.5 visit days each), two held out (both back: 1); week 3: one sent.
    server.clock.set('2026-10-15T00:00:00Z');
    const digest = async (status: DigestStatus, at: string, returnsAfterDays: number | null) => {
      const member = await buildMember(em);
      em.create(Digest, { ruleId: rule.id, memberId: member.id, periodKey: at, status, createdAt: new Date(at) });
      await em.flush();
      if (returnsAfterDays === null) return;
      const back = new Date(new Date(at).getTime() + returnsAfterDays * 86_400_000);
      await em.execute('insert into visit (id, member_id, started_at, last_activity_at) values (gen_random_uuid(), ?, ?, ?)', [
        member.id,
        back,
        back,
      ]);
    };
    await digest(DigestStatus.SENT, '2026-09-02T09:00:00Z', 2);
    await digest(DigestStatus.SENT, '2026-09-03T09:00:00Z', null);
    await digest(DigestStatus.HELD_OUT, '2026-09-03T10:00:00Z', 1);
    await digest(DigestStatus.HELD_OUT, '2026-09-04T10:00:00Z', 3);
    await digest(DigestStatus.SENT, '2026-09-15T09:00:00Z', 1);

    const token = await server.tokenFor(admin.id);
    const result = await server.gql(TREND, { ruleId: rule.id, from: '2026-09-01T00:00:00Z', to: '2026-09-20T00:00:00Z' }, { token });
    const windows = result.data!.engagementRuleStatsTrend;
    expect(windows.map((w: any) => [w.from, w.to])).toEqual([
      ['2026-09-01T00:00:00.000Z', '2026-09-08T00:00:00.000Z'],
      ['2026-09-08T00:00:00.000Z', '2026-09-15T00:00:00.000Z'],
      ['2026-09-15T00:00:00.000Z', '2026-09-20T00:00:00.000Z'],
    ]);
    expect(windows[0].stats).toMatchObject({ sent: 2, heldOut: 2, lift: -0.5 });
    // Welch with 1 degree of freedom: -0.5 ± t(.975, 1) × √(0.5 / 2 + 0 / 2).
    expect(windows[0].stats.liftConfidenceInterval.low).toBeCloseTo(-0.5 - 12.706204736174694 * 0.5, 6);
    expect(windows[1].stats).toEqual({ sent: 0, heldOut: 0, lift: null, liftConfidenceInterval: null });
    expect(windows[2].stats).toMatchObject({ sent: 1, heldOut: 0, lift: null });

    const months = await server.gql(
      TREND,
      { ruleId: rule.id, from: '2026-08-15T00:00:00Z', to: '2026-10-10T00:00:00Z', bucket: 'MONTH' },
      { token },
    );
    expect(months.data!.engagementRuleStatsTrend.map((w: any) => [w.from, w.stats.sent])).toEqual([
      ['2026-08-15T00:00:00.000Z', 0],
      ['2026-09-01T00:00:00.000Z', 3],
      ['2026-10-01T00:00:00.000Z', 0],
    ]);
  });

  it('refuses more than 60 windows, an unknown rule, and members', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const rule = await buildRule(em, admin.id);
    const token = await server.tokenFor(admin.id);
    const long = await server.gql(TREND, { ruleId: rule.id, from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, { token });
    expect(long.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { bucket: expect.any(String) } });
    const window = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
    expect(errorCode(await server.gql(TREND, { ruleId: '00000000-0000-4000-8000-000000000000', ...window }, { token }))).toBe('NOT_FOUND');
    const member = await buildMember(em);
    expect(errorCode(await server.gql(TREND, { ruleId: rule.id, ...window }, { token: await server.tokenFor(member.id) }))).toBe(
      'FORBIDDEN',
    );
  });
});
