import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Client } from 'pg';
import { evaluateEngagementRules } from '../jobs/evaluate-engagement-rules.job';
import type { JobDeps } from '../jobs/job-deps';
import { createDigestSender, sendDigestBatch, sendDigestJob, type SendDigestData } from '../jobs/send-digest.job';
import { MemberInterest } from '../schema/content/member-interest.entity';
import { EngagementRule } from '../schema/engagement/engagement-rule.entity';
import { Member, Membership, Role } from '../schema/identity/member.entity';
import { startHearth, type Hearth } from '../server/app';
import { ManualClock } from '../server/clock';
import { parseEnv } from '../server/env';
import { OutboxMailer, type Mailer, type OutgoingEmail } from '../server/mailer';
import { buildMembers, chooseViews, decideDay, type SimMember } from './behaviour-model';
import { weeklyFigures } from './weekly-figures';

export interface WorldOptions {
  adminUrl: string;
  /** Hearth's pub/sub and caches go through this Redis when set (REDIS_URL), in memory otherwise. */
  redisUrl?: string;
  members: number;
  weeks: number;
  warmupWeeks: number;
  effect: number;
  holdout: number;
  seed: number;
  horizonDays: number;
  /** Parallel API requests within one simulated hour. */
  concurrency: number;
  /** A migrated database to copy instead of migrating a new one (the tests' template). */
  template?: string;
  log?: (line: string) => void;
}

export interface WorldResult {
  /** The rule's statistics from Hearth's own engagementRuleStats over every measured selection. */
  stats: Record<string, any>;
  /** The same, for the first evaluation's selections only (what the preview's minimum detectable lift is about). */
  firstRound: Record<string, any>;
  /** The preview's minimum detectable lift just before the rule was enabled. */
  minimumDetectableLift: Record<string, any>;
  weekly: {
    week: number;
    treatedVisitDays: number;
    heldOutVisitDays: number;
    treatedMembers: number;
    heldOutMembers: number;
    reachTreated: number;
    reachHeldOut: number;
  }[];
  digestsSent: number;
  clicks: number;
  visits: number;
  requests: number;
}

/** The simulation's day 0: a Monday. */
export const START = new Date('2026-01-05T00:00:00Z');
const DAY_MS = 86_400_000;
const THEMES = 6;
const ITEMS_PER_WEEK = 3;

/** Deterministic ids from the seed, so both worlds have the same members and rule (the holdout draw hashes them). */
function seededUuid(seed: number, label: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x1b873593;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const char of `${seed}:${label}:${round}`) {
      h1 = Math.imul(h1 ^ char.charCodeAt(0), 16777619);
      h2 = Math.imul(h2 ^ char.charCodeAt(0), 2246822519);
    }
    hex.push(((h1 ^ h2) >>> 0).toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** The outbox, and what was sent, so simulated members can open their digests and follow a link. */
class RecordingMailer implements Mailer {
  /** Each member's latest digest: the links it carries. */
  readonly inbox = new Map<string, string[]>();
  /** Recipients since the last take(). */
  private fresh: string[] = [];
  sent = 0;
  constructor(private readonly outbox: Mailer) {}
  async send(email: OutgoingEmail) {
    const links = [...email.text.matchAll(/https?:\/\/[^\s)>\]]+\/r\/[A-Za-z0-9._~-]+/g)].map((match) => match[0]);
    const result = await this.outbox.send(email);
    this.inbox.set(email.to, links);
    this.fresh.push(email.to);
    this.sent += 1;
    return result;
  }
  take(): string[] {
    const fresh = this.fresh;
    this.fresh = [];
    return fresh;
  }
  close() {
    return this.outbox.close();
  }
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Runs one world: a fresh database, Hearth in this process on a ManualClock, the community, the rule, the weeks. */
export async function runWorld(options: WorldOptions): Promise<WorldResult> {
  const log = options.log ?? (() => undefined);
  const database = `hearth_sim_${process.pid}_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  await admin.query(`create database "${database}"${options.template ? ` template "${options.template}"` : ''}`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${database}`;
  const outboxDir = await mkdtemp(path.join(tmpdir(), 'hearth-sim-outbox-'));
  const clock = new ManualClock(new Date(START.getTime() - DAY_MS));
  const config = parseEnv({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url.toString(),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: `sim:${database}` } : {}),
    JWT_SECRET: 'simulator-secret-simulator-secret-0123456789',
    HEARTH_DATA_DIR: outboxDir,
    DIGEST_MIN_INTERVAL_DAYS: '2',
    VISIT_FLUSH_MS: '1000',
  });
  const t0 = Date.now();
  const hearth = await startHearth({ config, databaseUrl: url.toString(), clock });
  log(`Hearth started on a fresh database in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const mailer = new RecordingMailer(new OutboxMailer(outboxDir));
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    return await simulate(hearth, clock, mailer, agent, options, log);
  } finally {
    agent.destroy();
    await hearth.stop();
    await mailer.close();
    await admin.query(`drop database if exists "${database}" with (force)`);
    await admin.end();
    await rm(outboxDir, { recursive: true, force: true });
  }
}

/**
 * One HTTP exchange over a keep-alive agent: members' clients keep their connections open, and a
 * new TCP connection per request (or fetch's streams) cost the simulation more than Hearth's work.
 * A kept connection the server closed as idle (its keep-alive timeout, 5 s, runs out while the
 * worker sends a day's digests) can be reset just as a request reuses it: that request never
 * reached Hearth, and goes again on a new connection, as Node's documentation advises.
 */
async function httpRequest(
  agent: http.Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  for (;;) {
    try {
      return await httpExchange(agent, url, method, headers, body);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
    }
  }
}

class StaleConnection extends Error {}

function httpExchange(
  agent: http.Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { agent, method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      reject(request.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection(error.message) : error);
    });
    request.end(body);
  });
}

async function simulate(
  hearth: Hearth,
  clock: ManualClock,
  mailer: RecordingMailer,
  agent: http.Agent,
  options: WorldOptions,
  log: (line: string) => void,
): Promise<WorldResult> {
  let requests = 0;
  const apiUrl = new URL(hearth.url);
  const gql = async (query: string, variables: Record<string, unknown>, memberId: string) => {
    const { token } = await hearth.deps.accessTokens.issue(memberId);
    requests += 1;
    const response = await httpRequest(
      agent,
      apiUrl,
      'POST',
      { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      JSON.stringify({ query, variables }),
    );
    const body = JSON.parse(response.body) as { data?: any; errors?: { message: string }[] };
    if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${body.errors[0].message}`);
    return body.data;
  };

  // The community: an admin, themes (through the API), members and their interests (bulk: sign-up
  // is rate-limited per address and hashes a password; visits are what is measured, not sign-ups).
  const em = hearth.deps.orm.em.fork();
  const adminId = seededUuid(options.seed, 'admin');
  const joined = clock.now();
  em.create(Member, {
    id: adminId,
    email: 'admin@sim.hearth.test',
    passwordHash: 'x',
    displayName: 'Sim Admin',
    role: Role.ADMIN,
    membership: Membership.FREE,
    createdAt: joined,
  });
  await em.flush();
  const themes: { id: string; slug: string }[] = [];
  for (let t = 0; t < THEMES; t++) {
    const created = await gql(
      `mutation($input: CreateThemeInput!) { createTheme(input: $input) { id slug } }`,
      { input: { slug: `theme-${t}`, name: `Theme ${t}` } },
      adminId,
    );
    themes.push(created.createTheme);
  }
  const simMembers = buildMembers(options.seed, options.members, THEMES);
  const ids = simMembers.map((member) => seededUuid(options.seed, `member-${member.index}`));
  const emailOf = (index: number) => `member-${index}@sim.hearth.test`;
  for (let start = 0; start < simMembers.length; start += 1000) {
    const batch = simMembers.slice(start, start + 1000);
    await em.insertMany(
      Member,
      batch.map((member) => ({
        id: ids[member.index],
        email: emailOf(member.index),
        passwordHash: 'x',
        displayName: `Member ${member.index}`,
        company: `Company ${member.index % 40}`,
        role: Role.MEMBER,
        membership: Membership.FREE,
        createdAt: joined,
        digestEmails: true,
      })) as never,
    );
    await em.insertMany(
      MemberInterest,
      batch.flatMap((member) =>
        member.interests.map((theme) => ({ member: ids[member.index], theme: themes[theme].id, createdAt: joined })),
      ) as never,
    );
  }
  const indexByEmail = new Map(simMembers.map((member) => [emailOf(member.index), member.index]));

  const deps = workerDeps(hearth, clock, mailer);
  const ruleId = seededUuid(options.seed, 'rule');
  const published: { id: string; theme: number }[] = [];
  const seen = simMembers.map(() => new Set<string>());
  const digestDay: (number | null)[] = simMembers.map(() => null);
  const ruleDay = options.warmupWeeks * 7;
  let minimumDetectableLift: Record<string, any> = {};
  let firstRoundAt: Date | null = null;
  let visits = 0;
  let clicks = 0;

  const started = Date.now();
  const spent = { evaluate: 0, send: 0, visits: 0, flush: 0 };
  const timed = async <T>(phase: keyof typeof spent, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      spent[phase] += Date.now() - t;
    }
  };
  for (let day = 0; day < options.weeks * 7; day++) {
    const dayStart = START.getTime() + day * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 1) {
      log(
        `week ${day / 7 + 1}: ${((Date.now() - started) / 1000).toFixed(1)} s (evaluate ${(spent.evaluate / 1000).toFixed(1)}, send ${(spent.send / 1000).toFixed(1)}, visits ${(spent.visits / 1000).toFixed(1)}, flush ${(spent.flush / 1000).toFixed(1)}), ${requests} requests, ${mailer.sent} digests so far`,
      );
      await publishWeek(day, dayStart);
    }
    if (day === ruleDay) minimumDetectableLift = await enableRule(dayStart);
    if (day >= ruleDay) {
      clock.set(new Date(dayStart + 7 * 3_600_000));
      await runWorker(deps, timed);
      firstRoundAt ??= clock.now();
      const received = mailer.take();
      for (const email of received) {
        const index = indexByEmail.get(email);
        if (index !== undefined) digestDay[index] = day;
      }
      if (received.length) log(`day ${day}: ${received.length} digests`);
    }
    await timed('visits', () => visitDay(day, dayStart, weekday));
    await timed('flush', () => hearth.deps.visitTracker.flush());
  }
  clock.set(new Date(START.getTime() + options.weeks * 7 * DAY_MS));
  const adminGql = (query: string, variables: Record<string, unknown>) => gql(query, variables, adminId);
  const STATS = `query($ruleId: ID!, $from: DateTime!, $to: DateTime!, $h: Int) { engagementRuleStats(ruleId: $ruleId, from: $from, to: $to, horizonDays: $h) {
    sent heldOut clicked attributedVisits pendingSelections treatedSelections heldOutSelections treatedMembers heldOutMembers
    treatedMeanVisitDays heldOutMeanVisitDays lift liftConfidenceInterval { low high } relativeLift relativeLiftConfidenceInterval { low high } } }`;
  const from = new Date(START.getTime() + ruleDay * DAY_MS).toISOString();
  const to = clock.now().toISOString();
  const stats = (await adminGql(STATS, { ruleId, from, to, h: options.horizonDays })).engagementRuleStats;
  const firstEnd = new Date(firstRoundAt!.getTime() + 60_000).toISOString();
  const firstRound = (await adminGql(STATS, { ruleId, from, to: firstEnd, h: options.horizonDays })).engagementRuleStats;
  const weekly = await weeklyFigures(hearth.deps.orm.em.fork(), ruleId, options.weeks, START);
  return { stats, firstRound, minimumDetectableLift, weekly, digestsSent: mailer.sent, clicks, visits, requests };

  async function publishWeek(day: number, dayStart: number) {
    for (let i = 0; i < ITEMS_PER_WEEK; i++) {
      clock.set(new Date(dayStart + (9 + i) * 3_600_000));
      const theme = ((day / 7) * ITEMS_PER_WEEK + i) % THEMES;
      const created = await gql(
        `mutation($input: CreateContentInput!) { createContent(input: $input) { id } }`,
        {
          input: {
            type: 'ARTICLE',
            title: `Week ${day / 7} item ${i}`,
            summary: 'Simulated',
            body: 'Simulated body.',
            themeSlugs: [themes[theme].slug],
          },
        },
        adminId,
      );
      await gql(`mutation($id: ID!) { publishContent(id: $id) { id } }`, { id: created.createContent.id }, adminId);
      published.push({ id: created.createContent.id, theme });
    }
  }

  async function enableRule(dayStart: number) {
    clock.set(new Date(dayStart + 6 * 3_600_000));
    const rule = em.create(EngagementRule, {
      id: ruleId,
      name: 'Win back',
      trigger: 'INACTIVITY',
      inactivityDays: 7,
      everyDays: 10,
      minUnseen: 3,
      maxItems: 6,
      audienceRoles: [Role.MEMBER],
      audienceThemes: [],
      audienceMemberships: [],
      holdoutPercent: options.holdout,
      enabled: false,
      createdById: adminId,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    await em.flush();
    clock.set(new Date(dayStart + 7 * 3_600_000));
    const preview = await gql(
      `query($id: ID!, $h: Int) { previewEngagementRule(id: $id, sampleSize: 0, horizonDays: $h) { minimumDetectableLift { absolute relative treated heldOut outcomeStdDev baselineMeanVisitDays sentence } } }`,
      { id: rule.id, h: options.horizonDays },
      adminId,
    );
    await gql(`mutation($id: ID!) { setEngagementRuleEnabled(id: $id, enabled: true) { enabled } }`, { id: rule.id }, adminId);
    return preview.previewEngagementRule.minimumDetectableLift;
  }

  /** The day's visits, all at noon and in parallel: only visit days are measured, and members act independently. */
  async function visitDay(day: number, dayStart: number, weekday: number) {
    const today: { member: SimMember; click: boolean; views: { id: string }[] }[] = [];
    for (const member of simMembers) {
      const decision = decideDay(member, day, weekday, options.effect, digestDay[member.index]);
      if (!decision.visit) continue;
      today.push({
        member,
        click: decision.viaDigest || decision.clickAnyway,
        views: chooseViews(member, decision.viewDraws, published, seen[member.index]),
      });
    }
    clock.set(new Date(dayStart + 12 * 3_600_000));
    await pool(today, options.concurrency, async (visit) => {
      const links = mailer.inbox.get(emailOf(visit.member.index));
      if (visit.click && links?.length) {
        // The link as the member's mail client would open it, against this API (PUBLIC_URL is its own address).
        const response = await httpRequest(agent, new URL(new URL(links[0]).pathname, apiUrl), 'GET', {});
        requests += 1;
        if (response.status === 302) clicks += 1;
      }
      const memberId = ids[visit.member.index];
      if (visit.views.length) {
        // The simulated client asks for what it uses (nothing): not `content`, which would load the items again.
        await gql(
          `mutation($input: RecordContentViewsInput!) { recordContentViews(input: $input) { newView } }`,
          { input: { views: visit.views.map((item) => ({ contentId: item.id, seconds: 0, source: visit.click ? 'EMAIL' : 'DIRECT' })) } },
          memberId,
        );
        for (const item of visit.views) seen[visit.member.index].add(item.id);
      } else {
        await gql(`{ me { id } }`, {}, memberId);
      }
      visits += 1;
    });
  }
}

function workerDeps(hearth: Hearth, clock: ManualClock, mailer: Mailer): JobDeps {
  const base = { config: hearth.deps.config, orm: hearth.deps.orm, clock, logger: pino({ level: 'silent' }), mailer };
  return { ...base, digests: createDigestSender(base), pubSub: hearth.deps.pubSub };
}

/**
 * The worker's daily pass, as its Agenda jobs do it: evaluate the rules, then send the batches they
 * enqueued, as many at once as Agenda runs send-digest jobs in one worker (its `concurrency`).
 */
async function runWorker(deps: JobDeps, timed: <T>(phase: 'evaluate' | 'send', work: () => Promise<T>) => Promise<T>): Promise<void> {
  const jobs: SendDigestData[] = [];
  await timed('evaluate', () => evaluateEngagementRules(deps, { enqueue: async (_name, data) => void jobs.push(data as SendDigestData) }));
  await timed('send', () => pool(jobs, sendDigestJob.options?.concurrency ?? 1, async (job) => void (await sendDigestBatch(deps, job))));
}
