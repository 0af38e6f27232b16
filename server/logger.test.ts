import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * createLogger in a process of its own (Node runs server/logger.ts, its types stripped), running
 * `script` with `logger` in scope: each line the process wrote to standard output, how long after
 * the start each arrived, and the exit code.
 */
function loggingProcess(script: string): Promise<{ lines: { msg: string; n?: number }[]; arrivedMs: number[]; code: number | null }> {
  const module = path.join(__dirname, 'logger.ts');
  const child = spawn(
    process.execPath,
    [
      '--no-warnings',
      '-e',
      `import(${JSON.stringify(module)}).then(({ createLogger }) => { const logger = createLogger('info'); ${script} })`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
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
        .map((line) => JSON.parse(line) as { msg: string; n?: number });
      resolve({ lines, arrivedMs, code });
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

  // What is still buffered when the process exits is written by pino's exit handler.
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
});
