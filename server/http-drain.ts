import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long a stopping server lets in-flight requests finish before closing their connections. */
export const DRAIN_GRACE_MS = 5_000;

/**
 * How long a stopping server keeps a keep-alive connection open once it has no request in
 * progress: a request its client sent before seeing the stop is answered (with `connection: close`)
 * instead of dropped unanswered.
 */
export const DRAIN_IDLE_MS = 1_000;

/** How often a stopping server looks for connections idle long enough to close. */
const SWEEP_MS = 50;

interface Connection {
  /** Requests received and not yet answered (more than one when a client pipelines). */
  active: number;
  /** When its last answer went out, or it connected (performance.now()). */
  idleSince: number;
  /** Taken over by the WebSocket server, which closes it itself (1001). */
  upgraded: boolean;
  /** Answers in progress, so a stop can still mark those not yet started `connection: close`. */
  responses: Set<ServerResponse>;
}

/**
 * http.Server's `close()` without its first step, closing every connection with no request in
 * progress (a request already sent on one included): HttpDrain closes those itself, once idle.
 * Its other step is kept: stopping the interval (connectionsCheckingInterval, unref'd) with
 * which a listening http.Server checks its connections' timeouts. net.Server's close alone left
 * that interval running after the stop, every 30 s for the life of the process, and with it the
 * server, its listeners and so the whole application: in a test process, every stopped server.
 */
function closeKeepingIdleConnections(server: Server, onClose: () => void): void {
  server.closeIdleConnections = () => {};
  try {
    server.close(onClose);
  } finally {
    // The prototype's method again.
    Reflect.deleteProperty(server, 'closeIdleConnections');
  }
}

/**
 * Stops an HTTP server without dropping a request a client has already sent.
 *
 * Node's `server.close()` (and Apollo's drain plugin on top of it) closes every keep-alive
 * connection that has no request in progress at once. A request its client wrote just before
 * (a proxy or app that has not yet read the server's FIN) then gets no answer at all: under
 * load the `sigterm` drill saw a third of its in-flight requests end that way. So the stop
 * here:
 * - stops accepting connections;
 * - answers every request that arrives on an open connection, with `connection: close` so its
 *   client opens its next one elsewhere;
 * - closes a connection once it has had nothing in progress for `idleMs`;
 * - after `graceMs`, closes every connection still open, requests in progress included.
 * WebSocket connections are the WebSocket server's to close (with 1001); after `graceMs` they are
 * closed here too.
 */
export class HttpDrain {
  private readonly connections = new Map<Socket, Connection>();
  private draining = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    private readonly options: { graceMs: number; idleMs: number } = { graceMs: DRAIN_GRACE_MS, idleMs: DRAIN_IDLE_MS },
  ) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, idleSince: performance.now(), upgraded: false, responses: new Set() });
      socket.once('close', () => this.connections.delete(socket));
    });
    // Registered before the application's listener, so the header is set before any answer is written.
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const connection = this.connections.get(req.socket);
      if (this.draining) res.setHeader('connection', 'close');
      if (!connection) return;
      connection.active++;
      connection.responses.add(res);
      res.once('close', () => {
        connection.active--;
        connection.responses.delete(res);
        connection.idleSince = performance.now();
      });
    });
    server.on('upgrade', (req: IncomingMessage) => {
      const connection = this.connections.get(req.socket);
      if (connection) connection.upgraded = true;
    });
  }

  /** Resolves once every connection is closed (requests answered, idle ones closed, or the grace over). */
  stop(): Promise<void> {
    return (this.stopping ??= this.drain());
  }

  private async drain(): Promise<void> {
    this.draining = true;
    // An answer under way whose head is not written yet closes its connection after it.
    for (const connection of this.connections.values())
      for (const res of connection.responses) if (!res.headersSent) res.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => closeKeepingIdleConnections(this.server, () => resolve()));
    const closeIdle = () => {
      const now = performance.now();
      for (const [socket, connection] of this.connections)
        if (!connection.upgraded && connection.active === 0 && now - connection.idleSince >= this.options.idleMs) socket.end();
    };
    closeIdle();
    const sweep = setInterval(closeIdle, SWEEP_MS);
    const grace = setTimeout(() => {
      for (const socket of this.connections.keys()) socket.end();
      setImmediate(() => {
        for (const socket of this.connections.keys()) socket.destroy();
      });
    }, this.options.graceMs);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(grace);
    }
  }
}
