// `npm test`: jest and the static checks (typecheck, lint, format:check) side by side, so the checks
// can use whatever cores jest leaves idle while its suites wait on PostgreSQL, Chromium, child
// processes and timers (on two cores, with jest's CPU as it is now, that gain is within the
// machine's run-to-run noise). Jest's output streams as it runs; each check's output is printed
// whole when it ends. Arguments go to jest (`npm test -- schema/content`). Any failure fails the run.
import { spawn } from 'node:child_process';

const checks = ['typecheck', 'lint', 'format:check'];

function run(name, args, { buffered }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', '--silent', name, ...args], { stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (buffered) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = code === 0 ? 'ok' : `FAILED (${signal ?? `exit ${code}`})`;
      if (buffered) process.stdout.write(`\n> ${name}: ${status} in ${seconds} s\n${output}`);
      resolve({ name, status, seconds });
    });
  });
}

const results = await Promise.all([
  run('jest', process.argv.slice(2).length ? ['--', ...process.argv.slice(2)] : [], { buffered: false }),
  ...checks.map((name) => run(name, [], { buffered: true })),
]);
process.stdout.write(`\n${results.map(({ name, status, seconds }) => `> ${name}: ${status} in ${seconds} s`).join('\n')}\n`);
process.exit(results.every(({ status }) => status === 'ok') ? 0 : 1);
