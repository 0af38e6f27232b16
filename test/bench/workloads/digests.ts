import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import pino from 'pino';
import { renderDigestEmail } from '../../../emails/render';
import { selectDigestContent } from '../../../schema/engagement/digest-content';
import { EmailLinks } from '../../../schema/engagement/email-links';
import { parseEnv } from '../../../server/env';
import { openOrm } from '../../../server/db/orm';
import { SmtpMailer } from '../../../server/mailer';
import { copyRows } from '../../../seed/copy';
import { uuidArray } from '../../../server/db/sql';
import { startWorker } from '../../../server/worker';
import { startTarget } from '../load';
import type { BenchRow } from '../report';
import { BENCH_LIVEKIT_ENV } from '../bench-env';
import type { BenchContext, Workload } from '../run';

const MEMBERS = Number(process.env.BENCH_P5_MEMBERS ?? 10_000);
const DAY = 86_400_000;
/** Parallel sends in the baseline: as many as the worker's (4 jobs x 8 sends). */
const BASELINE_LOOPS = 32;

/** MEMBERS members away for 10 days, interested in a theme with 8 recent items; one INACTIVITY rule for them. */
async function arrange(db: Client): Promise<{ ruleId: string; themeSlug: string }> {
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
  await copyRows(db, 'member', ['id', 'email', 'password_hash', 'display_name', 'role', 'membership', 'created_at', 'last_visit_at', 'digest_emails'],
    ids.map((id, i) => [id, `p5-${i}-${id.slice(0, 6)}@bench.test`, 'x', `P5 Member ${i}`, 'MEMBER', 'FREE', away, away, true]));
  await copyRows(db, 'member_interest', ['member_id', 'theme_id', 'created_at'], ids.map((id) => [id, themeId, away]));
  const ruleId = randomUUID();
  await db.query(
    `insert into engagement_rule (id, name, trigger, inactivity_days, every_days, min_unseen, max_items, audience_roles, audience_themes,
       audience_memberships, holdout_percent, enabled, created_by_id, created_at, updated_at)
     values ($1, 'P5', 'INACTIVITY', 7, 10, 3, 6, '{}', $2, '{}', 0, false, $3, now(), now())`,
    [ruleId, [themeSlug], author.id],
  );
  await db.query('analyze');
  return { ruleId, themeSlug };
}

/** The baseline: a queue table drained with SELECT … FOR UPDATE SKIP LOCKED, doing the same select+render+send. */
async function baseline(ctx: BenchContext, smtpUrl: string, themeSlug: string): Promise<number> {
  const orm = await openOrm(ctx.databaseUrl, { pool: { min: 0, max: BASELINE_LOOPS + 2 } });
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  await db.query('create table if not exists p5_queue (member_id uuid primary key, done boolean not null default false)');
  await db.query('truncate p5_queue');
  await db.query(
    `insert into p5_queue (member_id) select mi.member_id from member_interest mi join theme t on t.id = mi.theme_id where t.slug = $1`,
    [themeSlug],
  );
  const mailer = new SmtpMailer(smtpUrl);
  const links = new EmailLinks(ctx.jwtSecret, 'https://community.example.test');
  const started = performance.now();
  const loop = async () => {
    const em = orm.em.fork() as EntityManager;
    for (;;) {
      const more = await em.transactional(async (tx) => {
        const [job] = await tx.execute<{ member_id: string }[]>('select member_id from p5_queue where not done limit 1 for update skip locked');
        if (!job) return false;
        const now = new Date();
        const { hot, cold } = await selectDigestContent(tx, job.member_id, 6, now);
        const items = await tx.execute<{ id: string; title: string; summary: string | null; published_at: Date }[]>('select id, title, summary, published_at from content where id = any(?::uuid[])', [uuidArray([...hot, ...cold])]);
        const [member] = await tx.execute<{ email: string; display_name: string }[]>('select email, display_name from member where id = ?', [job.member_id]);
        const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
        const toItem = (item: (typeof items)[number]) => ({ title: item.title, type: 'ARTICLE', themes: ['P5 digests'], summary: item.summary, publishedAt: date.format(new Date(item.published_at)), url: links.clickUrl(randomUUID(), item.id) });
        const email = await renderDigestEmail({ communityName: 'Bench', memberName: member.display_name, hot: items.map(toItem), cold: [], feedUrl: links.feedUrl(), preferencesUrl: links.preferencesUrl(), unsubscribeUrl: links.unsubscribeUrl(job.member_id) });
        await mailer.send({ to: member.email, from: 'Bench <bench@example.test>', ...email });
        await tx.execute('update p5_queue set done = true where member_id = ?', [job.member_id]);
        return true;
      });
      if (!more) return;
    }
  };
  await Promise.all(Array.from({ length: BASELINE_LOOPS }, loop));
  const seconds = (performance.now() - started) / 1000;
  await mailer.close();
  await db.query('drop table p5_queue');
  await db.end();
  await orm.close();
  return seconds;
}

/** The real path: enable the rule, start the worker, time until every digest is SENT. */
async function throughAgenda(ctx: BenchContext, smtpUrl: string, ruleId: string): Promise<number> {
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  await db.query('update engagement_rule set enabled = (id = $1)', [ruleId]);
  const config = parseEnv({ NODE_ENV: 'production', JWT_SECRET: ctx.jwtSecret, DATABASE_URL: ctx.databaseUrl, SMTP_URL: smtpUrl, LOG_LEVEL: 'warn', RULES_EVERY: '1h', PUBLIC_URL: 'https://community.example.test', ...BENCH_LIVEKIT_ENV });
  const started = performance.now();
  const worker = await startWorker({ config, databaseUrl: ctx.databaseUrl, logger: pino({ level: 'warn' }), processEveryMs: 200 });
  try {
    for (;;) {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from digest where rule_id = $1 and status <> 'PENDING'`, [ruleId]);
      if (rows[0].n >= MEMBERS) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return (performance.now() - started) / 1000;
  } finally {
    await worker.stop();
    await db.end();
  }
}

/** P5: MEMBERS members eligible for one rule: evaluate, select, render and deliver to a local SMTP relay. */
export const digestsWorkload: Workload = {
  name: 'P5 digests',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    const { ruleId, themeSlug } = await arrange(db);
    await db.end();
    const sink = await startTarget('smtp-sink.js', []);
    try {
      const baselineSeconds = await baseline(ctx, sink.url, themeSlug);
      const agendaSeconds = await throughAgenda(ctx, sink.url, ruleId);
      const ratio = baselineSeconds / agendaSeconds;
      return [
        { workload: this.name, measure: `s for ${MEMBERS} digests`, hearth: agendaSeconds, baseline: baselineSeconds, baselineName: 'SKIP LOCKED loop', ratio: 40 / agendaSeconds, target: '< 40 s', targetRatio: 1 },
        { workload: this.name, measure: 'digests/s', hearth: MEMBERS / agendaSeconds, baseline: MEMBERS / baselineSeconds, baselineName: 'SKIP LOCKED loop', ratio, target: '≥ 0.8× SKIP LOCKED loop', targetRatio: 0.8 },
      ];
    } finally {
      await sink.stop();
    }
  },
};
