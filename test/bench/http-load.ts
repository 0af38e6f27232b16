import net from 'node:net';

/** What one load generates: `connections` kept-alive HTTP/1.1 connections, one request in flight on each. */
export interface HttpLoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Request n sends bodies[n mod length] (instead of `body`). */
  bodies?: string[];
  /** Request n sends authorizations[n mod length] as its Authorization header: many identities, not one hot cache. */
  authorizations?: string[];
  connections: number;
  seconds: number;
  /** A request unanswered this long counts as a timeout, and its connection is made again. */
  timeoutMs?: number;
}

export interface HttpLoadResult {
  /** Answers received within the duration, per second. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors, timeouts, non-2xx answers and bodies that are not JSON or hold GraphQL `errors`. */
  errors: number;
  firstError?: string;
}

/** The problem with an answer, if any: a status outside 2xx, a body that is not JSON, GraphQL `errors`. */
function answerProblem(status: number, body: string): string | undefined {
  if (status < 200 || status >= 300) return `HTTP ${status}: ${body.slice(0, 300)}`;
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    return parsed.errors ? `errors: ${JSON.stringify(parsed.errors).slice(0, 300)}` : undefined;
  } catch {
    return `not JSON: ${body.slice(0, 100)}`;
  }
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** One HTTP/1.1 response read off a socket's bytes: its head, then a Content-Length or chunked body. */
class ResponseReader {
  private pending: Buffer | null = null;
  private status = 0;
  /** Body bytes still expected (Content-Length), or -1 while reading chunks, or null before the head. */
  private remaining: number | null = null;
  private chunks: Buffer[] = [];
  private closeAfter = false;

  /** Feeds bytes; returns each response they complete (a connection carries one at a time, but bytes may split anywhere). */
  feed(data: Buffer, onResponse: (status: number, body: string, close: boolean) => void): void {
    this.pending = this.pending ? Buffer.concat([this.pending, data]) : data;
    for (;;) {
      if (this.remaining === null && !this.readHead()) return;
      const done = this.remaining === -1 ? this.readChunks() : this.readFixed();
      if (!done) return;
      const body = Buffer.concat(this.chunks).toString('utf8');
      const { status, closeAfter } = this;
      this.chunks = [];
      this.remaining = null;
      onResponse(status, body, closeAfter);
      if (!this.pending?.length) return;
    }
  }

  private readHead(): boolean {
    const end = this.pending!.indexOf(CRLF_CRLF);
    if (end < 0) return false;
    const lines = this.pending!.toString('latin1', 0, end).split('\r\n');
    this.pending = this.pending!.subarray(end + 4);
    this.status = Number(lines[0].split(' ', 2)[1]);
    let length = 0;
    let chunked = false;
    this.closeAfter = lines[0].startsWith('HTTP/1.0');
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i]
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.includes('chunked');
      else if (name === 'connection') this.closeAfter = value === 'close';
    }
    this.remaining = chunked ? -1 : length;
    return true;
  }

  private readFixed(): boolean {
    const take = Math.min(this.remaining!, this.pending!.length);
    if (take) this.chunks.push(this.pending!.subarray(0, take));
    this.pending = this.pending!.subarray(take);
    this.remaining! -= take;
    return this.remaining === 0;
  }

  /** Chunks up to the last one (size 0) and its trailers' end. */
  private readChunks(): boolean {
    for (;;) {
      const lineEnd = this.pending!.indexOf(CRLF);
      if (lineEnd < 0) return false;
      const size = parseInt(this.pending!.toString('latin1', 0, lineEnd), 16);
      if (size === 0) {
        const trailersEnd = this.pending!.indexOf(CRLF_CRLF, lineEnd);
        if (trailersEnd < 0) return false;
        this.pending = this.pending!.subarray(trailersEnd + 4);
        return true;
      }
      if (this.pending!.length < lineEnd + 2 + size + 2) return false;
      this.chunks.push(this.pending!.subarray(lineEnd + 2, lineEnd + 2 + size));
      this.pending = this.pending!.subarray(lineEnd + 2 + size + 2);
    }
  }
}

/** The p-th percentile (0 to 100) of sorted values. */
const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;

/**
 * HTTP load for a fixed duration: each connection sends a request, reads its answer whole, checks
 * it (answerProblem) and sends the next, request n taking the n-th identity and body in turn.
 * Each request is written as one string (its head and body), and each answer is read by a parser
 * that only finds its length: autocannon rebuilt every request through its setupRequest hook
 * (header objects merged twice, then serialized) and gathered every body for onResponse, 42 µs of
 * CPU per request against 23 µs here (one machine, the same rotation and checks). On two cores the
 * load generator's time is taken from the servers it measures, and from one side only where the
 * other is not HTTP (P3's COPY).
 */
export function generateHttpLoad(spec: HttpLoadSpec): Promise<HttpLoadResult> {
  const target = new URL(spec.url);
  const method = spec.method ?? 'POST';
  const fixedHead =
    `${method} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: keep-alive\r\n` +
    Object.entries(spec.headers ?? {})
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
  const identities = spec.authorizations?.length ? spec.authorizations : [undefined];
  const bodies = spec.bodies ?? [spec.body];
  const request = (n: number): string => {
    const authorization = identities[n % identities.length];
    const body = bodies[n % bodies.length];
    const head = authorization === undefined ? fixedHead : `${fixedHead}authorization: ${authorization}\r\n`;
    return body === undefined ? `${head}\r\n` : `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (problem: string) => {
    errors++;
    firstError ??= problem;
  };
  const deadline = performance.now() + spec.seconds * 1000;

  return new Promise((resolve) => {
    let open = spec.connections;
    /** The live connections' ends: at the deadline each is closed, its request in flight dropped (not the window's). */
    const live = new Set<() => void>();
    setTimeout(() => [...live].forEach((stop) => stop()), deadline - performance.now());
    const finished = () => {
      if (--open > 0) return;
      const sorted = Float64Array.from(latencies).sort();
      const round = (ms: number) => Math.round(ms * 100) / 100;
      resolve({
        requestsPerSecond: latencies.length / spec.seconds,
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        requests: latencies.length,
        errors,
        firstError,
      });
    };
    const connection = () => {
      const socket = net.connect(Number(target.port || 80), target.hostname);
      socket.setNoDelay(true);
      const reader = new ResponseReader();
      let sentAt = 0;
      let waiting = false;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const end = (again: boolean) => {
        if (done) return;
        done = true;
        live.delete(stop);
        clearTimeout(timer);
        socket.destroy();
        if (again && performance.now() < deadline) connection();
        else finished();
      };
      const stop = () => end(false);
      live.add(stop);
      const send = () => {
        if (performance.now() >= deadline) return end(false);
        sentAt = performance.now();
        waiting = true;
        timer = setTimeout(() => {
          fail(`no answer in ${timeoutMs} ms`);
          end(true);
        }, timeoutMs);
        socket.write(request(next++));
      };
      socket.on('connect', send);
      socket.on('data', (data) =>
        reader.feed(data, (status, body, close) => {
          clearTimeout(timer);
          waiting = false;
          const at = performance.now();
          // An answer after the deadline is not the window's: the window counts only what it received.
          if (at <= deadline) {
            latencies.push(at - sentAt);
            const problem = answerProblem(status, body);
            if (problem) fail(problem);
          }
          if (close) end(true);
          else send();
        }),
      );
      socket.on('error', (error) => {
        if (!done) fail(`connection error: ${error.message}`);
        end(true);
      });
      socket.on('close', () => {
        if (!done && waiting && performance.now() < deadline) fail('connection closed before the answer');
        end(true);
      });
    };
    for (let i = 0; i < spec.connections; i++) connection();
  });
}
