import { createHash } from 'node:crypto';
import { ContentType } from '../content/content.entity';
import { evaluateEngagementRules } from '../../jobs/evaluate-engagement-rules.job';
import { sendDigestBatch, DigestBatchIncomplete } from '../../jobs/send-digest.job';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme, buildView } from '../../test/factories';
import { buildRule, collectingQueue, jobDeps } from '../../test/engagement';
import { startTestServer, until, type TestServer } from '../../test/server';
import { rawHeader, recipientsOf, startSmtpSink, type SmtpSink } from '../../test/smtp-sink';
import type { Clock } from '../../server/clock';
import type { Mailer } from '../../server/mailer';
import { createDigestSender } from '../../jobs/send-digest.job';
import { refreshContentPopularity } from './digest-content';
import { Digest, DigestStatus } from './digest.entity';

let server: TestServer;
let sink: SmtpSink;
const NOW = '2026-03-10T12:00:00Z';

// Content is seen by every member: each test gets a community of its own.
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});
beforeEach(async () => {
  server = await startTestServer({ env: { PUBLIC_URL: 'https://community.example.test', MAIL_FROM: 'Acme Community <news@acme.test>' } });
  server.clock.set(NOW);
  sink.messages.length = 0;
});
afterEach(async () => {
  await server.stop();
});

const daysBefore = (days: number, hours = 0) => new Date(new Date(NOW).getTime() - (days * 24 + hours) * 3_600_000);
const digestsOf = (ruleId: string) => server.em().find(Digest, { ruleId }, { orderBy: { createdAt: 'asc' } });
const recipients = () => recipientsOf(sink);

/** Runs an evaluation and every batch it enqueued, like the worker does. */
async function runRules(deps = jobDeps(server, sink.url)) {
  const queue = collectingQueue();
  await evaluateEngagementRules(deps, queue);
  for (const job of queue.jobs) await sendDigestBatch(deps, job.data);
  return queue.jobs;
}

describe('digests in each member’s language and time zone', () => {
  it('a French member gets a French digest dated in Paris; an English member in New York gets English dated in New York', async () => {
    const em = server.em();
    const admin = await buildAdmin(em, { lastVisitAt: daysBefore(0) });
    // 23:30 UTC on 9 March: already 10 March in Paris, still 9 March in New York.
    await buildContent(em, { createdAt: new Date('2026-03-09T23:30:00Z'), title: 'Attribution models compared', type: ContentType.VIDEO });
    await buildContent(em, { createdAt: daysBefore(2), title: 'Pricing teardown' });
    const french = await buildMember(em, {
      lastVisitAt: daysBefore(8),
      displayName: 'Camille Martin',
      locale: 'fr',
      timeZone: 'Europe/Paris',
    });
    const newYork = await buildMember(em, {
      lastVisitAt: daysBefore(8),
      displayName: 'Ann Lee',
      locale: 'en',
      timeZone: 'America/New_York',
    });
    await buildRule(em, admin.id, { createdAt: daysBefore(40) });
    await runRules();

    const mailTo = (email: string) => sink.messages.find((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address === email)!;
    const inFrench = mailTo(french.email);
    expect(inFrench.subject).toBe('Attribution models compared et 1 autre contenu pour vous');
    expect(rawHeader(inFrench, 'Content-Language')).toBe('fr');
    expect(inFrench.html).toMatch(/<html[^>]* lang="fr"/);
    expect(inFrench.text).toContain('Bonjour Camille,');
    expect(inFrench.text).toContain('Vidéo · 10 mars 2026');
    expect(inFrench.text).toContain('Se désabonner : https://community.example.test/');

    const inEnglish = mailTo(newYork.email);
    expect(inEnglish.subject).toBe('Attribution models compared and 1 more for you');
    expect(rawHeader(inEnglish, 'Content-Language')).toBe('en');
    expect(inEnglish.html).toMatch(/<html[^>]* lang="en"/);
    expect(inEnglish.text).toContain('Video · 9 March 2026');
  });
});

describe('INACTIVITY (PRODUCT.md)', () => {
  it('selects members whose last visit is at least `days` old, once per period, again `days` later with something new', async () => {
    const em = server.em();
    const admin = await buildAdmin(em, { lastVisitAt: daysBefore(0) });
    const item = await buildContent(em, { createdAt: daysBefore(1), title: 'Fresh item' });
    const away = await buildMember(em, { lastVisitAt: daysBefore(7, 1), displayName: 'Away Seven' });
    const recent = await buildMember(em, { lastVisitAt: daysBefore(6, 23) });
    const never = await buildMember(em, { lastVisitAt: null, createdAt: daysBefore(30) });
    const rule = await buildRule(em, admin.id, { createdAt: daysBefore(40) });
    await runRules();

    const sent = (await digestsOf(rule.id)).filter((d) => d.memberId === away.id || d.memberId === never.id || d.memberId === recent.id);
    expect(sent.map((d) => [d.memberId, d.status, d.items])).toEqual(
      expect.arrayContaining([
        [away.id, DigestStatus.SENT, [item.id]],
        [never.id, DigestStatus.SENT, [item.id]],
      ]),
    );
    expect(sent.some((d) => d.memberId === recent.id)).toBe(false);
    expect(recipients()).toEqual(expect.arrayContaining([away.email, never.email]));
    expect(recipients()).not.toContain(recent.email);

    // A day later: same period, nothing again. 7 days after the first period: a new one.
    server.clock.set(new Date(new Date(NOW).getTime() + 86_400_000));
    sink.messages.length = 0;
    await runRules();
    expect(recipients()).not.toContain(away.email);
    await buildContent(em, { createdAt: daysBefore(-3), title: 'Published since the digest' });
    server.clock.set(daysBefore(-7));
    await runRules();
    expect(recipients().filter((to) => to === away.email)).toHaveLength(1);
    const periods = (await digestsOf(rule.id)).filter((d) => d.memberId === away.id).map((d) => d.periodKey);
    const since = away.lastVisitAt!.getTime();
    expect(periods).toEqual([`inactivity:7d:${since}:1`, `inactivity:7d:${since}:2`]);
  });
});

describe('UNSEEN_BACKLOG (PRODUCT.md)', () => {
  it('every `everyDays` days, members with at least `minUnseen` unseen items published in the period', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    // Rule created at NOW - 2 days, everyDays 10: the period judged is [NOW - 12 d, NOW - 2 d).
    const inPeriod = await Promise.all([3, 5, 8].map((days) => buildContent(em, { createdAt: daysBefore(days) })));
    await buildContent(em, { createdAt: daysBefore(13) });
    const sawOne = await buildMember(em, { lastVisitAt: daysBefore(1) });
    const sawNone = await buildMember(em, { lastVisitAt: daysBefore(1) });
    await buildView(em, sawOne, inPeriod[0], daysBefore(1));
    const rule = await buildRule(em, admin.id, { trigger: 'UNSEEN_BACKLOG', everyDays: 10, minUnseen: 3, createdAt: daysBefore(2) });
    await runRules();
    const digests = await digestsOf(rule.id);
    expect(digests.find((d) => d.memberId === sawNone.id)?.periodKey).toBe(`backlog:${daysBefore(12).toISOString()}`);
    expect(digests.some((d) => d.memberId === sawOne.id)).toBe(false);
  });
});

describe('content selection (PRODUCT.md: hot, then cold)', () => {
  it('puts hot items first (newest day, most viewed), then cold ones on the member’s themes by popularity; never anything seen', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const [declared, viewedMost, other] = await Promise.all([buildTheme(em), buildTheme(em), buildTheme(em)]);
    const lastVisit = daysBefore(8);
    const member = await buildMember(em, { lastVisitAt: lastVisit });
    await buildInterests(em, [member], declared);
    const at = (days: number, hours = 0) => ({ createdAt: daysBefore(days, hours) });
    const hotA = await buildContent(em, { ...at(2, 3), viewCount: 1, title: 'Hot A' });
    const hotB = await buildContent(em, { ...at(2, 1), viewCount: 9, title: 'Hot B', type: ContentType.VIDEO });
    const hotNewest = await buildContent(em, { ...at(1), viewCount: 0, title: 'Hot newest' });
    const hotSeen = await buildContent(em, { ...at(3) });
    const coldPopular = await buildContent(em, { ...at(20), themes: [declared], title: 'Cold popular' });
    const coldLess = await buildContent(em, { ...at(15), themes: [declared], title: 'Cold less' });
    const coldViewedTheme = await buildContent(em, { ...at(30), themes: [viewedMost], title: 'Cold viewed theme' });
    const coldOtherTheme = await buildContent(em, { ...at(20), themes: [other] });
    const coldSeen = await buildContent(em, { ...at(25), themes: [declared] });
    const onViewedTheme = await buildContent(em, { ...at(40), themes: [viewedMost] });
    for (const seen of [hotSeen, coldSeen, onViewedTheme]) await buildView(em, member, seen, daysBefore(1));
    // Popularity among members interested in `declared`: coldPopular 2 viewers, coldLess 1.
    for (const count of [2, 1]) {
      for (let i = 0; i < count; i++) {
        const fan = await buildMember(em, { lastVisitAt: daysBefore(0) });
        await buildInterests(em, [fan], declared);
        await buildView(em, fan, count === 2 ? coldPopular : coldLess, daysBefore(3));
      }
    }
    await refreshContentPopularity(em);
    const rule = await buildRule(em, admin.id, { maxItems: 6, audienceThemes: [declared.slug] });
    await runRules();
    const [digest] = (await digestsOf(rule.id)).filter((d) => d.memberId === member.id);
    expect(digest.items).toEqual([hotNewest.id, hotB.id, hotA.id, coldPopular.id, coldLess.id, coldViewedTheme.id]);
    expect(digest.hotCount).toBe(3);
    expect(digest.items).not.toContain(coldOtherTheme.id);

    const mail = sink.messages.find((m) => rawHeader(m, 'X-Hearth-Digest') === digest.id)!;
    expect(mail.subject).toBe('Hot newest and 5 more for you');
    expect(mail.html).toEqual(expect.stringContaining('You may have missed'));
    expect(mail.text!.indexOf('Hot newest')).toBeLessThan(mail.text!.indexOf('Cold popular'));
    expect(mail.messageId).toBe(digest.messageId);
    expect(rawHeader(mail, 'List-Unsubscribe')).toMatch(
      /^<https:\/\/community\.example\.test\/unsubscribe\/[\w-]+>, <mailto:unsubscribe@acme\.test\?subject=unsubscribe>$/,
    );
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toEqual(expect.stringContaining('https://community.example.test/r/'));
  });

  it('sends all cold when nothing is hot, and skips a member with nothing unseen', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const theme = await buildTheme(em);
    const old = await buildContent(em, { createdAt: daysBefore(60), themes: [theme] });
    const member = await buildMember(em, { lastVisitAt: daysBefore(9) });
    const sated = await buildMember(em, { lastVisitAt: daysBefore(9) });
    await buildInterests(em, [member, sated], theme);
    await buildView(em, sated, old, daysBefore(10));
    const rule = await buildRule(em, admin.id, { audienceThemes: [theme.slug] });
    await runRules();
    const digests = await digestsOf(rule.id);
    expect(digests.find((d) => d.memberId === member.id)).toMatchObject({ status: DigestStatus.SENT, hotCount: 0 });
    expect(digests.find((d) => d.memberId === member.id)!.items[0]).toBe(old.id);
    expect(digests.find((d) => d.memberId === sated.id)?.status).toBe(DigestStatus.SKIPPED_EMPTY);
  });
});

describe('holdout, budget and opt-out', () => {
  it('holds out a stable hash of rule and member under holdoutPercent: recorded, never emailed', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const theme = await buildTheme(em);
    await buildContent(em, { createdAt: daysBefore(1), themes: [theme] });
    const members = [];
    for (let i = 0; i < 30; i++) {
      const member = await buildMember(em, { lastVisitAt: daysBefore(10) });
      members.push(member);
    }
    await buildInterests(em, members, theme);
    const rule = await buildRule(em, admin.id, { holdoutPercent: 50, audienceThemes: [theme.slug] });
    await runRules();
    const draw = (memberId: string) => parseInt(createHash('md5').update(`${rule.id}:${memberId}`).digest('hex').slice(0, 8), 16) % 100;
    const expectedHeld = members
      .filter((m) => draw(m.id) < 50)
      .map((m) => m.id)
      .sort();
    const digests = await digestsOf(rule.id);
    expect(
      digests
        .filter((d) => d.status === DigestStatus.HELD_OUT)
        .map((d) => d.memberId)
        .sort(),
    ).toEqual(expectedHeld);
    expect(expectedHeld.length).toBeGreaterThan(0);
    expect(recipients().sort()).toEqual(
      members
        .filter((m) => draw(m.id) >= 50)
        .map((m) => m.email)
        .sort(),
    );
  });

  it('sends a member at most one digest per DIGEST_MIN_INTERVAL_DAYS across rules, and nothing after opting out', async () => {
    const em = server.em();
    const admin = await buildAdmin(em);
    const theme = await buildTheme(em);
    await buildContent(em, { createdAt: daysBefore(1), themes: [theme] });
    const member = await buildMember(em, { lastVisitAt: daysBefore(20) });
    const optedOut = await buildMember(em, { lastVisitAt: daysBefore(20), digestEmails: false });
    await buildInterests(em, [member, optedOut], theme);
    const first = await buildRule(em, admin.id, { audienceThemes: [theme.slug] });
    const second = await buildRule(em, admin.id, { audienceThemes: [theme.slug], inactivityDays: 14 });
    await runRules();
    expect(recipients()).toEqual([member.email]);
    // 47 hours later both rules select the member again (new periods): the budget still says no.
    server.clock.set(daysBefore(-2, 1));
    await runRules();
    expect(recipients()).toEqual([member.email]);
    server.clock.set(daysBefore(-2, -1));
    await runRules();
    expect(recipients()).toEqual([member.email, member.email]);
    expect(recipients()).not.toContain(optedOut.email);
    expect(await server.em().count(Digest, { memberId: member.id, ruleId: { $in: [first.id, second.id] } })).toBe(2);
  });
});

describe('one send per digest (a resend only inside the documented window)', () => {
  async function backlog(count: number) {
    const em = server.em();
    const admin = await buildAdmin(em);
    const theme = await buildTheme(em);
    await buildContent(em, { createdAt: daysBefore(1), themes: [theme] });
    const members = [];
    for (let i = 0; i < count; i++) {
      const member = await buildMember(em, { lastVisitAt: daysBefore(10) });
      members.push(member);
    }
    await buildInterests(em, members, theme);
    const rule = await buildRule(em, admin.id, { audienceThemes: [theme.slug] });
    const queue = collectingQueue();
    await evaluateEngagementRules(jobDeps(server, sink.url), queue);
    return { members, rule, batches: queue.jobs.map((job) => job.data) };
  }

  it('a job run twice sends nothing twice', async () => {
    const { members, batches } = await backlog(12);
    const deps = jobDeps(server, sink.url);
    for (const batch of batches) await sendDigestBatch(deps, batch);
    for (const batch of batches) expect((await sendDigestBatch(deps, batch)).sent).toBe(0);
    expect(recipients().sort()).toEqual(members.map((m) => m.email).sort());
  });

  it('two workers on the same batch send each member one digest', async () => {
    const { members, batches } = await backlog(20);
    const [one, two] = [jobDeps(server, sink.url), jobDeps(server, sink.url)];
    const run = (deps: typeof one) =>
      Promise.all(
        batches.map((batch) =>
          sendDigestBatch(deps, batch).catch((error) => {
            if (!(error instanceof DigestBatchIncomplete)) throw error;
          }),
        ),
      );
    await Promise.all([run(one), run(two)]);
    for (const batch of batches) await sendDigestBatch(one, batch); // what a retry would do
    expect(recipients().sort()).toEqual(members.map((m) => m.email).sort());
  });

  it('a worker slower than its lease sends nothing once another has reclaimed the digest', async () => {
    const { members, rule, batches } = await backlog(1);
    const leaseMs = server.config.jobLockLifetimeMs;
    const fast = jobDeps(server, sink.url);
    // The slow worker's every reading of the clock is a lease later than the one before: by the
    // time its email is composed, the lease it took has run out (a long render on a busy machine).
    let slowTime = new Date(NOW).getTime();
    const slowClock: Clock = { now: () => new Date((slowTime += leaseMs)) };
    // If it reaches SMTP at all, the fast worker overtakes it first: the lease has run out for
    // everyone, so the fast worker reclaims the digest and sends it.
    let overtaken = false;
    const overtake = async () => {
      overtaken = true;
      server.clock.set(new Date(new Date(NOW).getTime() + 100 * leaseMs));
      await sendDigestBatch(fast, batches[0]);
    };
    const mailer: Mailer = {
      send: async (email) => {
        if (!overtaken) await overtake();
        return fast.mailer.send(email);
      },
      close: async () => undefined,
    };
    const slowBase = { ...fast, clock: slowClock, mailer };
    await sendDigestBatch({ ...slowBase, digests: createDigestSender(slowBase) }, batches[0]).catch((error) => {
      if (!(error instanceof DigestBatchIncomplete)) throw error;
    });
    if (!overtaken) await overtake();
    expect(recipients()).toEqual(members.map((m) => m.email));
    expect((await digestsOf(rule.id)).map((d) => [d.status, d.attempts])).toEqual([[DigestStatus.SENT, 2]]);
  });

  it('a relay slower than the lease: the sender keeps renewing it, so no other worker sends the digest too', async () => {
    const { members, rule, batches } = await backlog(1);
    const leaseMs = server.config.jobLockLifetimeMs;
    const fast = jobDeps(server, sink.url);
    const mailer: Mailer = {
      send: async (email) => {
        // The exchange outlasts the lease twice over while the sender renews it (every 10 ms here).
        for (let step = 0; step < 4; step++) {
          const now = server.clock.now().getTime() + leaseMs / 2;
          server.clock.set(new Date(now));
          await until('a renewal of the lease', async () => ((await digestsOf(rule.id))[0].leaseUntil?.getTime() ?? 0) >= now + leaseMs);
        }
        // Another worker, two leases after the sender took the digest.
        await sendDigestBatch(fast, batches[0]).catch((error) => {
          if (!(error instanceof DigestBatchIncomplete)) throw error;
        });
        return fast.mailer.send(email);
      },
      close: async () => undefined,
    };
    const slowBase = { ...fast, mailer };
    await sendDigestBatch({ ...slowBase, digests: createDigestSender(slowBase, { renewEveryMs: 10 }) }, batches[0]);
    expect(recipients()).toEqual(members.map((m) => m.email));
    expect((await digestsOf(rule.id)).map((d) => [d.status, d.attempts])).toEqual([[DigestStatus.SENT, 1]]);
  });

  it('a temporary SMTP refusal (451) marks the digest FAILED without using up an attempt, and the retry sends it once', async () => {
    const { members, rule, batches } = await backlog(3);
    const deps = jobDeps(server, sink.url);
    sink.failNext(1);
    await expect(sendDigestBatch(deps, batches[0])).rejects.toBeInstanceOf(DigestBatchIncomplete);
    const failed = (await digestsOf(rule.id)).filter((d) => d.status === DigestStatus.FAILED);
    expect(failed).toHaveLength(1);
    expect(failed[0].lastError).toMatch(/451|Temporary/);
    expect(failed[0].attempts).toBe(0);
    await sendDigestBatch(deps, batches[0]);
    expect(recipients().sort()).toEqual(members.map((m) => m.email).sort());
    expect((await digestsOf(rule.id)).map((d) => [d.status, d.attempts])).toEqual(members.map(() => [DigestStatus.SENT, 1]));
  });

  it('a refusal of the message itself (550) uses up an attempt', async () => {
    const { rule, batches } = await backlog(1);
    const deps = jobDeps(server, sink.url);
    sink.failNext(1, 550);
    await expect(sendDigestBatch(deps, batches[0])).rejects.toBeInstanceOf(DigestBatchIncomplete);
    expect((await digestsOf(rule.id)).map((d) => [d.status, d.attempts])).toEqual([[DigestStatus.FAILED, 1]]);
    await sendDigestBatch(deps, batches[0]);
    expect((await digestsOf(rule.id)).map((d) => [d.status, d.attempts])).toEqual([[DigestStatus.SENT, 2]]);
  });

  it('a relay that refuses connections: the batch stops at the first failure, nothing counts as an attempt, everything goes once it is back', async () => {
    const { members, rule, batches } = await backlog(20);
    const deps = jobDeps(server, sink.url);
    await sink.refuseConnections();
    try {
      await expect(sendDigestBatch(deps, batches[0])).rejects.toBeInstanceOf(DigestBatchIncomplete);
    } finally {
      await sink.acceptConnections();
    }
    const tried = await digestsOf(rule.id);
    // At most one round of parallel sends knocked before the batch gave up: the rest were never claimed.
    expect(tried.length).toBeLessThan(members.length);
    expect(tried.every((d) => d.status === DigestStatus.FAILED && d.attempts === 0)).toBe(true);
    await sendDigestBatch(jobDeps(server, sink.url), batches[0]);
    expect(recipients().sort()).toEqual(members.map((m) => m.email).sort());
    expect((await digestsOf(rule.id)).every((d) => d.status === DigestStatus.SENT && d.attempts === 1)).toBe(true);
  });
});
