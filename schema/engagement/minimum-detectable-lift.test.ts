import { createHash, randomUUID } from 'node:crypto';
import { buildAdmin, buildMember, buildTheme, buildVisit } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.clock.set('2026-05-20T12:00:00Z');
});
afterAll(() => server.stop());

const PREVIEW = `query($input: EngagementRuleFields, $horizonDays: Int) { previewEngagementRule(input: $input, sampleSize: 0, horizonDays: $horizonDays) {
  eligibleMembers heldOut minimumDetectableLift { absolute relative horizonDays treated heldOut outcomeStdDev baselineMeanVisitDays sentence } } }`;

/** The draft preview's holdout draw (eligibility.ts) for a member id, so a test picks who is held out. */
const DRAFT_RULE_ID = '00000000-0000-0000-0000-000000000000';
const draw = (memberId: string) => parseInt(createHash('md5').update(`${DRAFT_RULE_ID}:${memberId}`).digest('hex').slice(0, 8), 16) % 100;
const idDrawn = (heldOut: boolean) => {
  for (;;) {
    const id = randomUUID();
    if (draw(id) < 50 === heldOut) return id;
  }
};

describe('previewEngagementRule.minimumDetectableLift', () => {
  it('is (z.975 + z.8) × σ × √(1/treated + 1/held out), σ from the selected members’ visit days in the last 4 spans of H days before their quiet days', async () => {
    const em = server.em();
    const token = await server.tokenFor((await buildAdmin(em)).id);
    const theme = await buildTheme(em);
    // INACTIVITY(7) selects members without a visit since 05-13 12:00, so the history ends there.
    // Spans of 14 days: (04-29 12:00, 05-13 12:00], (04-15, 04-29], (04-01, 04-15], (03-18, 04-01].
    // Visit days per span, newest first: m1 0 1 2 1, m2 0 0 0 1, m3 3 0 1 0, m4 0 2 0 2.
    const habits: [boolean, string[]][] = [
      [true, ['2026-04-25', '2026-04-10', '2026-04-12', '2026-03-30']],
      [true, ['2026-03-20']],
      [false, ['2026-05-08', '2026-05-10', '2026-05-12', '2026-04-15']],
      [false, ['2026-04-24', '2026-04-26', '2026-03-28', '2026-04-01']],
    ];
    for (const [heldOut, days] of habits) {
      const last = [...days].sort().at(-1)!;
      const member = await buildMember(em, { id: idDrawn(heldOut), lastVisitAt: new Date(`${last}T10:10:00Z`) });
      await em.execute('insert into member_interest (member_id, theme_id, created_at) values (?, ?, now())', [member.id, theme.id]);
      for (const day of days) await buildVisit(em, member, `${day}T10:00:00Z`);
    }
    const input = { name: 'Win back', trigger: 'INACTIVITY', holdoutPercent: 50, audience: { themes: [theme.slug] } };
    const result = await server.gql(PREVIEW, { input }, { token });
    expect(result.errors).toBeUndefined();
    // 16 values, sum 13 (mean 0.8125), sum of squares 25: sample variance (25 - 16 × 0.8125²) / 15 = 0.9625.
    // MDE = (1.959964 + 0.841621) × √0.9625 × √(1/2 + 1/2) = 2.748554; relative 2.748554 / 0.8125.
    const mde = result.data!.previewEngagementRule.minimumDetectableLift;
    expect(result.data!.previewEngagementRule).toMatchObject({ eligibleMembers: 4, heldOut: 2 });
    expect(mde).toMatchObject({ horizonDays: 14, treated: 2, heldOut: 2, baselineMeanVisitDays: 0.8125 });
    // A sum of squares in floating point: the rows' order (the database's) may leave the last bit.
    expect(mde.outcomeStdDev).toBeCloseTo(Math.sqrt(0.9625), 10);
    expect(mde.absolute).toBeCloseTo(2.8015852181 * Math.sqrt(0.9625), 8);
    expect(mde.relative).toBeCloseTo((2.8015852181 * Math.sqrt(0.9625)) / 0.8125, 8);
    expect(mde.sentence).toBe(
      'With 50 % held out (2 of the 4 members it selects now), this rule can detect a lift of 2.7 visit days per member in 14 days ' +
        '(338 % more than the 0.81 they had in recent 14-day spans), at 80 % power and 5 % significance.',
    );

    // H = 7: spans (05-06, 05-13], (04-29, 05-06], (04-22, 04-29], (04-15, 04-22]: m1 0 0 1 0, m3 3 0 0 0, m4 0 0 2 0, m2 0.
    // Sum 6, squares 14: variance (14 - 16 × 0.375²) / 15 = 0.783333.
    const week = (await server.gql(PREVIEW, { input, horizonDays: 7 }, { token })).data!.previewEngagementRule.minimumDetectableLift;
    expect(week.outcomeStdDev).toBeCloseTo(Math.sqrt(0.7833333333), 8);
    expect(week.absolute).toBeCloseTo(2.8015852181 * Math.sqrt(0.7833333333), 8);
  });

  it('reads no history in the days an INACTIVITY rule requires to be quiet: they are zero for everyone it selects, the outcome after a digest is not', async () => {
    const em = server.em();
    const token = await server.tokenFor((await buildAdmin(em)).id);
    const theme = await buildTheme(em);
    // Steady habits until 05-13: m1 one visit day a week, m2 three; neither since (INACTIVITY(7) selects both).
    // Weeks before 05-13 12:00: (05-06, 05-13], (04-29, 05-06], (04-22, 04-29], (04-15, 04-22].
    const weeks = ['2026-05-07', '2026-04-30', '2026-04-23', '2026-04-16'];
    const habits: [boolean, number][] = [
      [true, 1],
      [false, 3],
    ];
    for (const [heldOut, perWeek] of habits) {
      const member = await buildMember(em, {
        id: idDrawn(heldOut),
        lastVisitAt: new Date(Date.parse('2026-05-07T10:10:00Z') + (perWeek - 1) * 86_400_000),
      });
      await em.execute('insert into member_interest (member_id, theme_id, created_at) values (?, ?, now())', [member.id, theme.id]);
      for (const monday of weeks) {
        for (let d = 0; d < perWeek; d++)
          await buildVisit(em, member, new Date(new Date(`${monday}T10:00:00Z`).getTime() + d * 86_400_000));
      }
    }
    const input = { name: 'Win back', trigger: 'INACTIVITY', inactivityDays: 7, holdoutPercent: 50, audience: { themes: [theme.slug] } };
    const mde = (await server.gql(PREVIEW, { input, horizonDays: 7 }, { token })).data!.previewEngagementRule.minimumDetectableLift;
    // Values 1 1 1 1 and 3 3 3 3: mean 2, variance 8 / 7. Read up to now instead, the week since
    // 05-13 (zero for both) replaced their oldest: 0 1 1 1 and 0 3 3 3, mean 1.5, variance 12 / 7.
    expect(mde).toMatchObject({ treated: 1, heldOut: 1, baselineMeanVisitDays: 2 });
    expect(mde.outcomeStdDev).toBeCloseTo(Math.sqrt(8 / 7), 10);
  });

  it('says why the lift cannot be measured without a holdout', async () => {
    const em = server.em();
    const token = await server.tokenFor((await buildAdmin(em)).id);
    const theme = await buildTheme(em);
    const member = await buildMember(em, { lastVisitAt: new Date('2026-01-01T10:00:00Z') });
    await em.execute('insert into member_interest (member_id, theme_id, created_at) values (?, ?, now())', [member.id, theme.id]);
    const input = { name: 'No holdout', trigger: 'INACTIVITY', holdoutPercent: 0, audience: { themes: [theme.slug] } };
    const mde = (await server.gql(PREVIEW, { input }, { token })).data!.previewEngagementRule.minimumDetectableLift;
    expect(mde).toMatchObject({ absolute: null, relative: null, treated: 1, heldOut: 0 });
    expect(mde.sentence).toBe('With 0 % held out, this rule cannot measure its lift: nobody is held out.');
  });
});
