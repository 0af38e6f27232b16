import { Redis } from 'ioredis';
import WebSocket from 'ws';

/** What the parent asks a fleet for (fleet.ts runs in a process of its own: neither the server's nor the orchestrator's event loop). */
export interface FleetSpec {
  wsUrl: string;
  redisUrl: string;
  size: number;
  /** Socket i connects as authorizations[i mod length]. */
  authorizations: string[];
  query: string;
  variables?: Record<string, unknown>;
}

export type FleetCommand = { event: { channel: string; message: string; expectId: string } } | 'close';

export interface Delivery {
  /** Each socket's delivery time, ms after the publish, sorted. */
  times: number[];
  errors: number;
  firstError?: string;
}

/**
 * Child process: N graphql-transport-ws clients on plain `ws` sockets (the same cheap client for
 * every side), connected in batches, and the publisher of each event, so that delivery is timed
 * from the publish to each frame on one clock. Every frame is checked: an `error` message, a
 * `next` with GraphQL errors or about another item counts as an error.
 */
async function main(spec: FleetSpec): Promise<void> {
  const sockets: WebSocket[] = [];
  let waiting: { since: number; expectId: string; times: number[]; errors: number; firstError?: string; done: () => void } | null = null;
  const record = (problem?: string) => {
    if (!waiting) return;
    waiting.times.push(performance.now() - waiting.since);
    if (problem) {
      waiting.errors++;
      waiting.firstError ??= problem;
    }
    if (waiting.times.length === spec.size) waiting.done();
  };
  const open = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(spec.wsUrl, 'graphql-transport-ws');
      sockets.push(socket);
      socket.on('open', () =>
        socket.send(
          JSON.stringify({ type: 'connection_init', payload: { authorization: spec.authorizations[i % spec.authorizations.length] } }),
        ),
      );
      socket.on('error', reject);
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          type: string;
          payload?: { data?: Record<string, { id?: string } | null>; errors?: unknown };
        };
        if (message.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: spec.query, variables: spec.variables } }));
          resolve();
        } else if (message.type === 'next') {
          const errors = message.payload?.errors;
          const id = Object.values(message.payload?.data ?? {})[0]?.id;
          record(
            errors
              ? `errors: ${JSON.stringify(errors).slice(0, 300)}`
              : id !== waiting?.expectId
                ? `frame about ${id}, not ${waiting?.expectId}`
                : undefined,
          );
        } else if (message.type === 'error' || message.type === 'complete')
          record(`${message.type}: ${JSON.stringify(message.payload).slice(0, 300)}`);
      });
    });
  for (let i = 0; i < spec.size; i += 250) await Promise.all(Array.from({ length: Math.min(250, spec.size - i) }, (_, j) => open(i + j)));
  const redis = new Redis(spec.redisUrl);
  process.send!('ready');
  process.on('message', (command: FleetCommand) => {
    if (command === 'close') {
      sockets.forEach((socket) => socket.terminate());
      void redis.quit().then(() => process.exit(0));
      return;
    }
    const { channel, message, expectId } = command.event;
    const current = {
      since: performance.now(),
      expectId,
      times: [] as number[],
      errors: 0,
      firstError: undefined as string | undefined,
      done: () => undefined as void,
    };
    current.done = () => {
      waiting = null;
      process.send!({
        times: current.times.sort((a, b) => a - b),
        errors: current.errors,
        firstError: current.firstError,
      } satisfies Delivery);
    };
    waiting = current;
    void redis.publish(channel, message);
  });
}

process.once('message', (spec: FleetSpec) => {
  main(spec).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
