import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** How long a closing connection may take to say goodbye before it is cut. */
const QUIT_TIMEOUT_MS = 1_000;

/**
 * The Redis connections of one process and whether Redis is reachable. Every connection gets its
 * `'error'` listener here (without one, ioredis prints "Unhandled error event" for every failed
 * reconnection). An outage is logged once when the first connection drops and once when every
 * connection is back, whatever the number of connections and requests in between.
 */
export class RedisConnections {
  private readonly clients = new Set<Redis>();
  private readonly down = new Set<Redis>();
  private readonly wasReady = new WeakSet<Redis>();
  private outageSince: number | null = null;
  private closing = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  /** A new connection, tracked from its first `connect`. */
  open(role: string, options: RedisOptions = {}): Redis {
    const client = new Redis(this.url, { connectionName: `hearth:${role}`, ...options });
    this.clients.add(client);
    this.down.add(client);
    client.on('ready', () => this.markUp(client));
    client.on('close', () => this.markDown(client, null));
    client.on('error', (err: Error) => this.markDown(client, err));
    return client;
  }

  /** Whether every connection is connected and ready. */
  get available(): boolean {
    return this.down.size === 0;
  }

  /**
   * Resolves once every connection is ready, or after `timeoutMs` (then Hearth starts degraded and
   * the connections keep trying): a start right before Redis comes up must not refuse the first subscriptions.
   */
  async whenReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.available && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.available;
  }

  /** Quits every connection; one whose Redis is gone is cut at once rather than waited for. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.clients].map((client) => quitOrCut(client)));
    this.clients.clear();
  }

  /** A connection lost (`close`), or one that could not connect (`error`; a close before any ready says nothing new). */
  private markDown(client: Redis, err: Error | null): void {
    if (this.closing || !this.clients.has(client)) return;
    this.down.add(client);
    if (this.outageSince !== null || (err === null && !this.wasReady.has(client))) return;
    this.outageSince = Date.now();
    this.logger.warn(
      { err },
      'Redis is unavailable: rate limits count per process and realtime subscriptions end (SERVICE_UNAVAILABLE) until it is back',
    );
  }

  private markUp(client: Redis): void {
    this.wasReady.add(client);
    this.down.delete(client);
    if (this.down.size > 0 || this.outageSince === null) return;
    this.logger.info({ downSeconds: Math.round((Date.now() - this.outageSince) / 100) / 10 }, 'Redis is back');
    this.outageSince = null;
  }
}

async function quitOrCut(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  const timer = setTimeout(() => client.disconnect(), QUIT_TIMEOUT_MS);
  try {
    await client.quit();
  } catch {
    client.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
