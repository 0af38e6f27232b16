import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../process';
import { freeLoopbackPort } from '../redis-server';
import type { OwnPostgres } from './cluster';
import { gql, readyProbe, Resources, seconds, sleep, until } from './hearth';
import type { DrillResult } from './run';

/** The environment of someone who just cloned Hearth: no DATABASE_URL, no Redis, no SMTP. */
function newcomerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'NODE_ENV', 'JWT_SECRET', 'HEARTH_WORKER_IN_PROCESS', 'HEARTH_SEED_DEMO'])
    delete env[name];
  return env;
}

/**
 * `npm start` as a newcomer runs it (the embedded PostgreSQL, the demo community, the worker in
 * process): its PostgreSQL killed (SIGKILL) comes back by itself and so does the API; then SIGTERM
 * to npm alone reaches node, which stops with one line and exit 0, no error.
 */
export async function npmStartDrill(_cluster: OwnPostgres, resources: Resources): Promise<DrillResult> {
  const folder = resources.folder('hearth-drill-npm-start-');
  const [port, postgresPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: newcomerEnv({ PORT: String(port), EMBEDDED_POSTGRES_PORT: String(postgresPort), HEARTH_DATA_DIR: folder, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout.on('data', (chunk) => (output += chunk));
  npm.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    npm.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  resources.add(npm, (child) => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'));
  await until(
    'npm start to print its banner',
    () => output.includes('Hearth is running'),
    180_000,
    () => output.slice(-2_000),
  );
  const origin = `http://localhost:${port}`;

  const postmaster = Number(readFileSync(path.join(folder, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  try {
    process.kill(postmaster, 'SIGKILL');
  } catch {
    return { ok: false, figures: `no embedded PostgreSQL process ${postmaster} to kill` };
  }
  const killedAt = Date.now();
  await until('the embedded PostgreSQL and the API to answer again', async () => (await readyProbe(origin)).status === 200, 30_000).catch(
    () => undefined,
  );
  const recovered = Date.now() - killedAt;
  const password = /password "([^"]+)"/.exec(output)?.[1] ?? '';
  const login = await gql(origin, `mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }`, {
    input: { email: 'admin@demo.hearth.dev', password },
  });
  await sleep(1_000);

  const before = output.length;
  process.kill(npm.pid!, 'SIGTERM');
  const signalledAt = Date.now();
  const exit = await Promise.race([exited, sleep(15_000).then(() => null)]);
  const after = output.slice(before).trim().split('\n').filter(Boolean);
  const problems = after.filter((line) => !line.startsWith('{') || JSON.parse(line).level >= 40);
  const exitMs = exit ? exit.at - signalledAt : null;
  return {
    ok:
      login.code === null &&
      recovered < 10_000 &&
      exit?.code === 0 &&
      exitMs! < 10_000 &&
      problems.length === 0 &&
      after.some((line) => /shutting down/.test(line)),
    figures:
      `embedded PostgreSQL SIGKILLed: restarted and the API answering again after ${seconds(recovered)}, demo login ${login.code ?? 'ok'}; ` +
      `SIGTERM to npm: exit ${exit ? `${exit.code} after ${seconds(exitMs!)}` : 'NONE within 15 s'}, ${after.length} line(s) after the signal, ${problems.length} warnings or errors`,
  };
}
