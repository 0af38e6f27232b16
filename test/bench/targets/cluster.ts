import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';

/**
 * Child process (arguments: a target file of this folder, then its own arguments): BENCH_PROCESSES
 * copies of that HTTP server sharing one port through node:cluster, as WEB_CONCURRENCY runs
 * Hearth's API (server/cluster.ts). Reports the shared URL once every copy serves, and stops them
 * all on the parent's message. Hearth and the baselines it is compared with run the same count.
 */
async function main(): Promise<void> {
  const [file, ...args] = process.argv.slice(2);
  const count = Number(process.env.BENCH_PROCESSES);
  cluster.setupPrimary({ exec: path.join(__dirname, file), args });
  const workers: Worker[] = [];
  const start = (): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const worker = cluster.fork();
      workers.push(worker);
      worker.once('message', (message: { url: string }) => resolve(message.url));
      worker.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    });
  // The first copy alone (what a target sets up in the database, it sets up once), then the others.
  const first = await start();
  const urls = [first, ...(await Promise.all(Array.from({ length: count - 1 }, start)))];
  if (new Set(urls).size !== 1) throw new Error(`${file}: the copies listen on different URLs: ${urls.join(', ')}`);
  process.send!({ url: urls[0] });
  process.once('message', () => {
    const exits = workers.map((worker) => new Promise((resolve) => (worker.isDead() ? resolve(null) : worker.once('exit', resolve))));
    for (const worker of workers) if (!worker.isDead()) worker.send('stop');
    void Promise.all(exits).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
