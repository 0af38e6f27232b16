import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The project root, from the sources (jest) as from their build (dist/test, the drills). */
function projectRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) if (existsSync(path.join(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${from}`);
}

export const ROOT = projectRoot(__dirname);

/** A Hearth entry point (dist/server/*.js, built by the jest global setup or `npm run drills`) running as a real process. */
export interface HearthProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Its JSON log lines so far (stdout), parsed. */
  logs(): Record<string, any>[];
  /** Resolves with the exit code (null when killed by a signal) and the time from `since` to the exit. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL to the process group, if it still runs (cleanup). */
  kill(): Promise<void>;
}

/**
 * Starts `node <script>` in its own process group with exactly `env` (plus PATH), as an operator
 * would; stdout and stderr are kept.
 */
export function startProcess(script: string, env: Record<string, string | undefined>): HearthProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    pid: child.pid!,
    output: () => output,
    logs: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, any>),
    exited: () => exit,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exit;
    },
  };
}

/** The HTTP origin an API process printed in its banner (it listens on PORT=0 in tests). */
export async function apiOrigin(api: HearthProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = /GraphQL \(Apollo Sandbox in a browser\): (http:\/\/localhost:\d+)\/graphql/.exec(api.output());
    if (found) return found[1];
    if (api.child.exitCode !== null) throw new Error(`the API exited before listening:\n${api.output()}`);
    if (Date.now() > deadline) throw new Error(`the API did not start within ${timeoutMs} ms:\n${api.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
