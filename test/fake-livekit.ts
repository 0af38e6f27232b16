import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedTwirpRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface FakeLiveKit {
  /** `ws://` URL to give the SDK (it calls the Twirp API over http on the same port). */
  url: string;
  received: ReceivedTwirpRequest[];
  /** Answers the next request with this status and JSON (e.g. a Twirp error) instead of the default. */
  replyNext(status: number, json: unknown): void;
  /** Answers every request this many milliseconds after it arrived (0: at once), as a LiveKit under load does. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for LiveKit's Twirp API, the one fake of the LiveKit tests (there is no LiveKit
 * server here): records each request and answers like StartRoomCompositeEgress, with egress ids
 * `EG_fake_1`, `EG_fake_2`, … unless a reply was queued.
 */
export async function startFakeLiveKit(): Promise<FakeLiveKit> {
  const received: ReceivedTwirpRequest[] = [];
  const queued: { status: number; json: unknown }[] = [];
  let started = 0;
  let latencyMs = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const reply = queued.shift() ?? {
        status: 200,
        json: { egressId: `EG_fake_${++started}`, roomName: body.roomName, status: 'EGRESS_STARTING' },
      };
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.json));
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    replyNext: (status, json) => void queued.push({ status, json }),
    setLatency: (ms) => void (latencyMs = ms),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
