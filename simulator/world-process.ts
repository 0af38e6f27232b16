import { runWorld, type WorldOptions } from './world';

/**
 * One world in a process of its own (simulate.ts runs the world without the effect here while the
 * world with it runs in the parent, so the two use two cores). The parent sends the options; log
 * lines and then the result (or the error) come back over the IPC channel.
 */
type Request = Omit<WorldOptions, 'log'>;
export type WorldProcessMessage = { log: string } | { result: Awaited<ReturnType<typeof runWorld>> } | { error: string };

const send = (message: WorldProcessMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

process.once('message', (options: Request) => {
  runWorld({ ...options, log: (line) => void send({ log: line }) })
    .then((result) => send({ result }))
    .catch((error: unknown) => send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .finally(() => process.exit(0));
});
// The parent is gone: nobody will read this world's result.
process.once('disconnect', () => process.exit(1));
