import { buildAdmin, buildContent, buildMember, buildTheme } from '../../test/factories';
import { buildRule } from '../../test/engagement';
import { errorCode, startTestServer, type TestServer } from '../../test/server';
import { Digest, DigestStatus } from './digest.entity';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { PUBLIC_URL: 'https://community.example.test' } });
});
afterAll(() => server.stop());

const RULE_FIELDS =
  'id name trigger inactivityDays everyDays minUnseen maxItems holdoutPercent enabled audience { roles themes memberships } createdBy { id }';
const CREATE = `mutation($input: CreateEngagementRuleInput!) { createEngagementRule(input: $input) { ${RULE_FIELDS} } }`;

async function adminToken() {
  return server.tokenFor((await buildAdmin(server.em())).id);
}

describe('engagement rules (admin)', () => {
  it('creates with PRODUCT.md defaults, updates, switches on, lists and deletes', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const token = await server.tokenFor(admin.id);
    const theme = await buildTheme(em);
    const created = await server.gql(
      CREATE,
      { input: { name: ' Win back ', trigger: 'INACTIVITY', audience: { themes: [theme.slug], roles: ['MEMBER'] } } },
      { token },
    );
    expect(created.data!.createEngagementRule).toMatchObject({
      name: 'Win back',
      trigger: 'INACTIVITY',
      inactivityDays: 7,
      everyDays: 10,
      minUnseen: 3,
      maxItems: 6,
      holdoutPercent: 10,
      enabled: false,
      audience: { roles: ['MEMBER'], themes: [theme.slug], memberships: [] },
      createdBy: { id: admin.id },
    });
    const id = created.data!.createEngagementRule.id;
    const updated = await server.gql(
      `mutation($input: UpdateEngagementRuleInput!) { updateEngagementRule(input: $input) { trigger everyDays minUnseen audience { themes } } }`,
      { input: { id, name: 'Backlog', trigger: 'UNSEEN_BACKLOG', everyDays: 14, minUnseen: 4 } },
      { token },
    );
    expect(updated.data!.updateEngagementRule).toEqual({
      trigger: 'UNSEEN_BACKLOG',
      everyDays: 14,
      minUnseen: 4,
      audience: { themes: [theme.slug] },
    });
    const enabled = await server.gql(
      `mutation($id: ID!) { setEngagementRuleEnabled(id: $id, enabled: true) { enabled } }`,
      { id },
      { token },
    );
    expect(enabled.data!.setEngagementRuleEnabled.enabled).toBe(true);
    const listed = await server.gql(`{ engagementRules { id } }`, {}, { token });
    expect(listed.data!.engagementRules.map((rule: { id: string }) => rule.id)).toContain(id);
    await server.gql(`mutation($id: ID!) { deleteEngagementRule(id: $id) }`, { id }, { token });
    const after = await server.gql(`{ engagementRules { id } }`, {}, { token });
    expect(after.data!.engagementRules.map((rule: { id: string }) => rule.id)).not.toContain(id);
    const again = await server.gql(`mutation($id: ID!) { setEngagementRuleEnabled(id: $id, enabled: true) { id } }`, { id }, { token });
    expect(errorCode(again)).toBe('NOT_FOUND');
  });

  it('renames a rule aimed at PAID members without touching its audience or thresholds (a partial update)', async () => {
    const token = await adminToken();
    const theme = await buildTheme(server.em());
    const input = {
      name: 'Paid win-back',
      trigger: 'INACTIVITY',
      inactivityDays: 21,
      maxItems: 4,
      holdoutPercent: 20,
      audience: { memberships: ['PAID'], themes: [theme.slug] },
    };
    const created = (await server.gql(CREATE, { input }, { token })).data!.createEngagementRule;
    const UPDATE = `mutation($input: UpdateEngagementRuleInput!) { updateEngagementRule(input: $input) { ${RULE_FIELDS} } }`;
    const renamed = await server.gql(UPDATE, { input: { id: created.id, name: 'Paid members: win back' } }, { token });
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.updateEngagementRule).toEqual({ ...created, name: 'Paid members: win back' });

    // One audience list changes, the others stay; `null` clears what may be cleared, and is refused where it may not.
    const narrowed = await server.gql(UPDATE, { input: { id: created.id, audience: { roles: ['MEMBER'] } } }, { token });
    expect(narrowed.data!.updateEngagementRule.audience).toEqual({ roles: ['MEMBER'], memberships: ['PAID'], themes: [theme.slug] });
    const cleared = await server.gql(UPDATE, { input: { id: created.id, audience: { themes: null } } }, { token });
    expect(cleared.data!.updateEngagementRule.audience).toEqual({ roles: ['MEMBER'], memberships: ['PAID'], themes: [] });
    const everybody = await server.gql(UPDATE, { input: { id: created.id, audience: null } }, { token });
    expect(everybody.data!.updateEngagementRule).toMatchObject({
      inactivityDays: 21,
      maxItems: 4,
      audience: { roles: [], memberships: [], themes: [] },
    });
    const nulls = await server.gql(UPDATE, { input: { id: created.id, name: null, maxItems: null } }, { token });
    expect(nulls.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { name: 'cannot be null', maxItems: 'cannot be null' },
    });
    expect((await server.gql(`{ engagementRules { id name maxItems } }`, {}, { token })).data!.engagementRules).toContainEqual({
      id: created.id,
      name: 'Paid members: win back',
      maxItems: 4,
    });
  });

  it('rejects bad parameters with BAD_USER_INPUT and the fields, and non-admins with FORBIDDEN', async () => {
    const token = await adminToken();
    const bad = await server.gql(
      CREATE,
      { input: { name: 'x', trigger: 'INACTIVITY', inactivityDays: 0, maxItems: 21, holdoutPercent: 51 } },
      { token },
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(Object.keys(bad.errors![0].extensions!.fields).sort()).toEqual(['holdoutPercent', 'inactivityDays', 'maxItems']);
    const unknownTheme = await server.gql(
      CREATE,
      { input: { name: 'x', trigger: 'INACTIVITY', audience: { themes: ['no-such-theme'] } } },
      { token },
    );
    expect(unknownTheme.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'audience.themes': expect.any(String) } });
    const member = await buildMember(server.em());
    const denied = await server.gql(CREATE, { input: { name: 'x', trigger: 'INACTIVITY' } }, { token: await server.tokenFor(member.id) });
    expect(errorCode(denied)).toBe('FORBIDDEN');
  });

  it('previews a draft without sending or recording anything', async () => {
    const em = server.em();
    const theme = await buildTheme(em);
    server.clock.set('2026-05-20T12:00:00Z');
    const item = await buildContent(em, { createdAt: new Date('2026-05-19T08:00:00Z'), themes: [theme], title: 'Preview me' });
    const away = await buildMember(em, { lastVisitAt: new Date('2026-05-01T10:00:00Z'), company: `Preview ${theme.slug}` });
    await server.em().execute('insert into member_interest (member_id, theme_id, created_at) values (?, ?, now())', [away.id, theme.id]);
    const result = await server.gql(
      `query($input: EngagementRuleFields) { previewEngagementRule(input: $input, sampleSize: 3) {
         eligibleMembers heldOut alreadySentThisPeriod overBudget samples { member { id } hot { id title } cold { id } } } }`,
      { input: { name: 'Draft', trigger: 'INACTIVITY', holdoutPercent: 0, audience: { themes: [theme.slug] } } },
      { token: await adminToken() },
    );
    expect(result.data!.previewEngagementRule).toEqual({
      eligibleMembers: 1,
      heldOut: 0,
      alreadySentThisPeriod: 0,
      overBudget: 0,
      samples: [{ member: { id: away.id }, hot: [{ id: item.id, title: 'Preview me' }], cold: [] }],
    });
    expect(await server.em().count(Digest, { memberId: away.id })).toBe(0);
  });
});

describe('engagementRuleStats', () => {
  const STATS = `query($ruleId: ID!, $horizonDays: Int) { engagementRuleStats(ruleId: $ruleId, from: "2026-05-01T00:00:00Z", to: "2026-07-01T00:00:00Z", horizonDays: $horizonDays) {
    sent heldOut opened clicked clickRate attributedVisits horizonDays pendingSelections treatedSelections heldOutSelections treatedMembers heldOutMembers
    treatedMeanVisitDays heldOutMeanVisitDays treatedReturnRate holdoutReturnRate lift liftConfidenceInterval { low high } relativeLift relativeLiftConfidenceInterval { low high } } }`;

  it('compares visit days in the 14 days after each selection, treated against held out, clustered by member', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const rule = await buildRule(em, admin.id, { holdoutPercent: 50 });
    server.clock.set('2026-07-01T00:00:00Z');
    const t0 = '2026-06-01T09:00:00Z';
    const t1 = '2026-06-08T09:00:00Z';
    const select = async (status: DigestStatus, at: string, periodKey: string, memberId?: string) => {
      const id = memberId ?? (await buildMember(em)).id;
      const digest = em.create(Digest, {
        ruleId: rule.id,
        memberId: id,
        periodKey,
        status,
        createdAt: new Date(at),
        sentAt: status === DigestStatus.SENT ? new Date(at) : null,
      });
      await em.flush();
      return digest;
    };
    const visit = (memberId: string, start: string, end?: string, digestId: string | null = null) =>
      em.execute(
        'insert into visit (id, member_id, started_at, last_activity_at, attributed_digest_id) values (gen_random_uuid(), ?, ?, ?, ?)',
        [memberId, new Date(start), new Date(end ?? new Date(new Date(start).getTime() + 600_000).toISOString()), digestId],
      );
    const { SENT, HELD_OUT } = DigestStatus;
    // Treated. A, selected twice: days 06-02, 06-04, 06-11 within (06-01 09:00, 06-15 09:00] = 3; 06-11, 06-17 after 06-08 = 2.
    const a = await select(SENT, t0, 'p1');
    await select(SENT, t1, 'p2', a.memberId);
    await visit(a.memberId, '2026-06-02T10:00:00Z', undefined, a.id);
    await em.execute(
      'insert into digest_click (id, digest_id, member_id, content_id, clicked_at) values (gen_random_uuid(), ?, ?, gen_random_uuid(), ?)',
      [a.id, a.memberId, new Date('2026-06-02T10:00:00Z')],
    );
    for (const at of ['2026-06-04T10:00:00Z', '2026-06-11T10:00:00Z', '2026-06-17T10:00:00Z']) await visit(a.memberId, at);
    // B: one visit across midnight (two visit days); one before the selection and one an hour after its 14 days: not counted.
    const b = await select(SENT, t0, 'p1');
    await visit(b.memberId, '2026-06-05T23:50:00Z', '2026-06-06T00:20:00Z');
    await visit(b.memberId, '2026-05-31T10:00:00Z');
    await visit(b.memberId, '2026-06-15T10:00:00Z');
    await select(SENT, t0, 'p1'); // C: never back.
    await select(SENT, '2026-06-20T09:00:00Z', 'p1'); // G: 14 days not over at 07-01, pending.
    // Held out: D one day, E none, F selected twice with one visit day inside both windows.
    const d = await select(HELD_OUT, t0, 'p1');
    await visit(d.memberId, '2026-06-03T08:00:00Z');
    await select(HELD_OUT, t0, 'p1');
    const f = await select(HELD_OUT, t0, 'p1');
    await select(HELD_OUT, t1, 'p2', f.memberId);
    await visit(f.memberId, '2026-06-10T12:00:00Z');

    const result = await server.gql(STATS, { ruleId: rule.id }, { token: await server.tokenFor(admin.id) });
    expect(result.errors).toBeUndefined();
    const stats = result.data!.engagementRuleStats;
    // By hand (lift.test.ts shows the arithmetic): treated per member (selections, days) = (2, 5), (1, 2), (1, 0):
    // mean 1.75, variance 0.50390625; held out (1, 1), (1, 0), (2, 2): mean 0.75, variance 3/2 × 0.875 / 16 = 0.08203125.
    // Lift 1; Welch–Satterthwaite df = 0.5859375² / (0.50390625² / 2 + 0.08203125² / 2) = 2.634352, t(.975) = 3.447537.
    expect(stats).toMatchObject({
      sent: 5,
      heldOut: 4,
      opened: null,
      clicked: 1,
      clickRate: 0.2,
      attributedVisits: 1,
      horizonDays: 14,
      pendingSelections: 1,
      treatedSelections: 4,
      heldOutSelections: 4,
      treatedMembers: 3,
      heldOutMembers: 3,
      treatedMeanVisitDays: 1.75,
      heldOutMeanVisitDays: 0.75,
      treatedReturnRate: 0.75,
      holdoutReturnRate: 0.75,
      lift: 1,
    });
    expect(stats.liftConfidenceInterval.low).toBeCloseTo(-1.6389706663081447, 6);
    expect(stats.liftConfidenceInterval.high).toBeCloseTo(3.6389706663081447, 6);
    expect(stats.relativeLift).toBeCloseTo(4 / 3, 10);
    expect(stats.relativeLiftConfidenceInterval.low).toBeCloseTo(-0.6581445960474712, 6);
    expect(stats.relativeLiftConfidenceInterval.high).toBeCloseTo(14.926161709002791, 5);

    // H = 3: A's first window holds 06-02 only (06-04 10:00 is an hour past it), its second none; B, C and now G (measured) 0;
    // held out: D 1, E 0, F 0 then 1 (06-10 within 06-08 + 3 days).
    const short = (await server.gql(STATS, { ruleId: rule.id, horizonDays: 3 }, { token: await server.tokenFor(admin.id) })).data!
      .engagementRuleStats;
    expect(short).toMatchObject({
      horizonDays: 3,
      pendingSelections: 0,
      treatedSelections: 5,
      treatedMeanVisitDays: 1 / 5,
      heldOutMeanVisitDays: 2 / 4,
    });
  });

  it('refuses a horizon outside 1..90 days with BAD_USER_INPUT', async () => {
    const admin = await buildAdmin(server.em());
    const rule = await buildRule(server.em(), admin.id);
    const result = await server.gql(STATS, { ruleId: rule.id, horizonDays: 0 }, { token: await server.tokenFor(admin.id) });
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { horizonDays: expect.any(String) } });
  });
});
