import { buildAdmin, buildContent, buildMember, buildTheme } from '../../test/factories';
import { buildRule } from '../../test/engagement';
import { errorCode, startTestServer, type TestServer } from '../../test/server';
import { Digest, DigestStatus } from './digest.entity';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { PUBLIC_URL: 'https://community.example.test' } });
});
afterAll(() => server.stop());

const RULE_FIELDS = 'id name trigger inactivityDays everyDays minUnseen maxItems holdoutPercent enabled audience { roles themes memberships } createdBy { id }';
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
    const created = await server.gql(CREATE, { input: { name: ' Win back ', trigger: 'INACTIVITY', audience: { themes: [theme.slug], roles: ['MEMBER'] } } }, { token });
    expect(created.data!.createEngagementRule).toMatchObject({
      name: 'Win back', trigger: 'INACTIVITY', inactivityDays: 7, everyDays: 10, minUnseen: 3, maxItems: 6, holdoutPercent: 10, enabled: false,
      audience: { roles: ['MEMBER'], themes: [theme.slug], memberships: [] }, createdBy: { id: admin.id },
    });
    const id = created.data!.createEngagementRule.id;
    const updated = await server.gql(
      `mutation($input: UpdateEngagementRuleInput!) { updateEngagementRule(input: $input) { trigger everyDays minUnseen audience { themes } } }`,
      { input: { id, name: 'Backlog', trigger: 'UNSEEN_BACKLOG', everyDays: 14, minUnseen: 4 } },
      { token },
    );
    expect(updated.data!.updateEngagementRule).toEqual({ trigger: 'UNSEEN_BACKLOG', everyDays: 14, minUnseen: 4, audience: { themes: [theme.slug] } });
    const enabled = await server.gql(`mutation($id: ID!) { setEngagementRuleEnabled(id: $id, enabled: true) { enabled } }`, { id }, { token });
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
    const input = { name: 'Paid win-back', trigger: 'INACTIVITY', inactivityDays: 21, maxItems: 4, holdoutPercent: 20, audience: { memberships: ['PAID'], themes: [theme.slug] } };
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
    expect(everybody.data!.updateEngagementRule).toMatchObject({ inactivityDays: 21, maxItems: 4, audience: { roles: [], memberships: [], themes: [] } });
    const nulls = await server.gql(UPDATE, { input: { id: created.id, name: null, maxItems: null } }, { token });
    expect(nulls.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { name: 'cannot be null', maxItems: 'cannot be null' } });
    expect((await server.gql(`{ engagementRules { id name maxItems } }`, {}, { token })).data!.engagementRules).toContainEqual({
      id: created.id, name: 'Paid members: win back', maxItems: 4,
    });
  });

  it('rejects bad parameters with BAD_USER_INPUT and the fields, and non-admins with FORBIDDEN', async () => {
    const token = await adminToken();
    const bad = await server.gql(CREATE, { input: { name: 'x', trigger: 'INACTIVITY', inactivityDays: 0, maxItems: 21, holdoutPercent: 51 } }, { token });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(Object.keys(bad.errors![0].extensions!.fields).sort()).toEqual(['holdoutPercent', 'inactivityDays', 'maxItems']);
    const unknownTheme = await server.gql(CREATE, { input: { name: 'x', trigger: 'INACTIVITY', audience: { themes: ['no-such-theme'] } } }, { token });
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
      eligibleMembers: 1, heldOut: 0, alreadySentThisPeriod: 0, overBudget: 0,
      samples: [{ member: { id: away.id }, hot: [{ id: item.id, title: 'Preview me' }], cold: [] }],
    });
    expect(await server.em().count(Digest, { memberId: away.id })).toBe(0);
  });
});

describe('engagementRuleStats', () => {
  it('compares the 7-day return rate of emailed members with the holdout, with clicks and attributed visits', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const rule = await buildRule(em, admin.id, { holdoutPercent: 50 });
    const at = new Date('2026-06-01T09:00:00Z');
    const visitAfter = async (memberId: string, days: number, digestId: string | null = null) =>
      em.execute('insert into visit (id, member_id, started_at, last_activity_at, attributed_digest_id) values (gen_random_uuid(), ?, ?, ?, ?)',
        [memberId, new Date(at.getTime() + days * 86_400_000), new Date(at.getTime() + days * 86_400_000 + 60_000), digestId]);
    // 4 sent: 3 back within 7 days (one through a click), 1 back after 8 days. 2 held out: 1 back.
    const digests: Digest[] = [];
    for (const status of [DigestStatus.SENT, DigestStatus.SENT, DigestStatus.SENT, DigestStatus.SENT, DigestStatus.HELD_OUT, DigestStatus.HELD_OUT]) {
      const member = await buildMember(em);
      digests.push(em.create(Digest, { ruleId: rule.id, memberId: member.id, periodKey: 'p1', status, createdAt: at, sentAt: status === DigestStatus.SENT ? at : null }));
    }
    await em.flush();
    await visitAfter(digests[0].memberId, 1, digests[0].id);
    await em.execute('insert into digest_click (id, digest_id, member_id, content_id, clicked_at) values (gen_random_uuid(), ?, ?, gen_random_uuid(), ?)', [digests[0].id, digests[0].memberId, at]);
    await visitAfter(digests[1].memberId, 3);
    await visitAfter(digests[2].memberId, 6.9);
    await visitAfter(digests[3].memberId, 8);
    await visitAfter(digests[4].memberId, 2);
    const result = await server.gql(
      `query($ruleId: ID!) { engagementRuleStats(ruleId: $ruleId, from: "2026-05-01T00:00:00Z", to: "2026-07-01T00:00:00Z") {
         sent heldOut opened clicked clickRate attributedVisits treatedReturnRate holdoutReturnRate lift liftConfidenceInterval { low high } } }`,
      { ruleId: rule.id },
      { token: await server.tokenFor(admin.id) },
    );
    const stats = result.data!.engagementRuleStats;
    const margin = 1.959964 * Math.sqrt((0.75 * 0.25) / 4 + (0.5 * 0.5) / 2);
    expect(stats).toMatchObject({ sent: 4, heldOut: 2, opened: null, clicked: 1, clickRate: 0.25, attributedVisits: 1, treatedReturnRate: 0.75, holdoutReturnRate: 0.5, lift: 0.25 });
    expect(stats.liftConfidenceInterval.low).toBeCloseTo(0.25 - margin, 10);
    expect(stats.liftConfidenceInterval.high).toBeCloseTo(0.25 + margin, 10);
  });
});
