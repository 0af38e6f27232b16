import http from 'node:http';

/**
 * A bare HTTP client for latency workloads: one kept-alive connection, the body read as a string
 * and parsed once. The other side of such a comparison is a bare `pg` client; `fetch` (undici)
 * adds its own streams and objects to every call, which a latency figure would count as Hearth's.
 */
export class JsonClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly target: URL;

  constructor(url: string) {
    this.target = new URL(url);
  }

  /** POSTs `body` as JSON; resolves with the HTTP status and the parsed answer. */
  post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname + this.target.search,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            try {
              resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) });
            } catch (error) {
              reject(new Error(`not JSON (HTTP ${response.statusCode}): ${text.slice(0, 200)}`, { cause: error }));
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
