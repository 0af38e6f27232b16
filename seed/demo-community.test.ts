import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAdmin } from '../test/factories';
import { startTestServer, type TestServer } from '../test/server';
import { DEMO_PASSWORD, DEMO_SIZE, demoLogins, seedDemoCommunity, type DemoCommunity } from './demo-community';
import { DEMO_MESSAGES } from './demo-social';

const NOW = new Date('2026-05-04T00:00:00Z');
const OPTIONS = { members: 150, days: 90, seed: 42, now: NOW };

let server: TestServer;
let demo: DemoCommunity;
beforeAll(async () => {
  server = await startTestServer();
  server.clock.set(NOW);
  demo = await seedDemoCommunity(server.em(), OPTIONS);
});
afterAll(() => server.stop());

const rows = <T>(sql: string, params: unknown[] = []) => server.em().execute<T[]>(sql, params);

describe('the demo community', () => {
  it('names every member differently and tells the logins without a database', async () => {
    const [{ members, names }] = await rows<{ members: number; names: number }>(
      'select count(*)::int as members, count(distinct display_name)::int as names from member',
    );
    expect(names).toBe(members);
    expect(demoLogins(OPTIONS)).toEqual(demo.logins);
    expect(demo.password).toBe(DEMO_PASSWORD);
  });

  it('has its default logins and password listed in README', () => {
    const readme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
    for (const login of demoLogins(DEMO_SIZE)) expect([login.email, readme.includes(`\`${login.email}\``)]).toEqual([login.email, true]);
    expect(readme).toContain(`\`${DEMO_PASSWORD}\``);
  });

  it('has summaries that say what an item holds, not a placeholder', async () => {
    const items = await rows<{ title: string; summary: string }>('select title, summary from content');
    expect(items.length).toBeGreaterThan(30);
    for (const { summary } of items) {
      expect(summary).not.toMatch(/Notes from the community/);
      expect(summary.length).toBeGreaterThan(80);
    }
  });

  it('seeds comments with replies, counted on their items', async () => {
    const [{ comments, replies }] = await rows<{ comments: number; replies: number }>(
      'select count(*) filter (where parent_id is null)::int as comments, count(*) filter (where parent_id is not null)::int as replies from comment',
    );
    expect(comments).toBeGreaterThan(10);
    expect(replies).toBeGreaterThan(3);
    const wrong = await rows(
      'select c.id from content c where c.comment_count <> (select count(*) from comment k where k.content_id = c.id)',
    );
    expect(wrong).toEqual([]);
    const early = await rows(
      'select k.id from comment k join content c on c.id = k.content_id where k.created_at < c.published_at or k.created_at > ?',
      [NOW],
    );
    expect(early).toEqual([]);
  });

  it('gives every demo member login a conversation with messages', async () => {
    const memberLogins = demo.logins.filter((login) => login.role === 'MEMBER').map((login) => login.email);
    const talking = await rows<{ email: string; messages: number }>(
      `select m.email, count(g.id)::int as messages from member m
         join conversation_participant p on p.member_id = m.id join message g on g.conversation_id = p.conversation_id
        where m.email = any(?::text[]) group by m.email`,
      [`{${memberLogins.join(',')}}`],
    );
    expect(talking.map((row) => row.email).sort()).toEqual([...memberLogins].sort());
    expect(talking.every((row) => row.messages >= 2)).toBe(true);
    // Each reply after the message it answers: the scripted exchange reads in order.
    const threads = await rows<{ bodies: string[] }>(
      'select array_agg(body order by created_at, id) as bodies from message group by conversation_id',
    );
    for (const { bodies } of threads) expect(bodies).toEqual(DEMO_MESSAGES.slice(0, bodies.length));
  });

  it('dates every registration in the past, never before the session was announced', async () => {
    const future = await rows('select id from session_registration where registered_at > ?', [NOW]);
    expect(future).toEqual([]);
    const [{ registrations }] = await rows<{ registrations: number }>('select count(*)::int as registrations from session_registration');
    expect(registrations).toBeGreaterThan(0);
  });

  it('gives the ended webinar its replay, as the egress_ended of its recording leaves it', async () => {
    // README promises "one ended with attendance and a replay"; its replay was null.
    const token = await server.tokenFor((await buildAdmin(server.em())).id);
    const ended = await server.gql(
      `{ liveSessions(status: ENDED, first: 5) { edges { node { title description endedAt themes { slug } speakers { id }
           replay { type status title summary mediaUrl publishedAt themes { slug } author { id } } } } } }`,
      {},
      { token },
    );
    const sessions = ended.data!.liveSessions.edges.map((edge: any) => edge.node);
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(session.replay).toEqual({
      type: 'REPLAY',
      status: 'PUBLISHED',
      title: `Replay: ${session.title}`,
      summary: session.description,
      mediaUrl: expect.stringMatching(/^https:\/\/.+\.mp4$/),
      publishedAt: expect.any(String),
      themes: session.themes,
      author: session.speakers[0],
    });
    expect(session.themes.length).toBeGreaterThan(0);
    expect(new Date(session.replay.publishedAt) > new Date(session.endedAt)).toBe(true);
    expect(new Date(session.replay.publishedAt) < NOW).toBe(true);
    const [{ egress }] = await rows<{ egress: string | null }>(
      `select recording_egress_id as egress from live_session where status = 'ENDED'`,
    );
    expect(egress).toMatch(/^EG_/);
  });

  it('sends digests with a cold section when a member has fewer new items than the rule’s maxItems', async () => {
    const token = await server.tokenFor((await buildAdmin(server.em())).id);
    const [{ id }] = await rows<{ id: string }>(`select id from engagement_rule where trigger = 'INACTIVITY'`);
    const preview = await server.gql(
      `query($id: ID!) { previewEngagementRule(id: $id, sampleSize: 50) { eligibleMembers samples { hot { id } cold { id } } } }`,
      { id },
      { token },
    );
    const samples: { hot: unknown[]; cold: unknown[] }[] = preview.data!.previewEngagementRule.samples;
    expect(samples.length).toBeGreaterThan(5);
    // Hot first: cold only fills what hot leaves of the 6 items, and does so for someone in the demo.
    for (const sample of samples) expect(sample.cold.length === 0 || sample.hot.length + sample.cold.length <= 6).toBe(true);
    expect(samples.filter((sample) => sample.hot.length < 6 && sample.cold.length > 0).length).toBeGreaterThan(0);
  });
});
