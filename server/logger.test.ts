import { spawn } from 'node:child_process';
import path from 'node:path';

type Line = { msg: string; n?: number } & Record<string, unknown>;

/**
 * createLogger in a process of its own (Node runs server/logger.ts, its types stripped), running
 * `script` with `logger` in scope, its standard output a pipe to this process.
 */
function loggerProcess(script: string, env: NodeJS.ProcessEnv = {}) {
  const module = path.join(__dirname, 'logger.ts');
  return spawn(
    process.execPath,
    [
      '--no-warnings',
      '-e',
      `import(${JSON.stringify(module)}).then(({ createLogger }) => { const logger = createLogger('info'); ${script} })`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } },
  );
}

/** loggerProcess run to its end: each line it wrote to standard output, how long after the start each arrived, and the exit code. */
function loggingProcess(
  script: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ lines: Line[]; text: string; arrivedMs: number[]; code: number | null }> {
  const child = loggerProcess(script, env);
  const started = performance.now();
  let text = '';
  const arrivedMs: number[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    text += chunk;
    for (let i = arrivedMs.length; i < text.split('\n').length - 1; i++) arrivedMs.push(performance.now() - started);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const lines = text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Line);
      resolve({ lines, text, arrivedMs, code });
    });
  });
}

describe('createLogger', () => {
  // Lines are written a chunk at a time: a line logged by a process that then goes quiet still
  // reaches standard output within a quarter of a second, not when the process ends 4 s later.
  it('writes a line of a quiet process while it runs', async () => {
    const { lines, arrivedMs, code } = await loggingProcess(`logger.info('listening'); setTimeout(() => process.exit(0), 4000);`);
    expect(lines.map((line) => line.msg)).toEqual(['listening']);
    expect(arrivedMs[0]).toBeLessThan(2500);
    expect(code).toBe(0);
  });

  // What is still buffered when the process exits is written by the logger's exit handler.
  it('loses no line when the process exits right after logging', async () => {
    const { lines, code } = await loggingProcess(`for (let n = 0; n < 2000; n++) logger.info({ n }, 'line'); process.exit(0);`);
    expect(code).toBe(0);
    expect(lines.map((line) => line.n)).toEqual(Array.from({ length: 2000 }, (_, n) => n));
  });

  it('loses no line when the process ends on an uncaught error', async () => {
    const { lines, code } = await loggingProcess(`for (let n = 0; n < 500; n++) logger.info({ n }, 'line'); throw new Error('boom');`);
    expect(code).toBe(1);
    expect(lines.map((line) => line.n)).toEqual(Array.from({ length: 500 }, (_, n) => n));
  });

  // libuv's threads also hash passwords (argon2, schema/identity/password.ts): during a burst of
  // logins a line written on one of them waits its turn, and the process may end first. Here the
  // only thread is busy for longer than the process lives.
  it('loses no line and keeps their order when the process ends while the thread pool is busy', async () => {
    const { lines, code } = await loggingProcess(
      `require('node:crypto').pbkdf2('password', 'salt', 2e6, 64, 'sha512', () => {});
      for (let n = 0; n < 500; n++) logger.info({ n }, 'line');
      throw new Error('boom');`,
      { UV_THREADPOOL_SIZE: '1' },
    );
    expect(code).toBe(1);
    expect(lines.map((line) => line.n)).toEqual(Array.from({ length: 500 }, (_, n) => n));
  });

  // A log shipper restarted, `| head`: whoever read standard output is gone. sonic-boom's flushSync
  // sleeps and writes again on any error, a broken pipe too, so the exit flush never ended.
  it('exits when whoever read its standard output has gone', async () => {
    const child = loggerProcess(`logger.info('first'); setTimeout(() => { logger.info('after the reader left'); process.exit(0); }, 500);`);
    child.stdout.once('data', () => child.stdout.destroy());
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 4000).unref());
    const outcome = await Promise.race([exited, hung]);
    child.kill('SIGKILL');
    expect(outcome).toBe(0);
  });

  // Secrets are censored by key, at the top of a line's fields or one level down, in a child
  // logger's bindings too, and in an error logged with a secret property; nothing else changes.
  it('never writes a password, token or authorization header', async () => {
    const { lines, text, code } = await loggingProcess(`
      logger.info({ password: 'secret-1', input: { token: 'secret-2', name: 'kept' }, authorization: 'Bearer secret-3', n: 1 }, 'fields');
      logger.error({ err: Object.assign(new Error('boom'), { refreshToken: 'secret-4', code: 'E_BOOM' }) }, 'failed');
      logger.child({ token: 'secret-5', requestId: 'r1' }).info({ list: [1, 2], bytes: Buffer.from('ab') }, 'child');
      logger.child({ requestId: 'r2' }).child({ authorization: 'secret-6' }).info('grandchild');
      logger.info({ operation: 'POST /views', memberId: null, ms: 3 }, 'operation');
      process.exit(0);`);
    expect(code).toBe(0);
    expect(text).not.toMatch(/secret-\d/);
    const [fields, failed, child, grandchild, operation] = lines;
    expect(fields).toMatchObject({
      password: '[redacted]',
      input: { token: '[redacted]', name: 'kept' },
      authorization: '[redacted]',
      n: 1,
    });
    expect(failed).toMatchObject({ msg: 'failed', err: { type: 'Error', message: 'boom', code: 'E_BOOM', refreshToken: '[redacted]' } });
    expect((failed.err as { stack: string }).stack).toContain('Error: boom');
    expect(child).toMatchObject({
      msg: 'child',
      token: '[redacted]',
      requestId: 'r1',
      list: [1, 2],
      bytes: { type: 'Buffer', data: [97, 98] },
    });
    expect(grandchild).toMatchObject({ msg: 'grandchild', requestId: 'r2', authorization: '[redacted]' });
    expect(operation).toEqual({
      level: 30,
      time: expect.any(Number),
      service: 'hearth',
      operation: 'POST /views',
      memberId: null,
      ms: 3,
      msg: 'operation',
    });
  });
});
