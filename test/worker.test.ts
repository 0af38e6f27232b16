import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Digest, DigestStatus } from '../schema/engagement/digest.entity';
import { startWorker } from '../server/worker';
import { SmtpMailer } from '../server/mailer';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme } from './factories';
import { buildRule } from './engagement';
import { startTestServer, until, type TestServer } from './server';
import { recipientsOf, startSmtpSink, type SmtpSink } from './smtp-sink';

const ROOT = path.resolve(__dirname, '..');
let server: TestServer;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.stop());
// A database per test: Agenda's schedule lives in it.
beforeEach(async () => {
  sink.messages.length = 0;
  server = await startTestServer();
  // Real time: the worker processes below read the system clock.
  server.clock.set(new Date());
});
afterEach(() => server.stop());

/** `count` members away for 10 days, interested in a theme that has a new item, and one rule for them. */
async function awayMembers(count: number) {
  const em = server.em();
  const day = 86_400_000;
  const theme = await buildTheme(em);
  await buildContent(em, { createdAt: new Date(Date.now() - day), themes: [theme] });
  const members = [];
  for (let i = 0; i < count; i++) {
    const member = await buildMember(em, { lastVisitAt: new Date(Date.now() - 10 * day) });
    members.push(member);
  }
  await buildInterests(em, members, theme);
  const rule = await buildRule(em, (await buildAdmin(em)).id, { audienceThemes: [theme.slug], createdAt: new Date() });
  return { members, rule };
}

const sentCount = (ruleId: string) => server.em().count(Digest, { ruleId, status: DigestStatus.SENT });
const recipients = () => recipientsOf(sink);

describe('worker (Agenda on PostgreSQL)', () => {
  it('evaluates the rules on schedule and delivers the digests through send-digest jobs', async () => {
    const { members, rule } = await awayMembers(5);
    const config = { ...server.config, rulesEveryMs: 60_000, jobLockLifetimeMs: 5_000 };
    const worker = await startWorker({
      config,
      databaseUrl: server.databaseUrl,
      orm: server.hearth.deps.orm,
      mailer: new SmtpMailer(sink.url),
      processEveryMs: 100,
    });
    try {
      await until('5 digests', async () => (await sentCount(rule.id)) === 5);
    } finally {
      await worker.stop();
    }
    expect(recipients().sort()).toEqual(members.map((m) => m.email).sort());
  });

  it('a worker killed mid-batch and restarted sends every member exactly one digest', async () => {
    const { members, rule } = await awayMembers(60);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: server.databaseUrl,
      JWT_SECRET: server.config.jwtSecret,
      SMTP_URL: sink.url,
      DIGEST_BATCH_SIZE: '15',
      // Short, so the restarted worker takes the dead one's claims over soon; not so short that a
      // live worker's lease runs out while the relay talks on a machine busy with the full suite
      // (1.5 s did once: two members got their digest twice, through the window README describes).
      JOB_LOCK_LIFETIME: '6s',
      RULES_EVERY: '1h',
    };
    let stderr = '';
    const startChild = () => {
      const started = spawn(process.execPath, [path.join(ROOT, 'dist/server/worker.js')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      started.stderr!.on('data', (chunk) => (stderr += chunk));
      return started;
    };
    let child: ChildProcess = startChild();
    try {
      await until('the first digests', () => sink.messages.length >= 10).catch((error) => {
        throw new Error(`${error.message}; worker stderr: ${stderr}`);
      });
      sink.hold();
      // Killed while it waits for the relay, with every message the relay accepted recorded SENT. A
      // kill in the instant between the relay's 250 and that commit sends the digest again with the
      // same Message-ID (README): on a busy machine that instant is long enough to hit, and it is not
      // what this test is about.
      await until(
        'a worker blocked in the middle of sending',
        async () => sink.heldCount() > 0 && (await sentCount(rule.id)) === sink.messages.length,
      );
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // The dead worker never got its 250s: the relay drops those messages.
      await until('the relay to drop the dead connections', () => sink.heldCount() === 0);
      sink.release();
      const before = sink.messages.length;
      expect(before).toBeLessThan(60);
      expect(await server.em().count(Digest, { ruleId: rule.id, status: DigestStatus.PENDING })).toBeGreaterThan(0);

      child = startChild();
      await until('all 60 digests', async () => (await sentCount(rule.id)) === 60, 40_000);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
    expect(recipients().sort()).toEqual(members.map((m) => m.email).sort());
    expect(await server.em().count(Digest, { ruleId: rule.id })).toBe(60);
  }, 60_000);
});
