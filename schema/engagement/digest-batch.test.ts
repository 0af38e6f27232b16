import { evaluateEngagementRules } from '../../jobs/evaluate-engagement-rules.job';
import { createDigestSender, sendDigestBatch, type SendDigestData } from '../../jobs/send-digest.job';
import { stableMessageId } from '../../server/email-outbox';
import type { Mailer } from '../../server/mailer';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme } from '../../test/factories';
import { buildRule, collectingQueue, jobDeps } from '../../test/engagement';
import { captureQueries, captureStatements, startTestServer, type TestServer } from '../../test/server';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink';
import { Digest, DigestStatus } from './digest.entity';
import type { DeliveryOutcome } from './digest-sender';

let server: TestServer;
let sink: SmtpSink;
const NOW = '2026-03-10T12:00:00Z';
const DAY = 86_400_000;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});
beforeEach(async () => {
  server = await startTestServer();
  server.clock.set(NOW);
  sink.messages.length = 0;
});
afterEach(async () => {
  await server.stop();
});

/** `count` members away for 10 days with one unseen item on their theme, and a rule for them: its batches, evaluated. */
async function backlog(count: number) {
  const em = server.em();
  const admin = await buildAdmin(em);
  const theme = await buildTheme(em);
  await buildContent(em, { createdAt: new Date(Date.parse(NOW) - DAY), themes: [theme] });
  const members = [];
  for (let i = 0; i < count; i++) members.push(await buildMember(em, { lastVisitAt: new Date(Date.parse(NOW) - 10 * DAY) }));
  await buildInterests(em, members, theme);
  const rule = await buildRule(em, admin.id, { audienceThemes: [theme.slug] });
  const queue = collectingQueue();
  await evaluateEngagementRules(jobDeps(server, sink.url), queue);
  const batches = queue.jobs.map((job) => job.data as SendDigestData);
  return { members, rule, targets: batches.flatMap((batch) => batch.members) };
}

describe('digest batches', () => {
  it('claims, sends and records a round of members in a few statements, not a few per member', async () => {
    const { members, rule, targets } = await backlog(16);
    const deps = jobDeps(server, sink.url);
    const statements = await captureQueries(server, () => sendDigestBatch(deps, { ruleId: rule.id, members: targets }));
    expect(sink.messages).toHaveLength(members.length);
    // Per batch: the rule, eligibility, content; per round of 8: lock, insert, email rows, renewal, record.
    expect(statements.length).toBeLessThanOrEqual(3 + 2 * 5);
  });

  it('reads each email’s rows with index probes into content_view, never a scan of all of it', async () => {
    // 8 members (one group of the outbox) with 6 unseen items each, in a community whose members
    // have viewed 4,000 items, analyzed. At 48 (member, item) pairs PostgreSQL ran the "seen by
    // now" check of an `exists` as one hashed scan of the whole table: 3.5 ms a group in the
    // P5 bench, most of the database's work for a digest.
    const em = server.em();
    const admin = await buildAdmin(em);
    const theme = await buildTheme(em);
    for (let i = 0; i < 6; i++) await buildContent(em, { createdAt: new Date(Date.parse(NOW) - (i + 1) * 3_600_000), themes: [theme] });
    const members = [];
    for (let i = 0; i < 8; i++) members.push(await buildMember(em, { lastVisitAt: new Date(Date.parse(NOW) - 10 * DAY) }));
    await buildInterests(em, members, theme);
    await em.execute(
      `
      with readers as (
        insert into member (id, email, password_hash, display_name, created_at)
        select gen_random_uuid(), 'reader' || n || '@example.com', 'x', 'Reader ' || n, now() from generate_series(1, 80) n
        returning id
      ), items as (
        insert into content (id, type, title, author_id, status, published_at, created_at, updated_at)
        select gen_random_uuid(), 'ARTICLE', 'Older item ' || n, ?::uuid, 'PUBLISHED', now() - interval '90 days', now(), now()
        from generate_series(1, 50) n
        returning id
      )
      insert into content_view (id, member_id, content_id, first_seen_at, last_seen_at, seconds, source)
      select gen_random_uuid(), r.id, i.id, now() - interval '60 days', now() - interval '60 days', 30, 'FEED' from readers r cross join items i`,
      [admin.id],
    );
    await em.execute('analyze');
    await buildRule(em, admin.id, { audienceThemes: [theme.slug] });
    const queue = collectingQueue();
    await evaluateEngagementRules(jobDeps(server, sink.url), queue);
    const [batch] = queue.jobs.map((job) => job.data as SendDigestData);

    const statements = await captureStatements(server, () => sendDigestBatch(jobDeps(server, sink.url), batch));
    expect(sink.messages).toHaveLength(8);
    const [emailRows, ...others] = statements.filter(({ sql }) => /\bas seen\b/.test(sql));
    expect(emailRows).toBeDefined();
    expect(others).toHaveLength(0);
    const explained = await em.execute<{ 'QUERY PLAN': string }[]>(`explain ${emailRows.sql}`, [...emailRows.params]);
    const plan = explained.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index (Only )?Scan using content_view_\w+ on content_view/);
    expect(plan).not.toMatch(/Seq Scan on content_view/);
    expect(plan).not.toMatch(/hashed SubPlan/);
  });

  it('two workers claiming the same members in opposite orders: each member is claimed once, and neither waits forever', async () => {
    const { members, rule, targets } = await backlog(12);
    const outcomes: DeliveryOutcome[] = [];
    const run = (order: typeof targets) =>
      jobDeps(server, sink.url).digests.deliverAll(rule.id, order, { onOutcome: (outcome) => outcomes.push(outcome) });
    await Promise.all([run(targets), run([...targets].reverse())]);
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(members.length);
    expect(outcomes.filter((outcome) => outcome !== 'sent').every((outcome) => outcome === 'busy' || outcome === 'done_before')).toBe(true);
    expect(sink.messages.map((mail) => mail.to && 'text' in mail.to && mail.to.text).sort()).toEqual(members.map((m) => m.email).sort());
  });

  it('a claim taken over after its lease sends the same Message-ID, and the worker that lost it records nothing', async () => {
    const { members, rule, targets } = await backlog(1);
    const deps = jobDeps(server, sink.url);
    // The first worker's relay accepts the email, then the worker stalls (no lease renewal: as if it died) until released.
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    let accepted: () => void = () => undefined;
    const sentOnce = new Promise<void>((resolve) => (accepted = resolve));
    const mailer: Mailer = {
      send: async (email) => {
        const info = await deps.mailer.send(email);
        accepted();
        await stalled;
        return info;
      },
      close: async () => undefined,
    };
    const stale = createDigestSender({ ...deps, mailer }, { renewEveryMs: 3_600_000 });
    const staleOutcomes: DeliveryOutcome[] = [];
    const first = stale.deliverAll(rule.id, targets, { onOutcome: (outcome) => staleOutcomes.push(outcome) });
    await sentOnce;
    server.clock.set(new Date(Date.parse(NOW) + 2 * server.config.jobLockLifetimeMs));
    expect((await sendDigestBatch(deps, { ruleId: rule.id, members: targets })).sent).toBe(1);
    release();
    await first;
    expect(staleOutcomes).toEqual(['busy']);
    const messageId = stableMessageId('digest', rule.id, members[0].id, targets[0].periodKey);
    expect(sink.messages.map((mail) => mail.messageId)).toEqual([messageId, messageId]);
    const rows = await server.em().find(Digest, { ruleId: rule.id });
    expect(rows.map((row) => [row.status, row.attempts, row.messageId])).toEqual([[DigestStatus.SENT, 2, messageId]]);
  });

  it('a batch stopped part-way gives back what it claimed and never attempted: new rows go, retried rows are as they were', async () => {
    const { rule, targets } = await backlog(12);
    const deps = jobDeps(server, sink.url);
    const stopAfter = (count: number) => {
      let asked = 0;
      return () => asked++ >= count;
    };
    const rowsOf = async () =>
      (await server.em().fork().find(Digest, { ruleId: rule.id })).map((row) => [row.status, row.attempts, row.leaseUntil]);
    const sent = await deps.digests.deliverAll(rule.id, targets, { stop: stopAfter(3) });
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(targets.length);
    expect(await rowsOf()).toEqual(Array.from({ length: sent }, () => [DigestStatus.SENT, 1, null]));
    // The others fail for good once (550): FAILED rows, one attempt each; then a retry stops part-way again.
    sink.failNext(targets.length - sent, 550);
    await deps.digests.deliverAll(rule.id, targets);
    expect((await rowsOf()).filter(([status]) => status === DigestStatus.FAILED)).toHaveLength(targets.length - sent);
    const retried = await deps.digests.deliverAll(rule.id, targets, { stop: stopAfter(3) });
    const rows = await rowsOf();
    const resent = rows.filter(([status, attempts]) => status === DigestStatus.SENT && attempts === 2).length;
    expect(resent).toBeGreaterThan(0);
    expect(rows.filter(([status, attempts, lease]) => status === DigestStatus.FAILED && attempts === 1 && lease === null)).toHaveLength(
      targets.length - sent - resent,
    );
    expect(retried).toBe(sent + resent);
  });
});
