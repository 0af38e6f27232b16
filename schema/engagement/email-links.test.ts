import { evaluateEngagementRules } from '../../jobs/evaluate-engagement-rules.job';
import { sendDigestBatch } from '../../jobs/send-digest.job';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme } from '../../test/factories';
import { buildRule, collectingQueue, jobDeps } from '../../test/engagement';
import { startTestServer, type TestServer } from '../../test/server';
import { rawHeader, startSmtpSink, type SmtpSink } from '../../test/smtp-sink';
import { ContentView } from '../tracking/content-view.entity';
import { Visit, VisitSource } from '../tracking/visit.entity';
import { Digest } from './digest.entity';
import { EmailLinks } from './email-links';

const PUBLIC_URL = 'https://community.example.test';
let server: TestServer;
let sink: SmtpSink;

beforeAll(async () => {
  server = await startTestServer({ env: { PUBLIC_URL } });
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
  await server.stop();
});

/** The same path on the test server (emails carry PUBLIC_URL). */
const local = (url: string) => url.replace(PUBLIC_URL, new URL(server.hearth.url).origin);

async function digestFor() {
  const em = server.em();
  server.clock.set('2026-09-10T12:00:00Z');
  const theme = await buildTheme(em);
  const item = await buildContent(em, { createdAt: new Date('2026-09-09T12:00:00Z'), themes: [theme], title: 'Click me' });
  const member = await buildMember(em, { lastVisitAt: new Date('2026-08-01T12:00:00Z') });
  await buildInterests(em, [member], theme);
  await buildRule(em, (await buildAdmin(em)).id, { audienceThemes: [theme.slug] });
  const deps = jobDeps(server, sink.url);
  const queue = collectingQueue();
  await evaluateEngagementRules(deps, queue);
  for (const job of queue.jobs) await sendDigestBatch(deps, job.data);
  const digest = await server.em().findOneOrFail(Digest, { memberId: member.id });
  const mail = sink.messages.find((m) => rawHeader(m, 'X-Hearth-Digest') === digest.id)!;
  return { member, item, digest, mail };
}

describe('GET /r/:token', () => {
  it('records the click, redirects to the item, and attributes the next visit and the view to the email', async () => {
    const { member, item, digest, mail } = await digestFor();
    const link = /https:\/\/community\.example\.test\/r\/[\w-]+/.exec(mail.text!)![0];
    server.clock.advance({ hours: 2 });
    const response = await fetch(local(link), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${PUBLIC_URL}/content/${item.id}?source=EMAIL`);

    server.clock.advance({ minutes: 1 });
    const token = await server.tokenFor(member.id);
    const view = await server.gql(
      `mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { newView } }`,
      { input: { contentId: item.id, seconds: 0, source: 'FEED' } },
      { token },
    );
    expect(view.data!.recordContentView.newView).toBe(true);
    const visits = await server.em().find(Visit, { member: member.id });
    expect(visits.map((v) => [v.source, v.attributedDigestId])).toEqual([[VisitSource.EMAIL, digest.id]]);
    expect((await server.em().findOneOrFail(ContentView, { member: member.id, content: item.id })).source).toBe('EMAIL');
  });

  it('answers a tampered or unknown link with a 400 page', async () => {
    const { mail } = await digestFor();
    const link = local(/https:\/\/community\.example\.test\/r\/[\w-]+/.exec(mail.text!)![0]);
    const tampered = link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA');
    const origin = new URL(server.hearth.url).origin;
    for (const url of [tampered, `${origin}/r/not-a-token`, `${origin}/r/%ZZ`, `${origin}/unsubscribe/%ZZ`]) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('This link is not valid');
    }
    // Well signed, but for a digest that does not exist.
    const forged = new EmailLinks(server.config.jwtSecret, PUBLIC_URL).clickUrl(
      '00000000-0000-4000-8000-000000000000',
      '00000000-0000-4000-8000-000000000001',
    );
    expect((await fetch(local(forged), { redirect: 'manual' })).status).toBe(400);
  });
});

describe('unsubscribe', () => {
  it('GET asks for confirmation; the one-click POST unsubscribes without a login; preferences follow', async () => {
    const { member, mail } = await digestFor();
    const url = local(/<(https:[^>]+)>/.exec(rawHeader(mail, 'List-Unsubscribe')!)![1]);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const token = await server.tokenFor(member.id);
    const prefs = () => server.gql(`{ me { emailPreferences { digests } } }`, {}, { token });
    expect((await prefs()).data!.me.emailPreferences.digests).toBe(true);

    const post = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect((await prefs()).data!.me.emailPreferences.digests).toBe(false);

    const back = await server.gql(`mutation { updateEmailPreferences(input: { digests: true }) { digests } }`, {}, { token });
    expect(back.data!.updateEmailPreferences.digests).toBe(true);
    expect((await prefs()).data!.me.emailPreferences.digests).toBe(true);
  });

  it('refuses a tampered token with a 400 page and changes nothing; a click token cannot unsubscribe', async () => {
    const { member, digest, item } = await digestFor();
    const links = new EmailLinks(server.config.jwtSecret, PUBLIC_URL);
    const good = links.unsubscribeUrl(member.id);
    const clickToken = links.clickUrl(digest.id, item.id).split('/r/')[1];
    for (const url of [good.slice(0, -2) + 'xx', `${PUBLIC_URL}/unsubscribe/${clickToken}`]) {
      const response = await fetch(local(url), { method: 'POST' });
      expect(response.status).toBe(400);
    }
    const [row] = await server.em().execute('select digest_emails from member where id = ?', [member.id]);
    expect(row.digest_emails).toBe(true);
  });
});
