import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { copyRows } from '../../../seed/copy';
import { alternate, perWindow, reap, startTarget, STOP_GRACE_MS, WINDOWS, type Side } from '../load';
import { median, type BenchRow } from '../report';
import { BENCH_LIVEKIT_ENV } from '../bench-env';
import type { BenchContext, Workload } from '../run';

const MEMBERS = Number(process.env.BENCH_P5_MEMBERS ?? 10_000);
const DAY = 86_400_000;
/** Parallel loops in the baseline: as many as the worker's parallel sends (4 jobs x 8 sends). */
const BASELINE_LOOPS = 32;

/** One side's set: a theme, MEMBERS members interested in it and its rule, used by one window only. */
type Arranged = { ruleId: string; themeSlug: string };

/** MEMBERS members away for 10 days, interested in a theme with 8 recent items; one INACTIVITY rule for them. */
async function arrange(db: Client): Promise<Arranged> {
  const now = Date.now();
  const themeId = randomUUID();
  const themeSlug = `p5-${themeId.slice(0, 8)}`;
  await db.query('insert into theme (id, slug, name, created_at) values ($1, $2, $3, now())', [themeId, themeSlug, 'P5 digests']);
  const [author] = (await db.query<{ id: string }>(`select id from member where role = 'ADMIN' limit 1`)).rows;
  for (let i = 0; i < 8; i++) {
    const id = randomUUID();
    await db.query(
      `insert into content (id, type, title, summary, author_id, status, published_at, created_at, updated_at)
       values ($1, 'ARTICLE', $2, 'What changed this week, in five minutes.', $3, 'PUBLISHED', $4, $4, $4)`,
      [id, `P5 item ${i}`, author.id, new Date(now - (i + 1) * 3_600_000)],
    );
    await db.query('insert into content_theme (content_id, theme_id) values ($1, $2)', [id, themeId]);
  }
  const ids = Array.from({ length: MEMBERS }, () => randomUUID());
  const away = new Date(now - 10 * DAY);
  await copyRows(
    db,
    'member',
    ['id', 'email', 'password_hash', 'display_name', 'role', 'membership', 'created_at', 'last_visit_at', 'digest_emails'],
    ids.map((id, i) => [id, `p5-${i}-${id.slice(0, 6)}@bench.test`, 'x', `P5 Member ${i}`, 'MEMBER', 'FREE', away, away, true]),
  );
  await copyRows(
    db,
    'member_interest',
    ['member_id', 'theme_id', 'created_at'],
    ids.map((id) => [id, themeId, away]),
  );
  const ruleId = randomUUID();
  await db.query(
    `insert into engagement_rule (id, name, trigger, inactivity_days, every_days, min_unseen, max_items, audience_roles, audience_themes,
       audience_memberships, holdout_percent, enabled, created_by_id, created_at, updated_at)
     values ($1, 'P5', 'INACTIVITY', 7, 10, 3, 6, '{}', $2, '{}', 0, false, $3, now(), now())`,
    [ruleId, [themeSlug], author.id],
  );
  return { ruleId, themeSlug };
}

/** Sent digests of the rule (only SENT counts: a FAILED or PENDING one is not done). */
async function sent(db: Client, ruleId: string): Promise<number> {
  return (await db.query<{ n: number }>(`select count(*)::int as n from digest where rule_id = $1 and status = 'SENT'`, [ruleId])).rows[0]
    .n;
}

/**
 * The real path: the shipped worker process (dist/server/worker.js, as \`npm run worker\` runs it)
 * with production settings (its default job polling and rule interval, LOG_LEVEL=info); timed from
 * its start until every digest of the rule is SENT. `relayed` counts what the relay received in
 * this window.
 */
async function throughWorker(ctx: BenchContext, smtpUrl: string, ruleId: string, relayed: () => Promise<number>): Promise<number> {
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  await db.query('update engagement_rule set enabled = (id = $1)', [ruleId]);
  // Every window is a first start: a worker schedules the rules' evaluation at its start when no
  // schedule is kept, else at the kept one (RULES_EVERY after the previous window's, minutes away).
  // (The worker creates the table at its first start.)
  const [{ kept }] = (await db.query<{ kept: string | null }>(`select to_regclass('agenda_jobs')::text as kept`)).rows;
  if (kept) await db.query('delete from agenda_jobs');
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: ctx.jwtSecret,
    DATABASE_URL: ctx.databaseUrl,
    SMTP_URL: smtpUrl,
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'https://community.example.test',
    ...BENCH_LIVEKIT_ENV,
  };
  const started = performance.now();
  const worker = fork(path.resolve(__dirname, '../../../server/worker.js'), [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const alive = () => {
    if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
  };
  try {
    // The relay is asked (a message to its process) until it has every digest, and only then the
    // database, until each is recorded SENT: counting the digest table every 100 ms for the whole
    // window took PostgreSQL time from the worker that the loop, which reports its own end, never paid.
    while ((await relayed()) < MEMBERS) {
      alive();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    while ((await sent(db, ruleId)) < MEMBERS) {
      alive();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return (performance.now() - started) / 1000;
  } finally {
    const gone = reap(worker, STOP_GRACE_MS);
    worker.kill('SIGTERM');
    await gone;
    await db.end();
  }
}

/**
 * P5: MEMBERS members eligible for one rule: evaluate, select, render and deliver to a local SMTP
 * relay. Each side runs WINDOWS windows, the order alternating (loop, Hearth; Hearth, loop; …),
 * each window on a set of members of its own (a window's digests make its members ineligible for
 * the next), in a process of its own timed from its fork; the median window is reported.
 */
export const digestsWorkload: Workload = {
  name: 'P5 digests',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    const sets: Arranged[] = [];
    for (let i = 0; i < 2 * WINDOWS; i++) sets.push(await arrange(db));
    await db.query('analyze');
    await db.end();
    const sink = await startTarget('smtp-sink.js', []);
    const delivered = async () => (await sink.ask<{ toBench: number }>('count')).toBench;
    try {
      // The relay must have received exactly what each side counts as sent, window by window.
      // Both sides are timed from their process's start to their last digest sent: the process
      // starting, connecting, finding its members (the rule's evaluation; the loop's queue) and
      // sending. Every window is a cold process on both sides: no warm-up on either.
      const loopWindow = async ({ themeSlug }: Arranged): Promise<number> => {
        const before = await delivered();
        const forked = performance.now();
        const loop = await startTarget('digest-loop.js', [ctx.databaseUrl, ctx.jwtSecret, sink.url, themeSlug, String(BASELINE_LOOPS)]);
        const { sent: loopSent } = await loop.ask<{ sent: number }>('run');
        const seconds = (performance.now() - forked) / 1000;
        await loop.stop();
        const received = (await delivered()) - before;
        if (loopSent !== MEMBERS || received !== MEMBERS)
          throw new Error(`P5 baseline: ${loopSent} sent, ${received} received by the relay, ${MEMBERS} expected`);
        return seconds;
      };
      const hearthWindow = async ({ ruleId }: Arranged): Promise<number> => {
        const before = await delivered();
        const seconds = await throughWorker(ctx, sink.url, ruleId, async () => (await delivered()) - before);
        const check = new Client({ connectionString: ctx.databaseUrl });
        await check.connect();
        const hearthSent = await sent(check, ruleId);
        await check.end();
        const received = (await delivered()) - before;
        if (received !== hearthSent || hearthSent !== MEMBERS)
          throw new Error(`P5 Hearth: ${hearthSent} SENT, ${received} received by the relay, ${MEMBERS} expected`);
        return seconds;
      };
      const side = (name: string, window: (set: Arranged) => Promise<number>): Side<number> => ({
        name,
        warmUp: async () => undefined,
        window: () => window(sets.pop()!),
      });
      const [loopWindows, hearthWindows] = await alternate([side('SKIP LOCKED loop', loopWindow), side('Hearth', hearthWindow)]);
      const [baselineSeconds, agendaSeconds] = [median(loopWindows), median(hearthWindows)];
      const ratio = baselineSeconds / agendaSeconds;
      const measure = `s for ${MEMBERS} digests (median of ${WINDOWS} windows)`;
      return [
        {
          workload: this.name,
          measure,
          hearth: agendaSeconds,
          baseline: baselineSeconds,
          baselineName: 'SKIP LOCKED loop',
          ratio: 40 / agendaSeconds,
          target: '< 40 s',
          targetRatio: 1,
          windows: { hearth: hearthWindows, baseline: loopWindows },
        },
        {
          workload: this.name,
          measure: 'digests/s',
          hearth: MEMBERS / agendaSeconds,
          baseline: MEMBERS / baselineSeconds,
          baselineName: 'SKIP LOCKED loop',
          ratio,
          target: '≥ 0.8× SKIP LOCKED loop',
          targetRatio: 0.8,
          windows: perWindow(hearthWindows, loopWindows, (seconds) => MEMBERS / seconds),
        },
      ];
    } finally {
      await sink.stop();
    }
  },
};
