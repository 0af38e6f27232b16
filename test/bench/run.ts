import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../../server/clock';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded';
import { migrateToLatest, openOrm } from '../../server/db/orm';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessTokens } from '../../server/access-token';
import { Member, Role } from '../../schema/identity/member.entity';
import { seedDemoCommunity } from '../../seed/demo-community';
import { databaseUrl, withAdminClient } from '../db';
import { cpuTimes, hostNote, probeMs, stolenShare, type HostReading } from './host-cpu';
import { appendResults, CHART_FILE, printRows, writeChart, type BenchRow } from './report';
import { feedWorkload } from './workloads/feed';
import { meWorkload } from './workloads/me';
import { broadcastWorkload } from './workloads/broadcast';
import { ingestWorkload } from './workloads/ingest';
import { kpiWorkload } from './workloads/kpi';
import { digestsWorkload } from './workloads/digests';
import { liveJoinWorkload } from './workloads/live-join';
import { adminConsoleWorkload } from './workloads/admin-console';
import { searchWorkload } from './workloads/search';
import { IDENTITIES } from './identities';
import { FIRST_WARM_UP_SECONDS, HTTP_PROCESSES, WINDOWS } from './load';

export interface Identity {
  memberId: string;
  token: string;
}

export interface BenchContext {
  databaseUrl: string;
  jwtSecret: string;
  memberId: string;
  memberToken: string;
  /** IDENTITIES distinct members with tokens issued now (they last 15 minutes: ask again per workload). */
  identities(): Promise<Identity[]>;
  seconds: number;
  /** A published item, and the `data` a contentPublished subscriber of P2 receives for it. */
  contentId: string;
  contentFrame: object;
}

export interface Workload {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export { IDENTITIES };

/** Every workload, in order: one line to register a new one. */
const WORKLOADS: Workload[] = [
  meWorkload,
  feedWorkload,
  broadcastWorkload,
  ingestWorkload,
  kpiWorkload,
  digestsWorkload,
  liveJoinWorkload,
  adminConsoleWorkload,
  searchWorkload,
];

async function prepareDatabase(): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  let adminUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ folder: path.resolve('.hearth/bench'), port: 54339, logger: pino({ level: 'silent' }) });
    adminUrl = embedded.url;
  }
  const name = process.env.BENCH_DATABASE ?? 'hearth_bench';
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  });
  return { url: databaseUrl(adminUrl, name), embedded };
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  // `npm run bench -- P1` runs the workloads whose name starts with P1 (several: `-- P1 P2`).
  const only = process.argv.slice(2);
  const database = await prepareDatabase();
  const orm = await openOrm(database.url);
  await migrateToLatest(orm);
  const em = orm.em.fork() as EntityManager;
  // The server's settings go into the record: absolute figures (P4, P5, P-search) depend on them.
  const [server] = await em.execute<{ version: string; shared_buffers: string; work_mem: string; jit: string; autovacuum: string }[]>(
    `select current_setting('server_version') as version, current_setting('shared_buffers') as shared_buffers,
            current_setting('work_mem') as work_mem, current_setting('jit') as jit, current_setting('autovacuum') as autovacuum`,
  );
  const settings =
    `PostgreSQL ${server.version} (shared_buffers ${server.shared_buffers}, work_mem ${server.work_mem}, autovacuum ${server.autovacuum}, server jit ${server.jit}; ` +
    `Hearth's connections run with jit off); BENCH_SECONDS=${seconds}, warm-up ${FIRST_WARM_UP_SECONDS} s, ${WINDOWS} windows per side; ` +
    `${HTTP_PROCESSES} process(es) per HTTP server for W1, P1 and P6, Hearth and baselines alike (P2, P3, P4, P-search, A1: one).`;
  await seedDemoCommunity(em, { members: 1000, days: 60, seed: 7, now: new Date() });
  // The seed's writes reach the disk now, not in a background checkpoint spread over the first
  // workloads' windows (P-search measured right after a seed ran its one-word searches 2x slower).
  await em.execute('checkpoint');
  const members = await em.find(Member, { role: Role.MEMBER }, { orderBy: { email: 'asc' }, limit: IDENTITIES });
  const member = members[0];
  const [content] = await em.execute<{ id: string; frame: object }[]>(
    `select c.id, json_build_object('data', json_build_object('contentPublished', json_build_object(
       'id', c.id, 'title', c.title,
       'themes', (select json_agg(json_build_object('slug', t.slug, 'name', t.name) order by t.name) from content_theme ct join theme t on t.id = ct.theme_id where ct.content_id = c.id),
       'author', json_build_object('id', m.id, 'displayName', m.display_name)))) as frame
       from content c join member m on m.id = c.author_id where c.status = 'PUBLISHED' order by c.published_at desc limit 1`,
  );
  await orm.close();

  const jwtSecret = randomBytes(32).toString('hex');
  const accessTokens = new AccessTokens(jwtSecret, systemClock);
  const { token } = await accessTokens.issue(member.id);
  const identities = async () =>
    Promise.all(members.map(async ({ id }) => ({ memberId: id, token: (await accessTokens.issue(id)).token })));
  const ctx: BenchContext = {
    databaseUrl: database.url,
    jwtSecret,
    memberId: member.id,
    memberToken: token,
    identities,
    seconds,
    contentId: content.id,
    contentFrame: content.frame,
  };
  const rows: BenchRow[] = [];
  const host: HostReading[] = [];
  const runStarted = cpuTimes();
  for (const workload of WORKLOADS.filter((w) => only.length === 0 || only.some((prefix) => w.name.startsWith(prefix)))) {
    console.log(`running ${workload.name} (${seconds} s per side)…`);
    // The previous workload's writes (P3's views, P5's digests) reach the disk now, not in a
    // background checkpoint spread over this one's windows: P-search two words read 0.76x after
    // the whole bench and 0.87x alone.
    await withAdminClient(database.url, (client) => client.query('checkpoint'));
    const probe = probeMs();
    const started = cpuTimes();
    rows.push(...(await workload.run(ctx)));
    host.push({ name: workload.name, stolen: stolenShare(started, cpuTimes()), probeMs: probe });
  }
  printRows(rows);
  const hostText = hostNote(host, stolenShare(runStarted, cpuTimes()));
  if (hostText) console.log(hostText);
  appendResults(rows, hostText ? [settings, hostText] : [settings]);
  // The chart README links is of a whole run: a run of some workloads leaves it as it is.
  if (only.length === 0) writeChart(rows, `npm run bench, ${new Date().toISOString().slice(0, 16)} UTC`);
  else console.log(`${path.relative(process.cwd(), CHART_FILE)} left as it was: it charts whole runs only`);
  await database.embedded?.stop();
}

// Exit once the results are written: a pool or timer a workload left open must not keep the run alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
