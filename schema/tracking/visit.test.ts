import { buildAdmin, buildMember, buildVisit } from '../../test/factories';
import { captureQueries, startTestServer, wsExecute, type TestServer } from '../../test/server';
import { Member } from '../identity/member.entity';
import { Visit } from './visit.entity';

const VISITS = `query($id: ID!, $from: DateTime!, $to: DateTime!) { memberVisits(memberId: $id, from: $from, to: $to) { startedAt lastActivityAt source days } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { COMMUNITY_TIMEZONE: 'Europe/Paris' } });
});
afterAll(() => server.stop());

async function visitsOf(memberId: string) {
  const admin = await buildAdmin(server.em());
  const result = await server.gql(
    VISITS,
    { id: memberId, from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z' },
    { token: await server.tokenFor(admin.id) },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.memberVisits as { startedAt: string; lastActivityAt: string; source: string; days: string[] }[];
}

const storedVisits = (memberId: string) => server.em().find(Visit, { member: memberId }, { orderBy: { startedAt: 'asc' } });

describe('visits from HTTP activity', () => {
  it('keeps a 29-minute gap in one visit and starts a new visit after a 30-minute gap', async () => {
    const member = await buildMember(server.em());
    // Access tokens live 15 minutes: each request gets one issued at the moved clock.
    const me = async () =>
      expect((await server.gql('{ me { id } }', {}, { token: await server.tokenFor(member.id) })).errors).toBeUndefined();
    server.clock.set('2026-03-02T09:00:00Z');
    await me();
    server.clock.advance({ minutes: 29 });
    await me();
    server.clock.advance({ minutes: 30 });
    await me();

    const visits = await visitsOf(member.id);
    expect(visits.map((v) => [v.startedAt, v.lastActivityAt])).toEqual([
      ['2026-03-02T09:00:00.000Z', '2026-03-02T09:29:00.000Z'],
      ['2026-03-02T09:59:00.000Z', '2026-03-02T09:59:00.000Z'],
    ]);
    expect(visits[0].source).toBe('DIRECT');
  });

  it('records the first activity of a visit at once and coalesces the rest until the flush', async () => {
    const member = await buildMember(server.em());
    server.clock.set('2026-03-03T10:00:00Z');
    const token = await server.tokenFor(member.id);
    await server.gql('{ me { id } }', {}, { token, headers: { 'x-hearth-source': 'email' } });
    server.clock.advance({ minutes: 10 });
    await server.gql('{ me { id } }', {}, { token });

    const before = await storedVisits(member.id);
    expect(before).toHaveLength(1);
    expect(before[0].lastActivityAt.toISOString()).toBe('2026-03-03T10:00:00.000Z');
    expect(before[0].source).toBe('EMAIL');
    await server.hearth.deps.visitTracker.flush();
    const after = await storedVisits(member.id);
    expect(after.map((v) => v.lastActivityAt.toISOString())).toEqual(['2026-03-03T10:10:00.000Z']);
  });

  it('writes an unflushed extension together with the next visit', async () => {
    const member = await buildMember(server.em());
    const tracker = server.hearth.deps.visitTracker;
    await tracker.recordActivity(member.id, new Date('2026-03-04T08:00:00Z'));
    await tracker.recordActivity(member.id, new Date('2026-03-04T08:20:00Z'));
    await tracker.recordActivity(member.id, new Date('2026-03-04T09:30:00Z'));
    const stored = await storedVisits(member.id);
    expect(stored.map((v) => [v.startedAt.toISOString(), v.lastActivityAt.toISOString()])).toEqual([
      ['2026-03-04T08:00:00.000Z', '2026-03-04T08:20:00.000Z'],
      ['2026-03-04T09:30:00.000Z', '2026-03-04T09:30:00.000Z'],
    ]);
  });
});

describe('a flush of many members', () => {
  it("merges every member's interval with their own visits only, in one statement", async () => {
    const tracker = server.hearth.deps.visitTracker;
    const [bridged, extended, fresh] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    // Two stored visits 40 minutes apart: activity between them bridges them into one.
    await buildVisit(server.em(), bridged, '2026-03-07T09:00:00Z', '2026-03-07T09:10:00Z');
    await buildVisit(server.em(), bridged, '2026-03-07T09:50:00Z', '2026-03-07T10:00:00Z');
    // Opened at 09:00 by another instance; this one sees 09:20-09:45 and extends it.
    await buildVisit(server.em(), extended, '2026-03-07T09:00:00Z', '2026-03-07T09:05:00Z');
    for (const member of [bridged, extended, fresh]) {
      const [first, last] =
        member === fresh ? ['2026-03-07T12:00:00Z', '2026-03-07T12:15:00Z'] : ['2026-03-07T09:20:00Z', '2026-03-07T09:45:00Z'];
      await tracker.recordActivity(member.id, new Date(first));
      await tracker.recordActivity(member.id, new Date(last));
    }
    const statements = await captureQueries(server, () => tracker.flush());
    expect(statements.filter((sql) => sql.includes('::visit_source[]'))).toHaveLength(1);
    const spans = async (member: { id: string }) =>
      (await storedVisits(member.id)).map((v) => [v.startedAt.toISOString(), v.lastActivityAt.toISOString()]);
    expect(await spans(bridged)).toEqual([['2026-03-07T09:00:00.000Z', '2026-03-07T10:00:00.000Z']]);
    expect(await spans(extended)).toEqual([['2026-03-07T09:00:00.000Z', '2026-03-07T09:45:00.000Z']]);
    expect(await spans(fresh)).toEqual([['2026-03-07T12:00:00.000Z', '2026-03-07T12:15:00.000Z']]);
    // lastVisitAt is the member's last activity the tracker saw (the stored visits were made by hand).
    const lastVisits = await server.em().find(Member, { id: [bridged.id, extended.id, fresh.id] }, { refresh: true });
    expect(Object.fromEntries(lastVisits.map((m) => [m.id, m.lastVisitAt!.toISOString()]))).toEqual({
      [bridged.id]: '2026-03-07T09:45:00.000Z',
      [extended.id]: '2026-03-07T09:45:00.000Z',
      [fresh.id]: '2026-03-07T12:15:00.000Z',
    });
  });
});

describe('visit days in the community time zone (Europe/Paris)', () => {
  it('puts visits either side of Paris midnight on two days, and a visit spanning midnight on both', async () => {
    const member = await buildMember(server.em());
    const tracker = server.hearth.deps.visitTracker;
    // 22:40 UTC is 23:40 in Paris (CET, UTC+1); 23:20 UTC is 00:20 the next day.
    await tracker.recordActivity(member.id, new Date('2026-01-10T22:40:00Z'));
    await tracker.recordActivity(member.id, new Date('2026-01-10T23:20:00Z'));
    // One visit from 23:50 to 00:10 Paris time.
    await tracker.recordActivity(member.id, new Date('2026-01-12T22:50:00Z'));
    await tracker.recordActivity(member.id, new Date('2026-01-12T23:10:00Z'));
    const visits = await visitsOf(member.id);
    expect(visits.map((v) => v.days)).toEqual([['2026-01-10'], ['2026-01-11'], ['2026-01-12', '2026-01-13']]);
  });
});

describe('visits from WebSocket activity', () => {
  it('counts a WebSocket operation as activity', async () => {
    const member = await buildMember(server.em());
    server.clock.set('2026-03-05T12:00:00Z');
    const client = server.ws(await server.tokenFor(member.id));
    const result = await wsExecute(client, '{ me { id } }');
    expect(result.data!.me.id).toBe(member.id);
    const visits = await storedVisits(member.id);
    expect(visits.map((v) => v.startedAt.toISOString())).toEqual(['2026-03-05T12:00:00.000Z']);
  });
});

describe('two API instances on one database', () => {
  it('merge their activity into exactly the visits the definition gives', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const member = await buildMember(server.em());
      const a = server.hearth.deps.visitTracker;
      const b = second.hearth.deps.visitTracker;
      // A sees 10:00 and 10:25 (coalesced), B sees 10:50: 25 min after A's last, so one visit.
      await a.recordActivity(member.id, new Date('2026-03-06T10:00:00Z'));
      await a.recordActivity(member.id, new Date('2026-03-06T10:25:00Z'));
      await b.recordActivity(member.id, new Date('2026-03-06T10:50:00Z'));
      await b.recordActivity(member.id, new Date('2026-03-06T11:30:00Z')); // 40 min later: a new visit
      await Promise.all([a.flush(), b.flush()]);
      const visits = await storedVisits(member.id);
      expect(visits.map((v) => [v.startedAt.toISOString(), v.lastActivityAt.toISOString()])).toEqual([
        ['2026-03-06T10:00:00.000Z', '2026-03-06T10:50:00.000Z'],
        ['2026-03-06T11:30:00.000Z', '2026-03-06T11:30:00.000Z'],
      ]);
      const reloaded = await server.em().findOneOrFail(Member, member.id);
      expect(reloaded.lastVisitAt!.toISOString()).toBe('2026-03-06T11:30:00.000Z');
    } finally {
      await second.hearth.stop();
    }
  });
});
