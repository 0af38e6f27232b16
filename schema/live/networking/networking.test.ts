import type { Member } from '../../identity/member.entity';
import type { Theme } from '../../content/theme.entity';
import { buildContent, buildInterests, buildMember, buildTheme, buildView } from '../../../test/factories';
import { buildRegistration, buildSession } from '../../../test/live';
import { errorCode, startTestServer, type TestServer } from '../../../test/server';

const SUGGESTED = `query($sessionId: ID, $first: Int) {
  suggestedPeers(sessionId: $sessionId, first: $first) { member { id } score sameSession sharedThemes { name } }
}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const byId = (a: Member, b: Member) => (a.id < b.id ? -1 : 1);

async function suggested(viewerId: string, variables: Record<string, unknown> = {}) {
  const result = await server.gql(SUGGESTED, variables, await as(viewerId));
  expect(result.errors).toBeUndefined();
  return result.data!.suggestedPeers.map((peer: any) => [
    peer.member.id,
    peer.score,
    peer.sameSession,
    peer.sharedThemes.map((t: Theme) => t.name),
  ]);
}

/**
 * The viewer declares Analytics and Budgeting, viewed content on Analytics and Culture, and is
 * registered to the session. Scores by hand (declared ×2, viewed ×1, same session +3):
 *   ann: declares Analytics + Budgeting (4), viewed Analytics (1)                  = 5
 *   bob: declares Analytics (2), registered to the session (3)                     = 5  (ties with ann: member id decides)
 *   eli: registered to the session only                                           = 3
 *   cid: viewed Culture twice and Analytics once (1 + 1; a theme counts once)      = 2
 *   dan: declares Devops only; fay: cancelled registration only                    → no overlap, left out
 *   xav (blocked by the viewer), yan (blocks the viewer): Analytics + Budgeting   → left out
 */
async function community() {
  const em = server.em();
  const [analytics, budgeting, culture, devops] = await Promise.all(
    ['Analytics', 'Budgeting', 'Culture', 'Devops'].map((name) => buildTheme(server.em(), { name })),
  );
  const [viewer, ann, bob, cid, dan, eli, fay, xav, yan] = await Promise.all(Array.from({ length: 9 }, () => buildMember(server.em())));
  const onAnalytics = await buildContent(em, { themes: [analytics] });
  const onCulture = await buildContent(em, { themes: [culture] });
  const alsoOnCulture = await buildContent(em, { themes: [culture, devops] });
  const session = await buildSession(em, viewer.id);

  await buildInterests(em, [viewer, ann, bob, xav, yan], analytics);
  await buildInterests(em, [viewer, ann, xav, yan], budgeting);
  await buildInterests(em, [dan], devops);
  for (const member of [viewer, ann, cid]) await buildView(em, member, onAnalytics, '2026-01-03T10:00:00Z');
  await buildView(em, viewer, onCulture, '2026-01-03T11:00:00Z');
  await buildView(em, cid, onCulture, '2026-01-03T11:00:00Z');
  await buildView(em, cid, alsoOnCulture, '2026-01-03T12:00:00Z');
  for (const member of [viewer, bob, eli]) await buildRegistration(em, session, member);
  await buildRegistration(em, session, fay, { cancelledAt: new Date('2026-01-04T00:00:00Z') });
  for (const [blocker, blocked] of [
    [viewer, xav],
    [yan, viewer],
  ]) {
    await em.execute('insert into member_block (blocker_id, blocked_id, created_at) values (?, ?, ?)', [
      blocker.id,
      blocked.id,
      new Date(),
    ]);
  }
  return { viewer, ann, bob, cid, dan, eli, fay, xav, yan, session };
}

describe('suggestedPeers', () => {
  it('ranks by shared interests, viewed themes and the shared session, never self, blocked or unrelated members', async () => {
    const { viewer, ann, bob, cid, eli, session } = await community();
    const [firstTied, secondTied] = [ann, bob].sort(byId);
    const expected: Record<string, unknown[]> = {
      [ann.id]: [ann.id, 5, false, ['Analytics', 'Budgeting']],
      [bob.id]: [bob.id, 5, true, ['Analytics']],
    };
    expect(await suggested(viewer.id, { sessionId: session.id })).toEqual([
      expected[firstTied.id],
      expected[secondTied.id],
      [eli.id, 3, true, []],
      [cid.id, 2, false, ['Analytics', 'Culture']],
    ]);
  });

  it('gives no session bonus without a session, and returns the best `first` only', async () => {
    const { viewer, ann, bob, cid } = await community();
    const rows: Record<string, unknown[]> = {
      [bob.id]: [bob.id, 2, false, ['Analytics']],
      [cid.id]: [cid.id, 2, false, ['Analytics', 'Culture']],
    };
    const [firstTied, secondTied] = [bob, cid].sort(byId);
    expect(await suggested(viewer.id)).toEqual([[ann.id, 5, false, ['Analytics', 'Budgeting']], rows[firstTied.id], rows[secondTied.id]]);
    expect((await suggested(viewer.id, { first: 1 })).map((row: unknown[]) => row[0])).toEqual([ann.id]);
  });

  it('gives no session bonus when the viewer is not registered to the session', async () => {
    const { ann, session } = await community();
    // ann is not registered: bob and eli share nothing else with her but the session.
    const rows = await suggested(ann.id, { sessionId: session.id });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row: unknown[]) => row[2] === false)).toBe(true);
  });

  it('suggests nobody to a member who has nothing in common with anyone', async () => {
    const loner = await buildMember(server.em());
    expect(await suggested(loner.id)).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown session, BAD_USER_INPUT for a bad page size, UNAUTHENTICATED without a login', async () => {
    const viewer = await buildMember(server.em());
    const options = await as(viewer.id);
    expect(errorCode(await server.gql(SUGGESTED, { sessionId: '00000000-0000-4000-8000-000000000000' }, options))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(SUGGESTED, { sessionId: 'nope' }, options))).toBe('NOT_FOUND');
    for (const first of [0, 51]) expect(errorCode(await server.gql(SUGGESTED, { first }, options))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(SUGGESTED, {}))).toBe('UNAUTHENTICATED');
  });
});
