import { buildAdmin, buildMember } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { Member, Role } from './member.entity';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const SET_ROLE = `mutation($id: ID!, $role: Role!) { setMemberRole(memberId: $id, role: $role) { id role } }`;
const SET_MEMBERSHIP = `mutation($id: ID!, $m: Membership!, $d: LocalDate) { setMembership(memberId: $id, membership: $m, renewalDate: $d) { membership renewalDate } }`;
const MEMBERS = `query($first: Int, $after: String, $search: String) { members(first: $first, after: $after, search: $search) { edges { cursor node { id email } } pageInfo { hasNextPage endCursor } } }`;

describe('role checks', () => {
  it('answers UNAUTHENTICATED without a token and FORBIDDEN to a member for admin operations', async () => {
    const member = await buildMember(server.em());
    const anonymous = await server.gql(MEMBERS, { first: 5 });
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const token = await server.tokenFor(member.id);
    for (const [query, variables] of [
      [MEMBERS, { first: 5 }],
      [SET_ROLE, { id: member.id, role: 'ADMIN' }],
      [SET_MEMBERSHIP, { id: member.id, m: 'PAID', d: '2027-01-01' }],
    ] as const) {
      const result = await server.gql(query, variables, { token });
      expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const unchanged = await server.em().findOneOrFail(Member, member.id);
    expect(unchanged.role).toBe(Role.MEMBER);
  });

  it('lets an admin change roles and memberships, and the new role applies to the next request', async () => {
    const admin = await buildAdmin(server.em());
    const member = await buildMember(server.em());
    const adminToken = await server.tokenFor(admin.id);
    const promoted = await server.gql(SET_ROLE, { id: member.id, role: 'SPEAKER' }, { token: adminToken });
    expect(promoted.data!.setMemberRole.role).toBe('SPEAKER');
    const paid = await server.gql(SET_MEMBERSHIP, { id: member.id, m: 'PAID', d: '2027-03-31' }, { token: adminToken });
    expect(paid.data!.setMembership).toEqual({ membership: 'PAID', renewalDate: '2027-03-31' });

    const nowAdmin = await server.gql(SET_ROLE, { id: member.id, role: 'ADMIN' }, { token: adminToken });
    expect(nowAdmin.data!.setMemberRole.role).toBe('ADMIN');
    const memberToken = await server.tokenFor(member.id);
    expect((await server.gql(MEMBERS, { first: 1 }, { token: memberToken })).errors).toBeUndefined();
  });

  it('answers NOT_FOUND for an unknown member id', async () => {
    const admin = await buildAdmin(server.em());
    const result = await server.gql(
      SET_ROLE,
      { id: '00000000-0000-4000-8000-000000000000', role: 'ADMIN' },
      { token: await server.tokenFor(admin.id) },
    );
    expect(result.errors![0].extensions!.code).toBe('NOT_FOUND');
  });
});

describe('profiles', () => {
  it('updates the viewer’s own profile and validates lengths', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    const updated = await server.gql(
      `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName company jobTitle } }`,
      { input: { displayName: '  Grace  ', jobTitle: 'CTO', company: null } },
      { token },
    );
    expect(updated.data!.updateProfile).toEqual({ displayName: 'Grace', company: null, jobTitle: 'CTO' });
    const tooLong = await server.gql(
      `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`,
      { input: { displayName: 'x'.repeat(81) } },
      { token },
    );
    expect(tooLong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { displayName: expect.any(String) } });
    const update = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName company jobTitle } }`;
    const unchanged = await server.gql(update, { input: { company: 'Initech' } }, { token });
    expect(unchanged.data!.updateProfile).toEqual({ displayName: 'Grace', company: 'Initech', jobTitle: 'CTO' });
    const nameless = await server.gql(update, { input: { displayName: null } }, { token });
    expect(nameless.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { displayName: 'cannot be null' } });
    // Spaces only would be stored trimmed: a member without a name.
    const blank = await server.gql(update, { input: { displayName: '   ' } }, { token });
    expect(blank.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { displayName: 'must not be empty' } });
    expect((await server.gql(update, { input: {} }, { token })).data!.updateProfile.displayName).toBe('Grace');
  });

  it('sets locale and timeZone, canonical, back to the community’s with null, and refuses anything else with BAD_USER_INPUT', async () => {
    const member = await buildMember(server.em());
    const token = await server.tokenFor(member.id);
    const update = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { locale timeZone } }`;
    const me = async () => (await server.gql(`{ me { locale timeZone } }`, {}, { token })).data!.me;

    // Nothing chosen: the community's (COMMUNITY_LOCALE, COMMUNITY_TIMEZONE; en and UTC by default).
    expect(await me()).toEqual({ locale: 'en', timeZone: 'UTC' });
    const set = await server.gql(update, { input: { locale: 'FR', timeZone: 'europe/paris' } }, { token });
    expect(set.data!.updateProfile).toEqual({ locale: 'fr', timeZone: 'Europe/Paris' });
    expect(await server.em().findOneOrFail(Member, member.id)).toMatchObject({ locale: 'fr', timeZone: 'Europe/Paris' });

    for (const [input, field] of [
      [{ locale: 'de' }, 'locale'],
      [{ locale: 'fr-CA' }, 'locale'],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ timeZone: '+01:00' }, 'timeZone'],
      [{ timeZone: 'x'.repeat(65) }, 'timeZone'],
    ] as const) {
      const refused = await server.gql(update, { input }, { token });
      expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { [field]: expect.any(String) } });
      // API errors stay English: clients translate by extensions.code.
      expect(refused.errors![0].message).toMatch(/[a-z]/);
    }
    expect(await me()).toEqual({ locale: 'fr', timeZone: 'Europe/Paris' });

    const reset = await server.gql(update, { input: { locale: null, timeZone: null } }, { token });
    expect(reset.data!.updateProfile).toEqual({ locale: 'en', timeZone: 'UTC' });
    expect(await server.em().findOneOrFail(Member, member.id)).toMatchObject({ locale: null, timeZone: null });
  });

  it('shows locale and time zone only to the member themselves and admins', async () => {
    const member = await buildMember(server.em(), { locale: 'fr', timeZone: 'Europe/Paris' });
    const query = `query($id: ID!) { member(id: $id) { locale timeZone } }`;
    const asOther = await server.gql(query, { id: member.id }, { token: await server.tokenFor((await buildMember(server.em())).id) });
    expect(asOther.data!.member).toEqual({ locale: null, timeZone: null });
    const asAdmin = await server.gql(query, { id: member.id }, { token: await server.tokenFor((await buildAdmin(server.em())).id) });
    expect(asAdmin.data!.member).toEqual({ locale: 'fr', timeZone: 'Europe/Paris' });
  });

  it('shows email, renewal date and last visit only to the member themselves and admins', async () => {
    const member = await buildMember(server.em(), { renewalDate: '2027-02-01' });
    const other = await buildMember(server.em());
    const admin = await buildAdmin(server.em());
    const query = `query($id: ID!) { member(id: $id) { displayName email renewalDate } }`;
    const asOther = await server.gql(query, { id: member.id }, { token: await server.tokenFor(other.id) });
    expect(asOther.data!.member).toEqual({ displayName: member.displayName, email: null, renewalDate: null });
    const asSelf = await server.gql(query, { id: member.id }, { token: await server.tokenFor(member.id) });
    expect(asSelf.data!.member.email).toBe(member.email);
    const asAdmin = await server.gql(query, { id: member.id }, { token: await server.tokenFor(admin.id) });
    expect(asAdmin.data!.member.renewalDate).toBe('2027-02-01');
  });
});

describe('members (admin)', () => {
  it('pages with a keyset cursor and searches by name, email or company', async () => {
    const admin = await buildAdmin(server.em());
    const token = await server.tokenFor(admin.id);
    const tag = `zeta${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      await buildMember(server.em(), { company: `${tag} Ltd`, createdAt: new Date(Date.UTC(2026, 0, 1, 10, i)) });
    }
    const page1 = await server.gql(MEMBERS, { first: 2, search: tag }, { token });
    expect(page1.data!.members.edges).toHaveLength(2);
    expect(page1.data!.members.pageInfo.hasNextPage).toBe(true);
    const page2 = await server.gql(MEMBERS, { first: 2, search: tag, after: page1.data!.members.pageInfo.endCursor }, { token });
    expect(page2.data!.members.edges).toHaveLength(1);
    expect(page2.data!.members.pageInfo.hasNextPage).toBe(false);
    const ids = [...page1.data!.members.edges, ...page2.data!.members.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(new Set(ids).size).toBe(3);
    const badCursor = await server.gql(MEMBERS, { first: 2, after: 'garbage' }, { token });
    expect(badCursor.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('counts every member the filters match on every page, not only the first', async () => {
    const admin = await buildAdmin(server.em());
    const token = await server.tokenFor(admin.id);
    const tag = `paged${Date.now()}`;
    for (let i = 0; i < 3; i++) await buildMember(server.em(), { company: `${tag} Ltd`, role: Role.SPEAKER });
    await buildMember(server.em(), { company: `${tag} Ltd`, role: Role.MEMBER });
    const query = `query($after: String, $search: String) {
      members(first: 2, after: $after, search: $search, role: SPEAKER) { totalCount pageInfo { endCursor } }
    }`;
    const page1 = await server.gql(query, { search: tag }, { token });
    const page2 = await server.gql(query, { search: tag, after: page1.data!.members.pageInfo.endCursor }, { token });
    expect([page1.data!.members.totalCount, page2.data!.members.totalCount]).toEqual([3, 3]);
  });

  it('keeps one admin when the last two demote themselves at the same moment', async () => {
    const em = server.em();
    await em.nativeUpdate(Member, { role: Role.ADMIN }, { role: Role.MEMBER });
    const pair = [await buildAdmin(server.em()), await buildAdmin(server.em())];
    const tokens = await Promise.all(pair.map((admin) => server.tokenFor(admin.id)));
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all(
        pair.map((admin, i) => server.gql(SET_ROLE, { id: admin.id, role: 'MEMBER' }, { token: tokens[i] })),
      );
      const refused = results.filter((result) => result.errors?.[0]?.extensions?.code === 'CONFLICT');
      expect({ round, refused: refused.length, admins: await server.em().count(Member, { role: Role.ADMIN }) }).toEqual({
        round,
        refused: 1,
        admins: 1,
      });
      await server.em().nativeUpdate(Member, { id: { $in: pair.map((admin) => admin.id) } }, { role: Role.ADMIN });
    }
  });

  it('does not make a suspended member an admin or a moderator', async () => {
    const admin = await buildAdmin(server.em());
    const token = await server.tokenFor(admin.id);
    const suspended = await buildMember(server.em(), { suspendedUntil: new Date(Date.now() + 86_400_000) });
    for (const role of ['ADMIN', 'MODERATOR']) {
      const result = await server.gql(SET_ROLE, { id: suspended.id, role }, { token });
      expect(result.errors![0].extensions!.code).toBe('CONFLICT');
    }
    expect((await server.gql(SET_ROLE, { id: suspended.id, role: 'SPEAKER' }, { token })).data!.setMemberRole.role).toBe('SPEAKER');
  });

  it('keeps at least one admin', async () => {
    const { em } = server;
    const admins = await em().find(Member, { role: Role.ADMIN });
    // Demote every other admin first so exactly one remains, then try to demote it.
    const last = await buildAdmin(em());
    const token = await server.tokenFor(last.id);
    for (const admin of admins) await server.gql(SET_ROLE, { id: admin.id, role: 'MEMBER' }, { token });
    const result = await server.gql(SET_ROLE, { id: last.id, role: 'MEMBER' }, { token });
    expect(result.errors![0].extensions!.code).toBe('CONFLICT');
  });
});
