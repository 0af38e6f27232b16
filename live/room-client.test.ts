import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenVerifier, TwirpError } from 'livekit-server-sdk';
import type { LiveKitConfig } from './livekit.config';
import { LiveKitRooms, RecordingLiveRooms } from './room-client';

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** A local stand-in for LiveKit's Twirp API: records each request and answers with the queued reply. */
async function startFakeLiveKit(reply: { status: number; json: unknown }) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(raw) });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `ws://127.0.0.1:${port}`, received, close };
}

const credentials = { apiKey: 'APItest', apiSecret: 'test-secret-that-is-long-enough-32b' };

describe('LiveKitRooms.startRoomRecording', () => {
  it('asks LiveKit for a room composite MP4 egress with a roomRecord token', async () => {
    const fake = await startFakeLiveKit({
      status: 200,
      json: { egressId: 'EG_x', roomName: 'session-s1', status: 'EGRESS_STARTING', someNewField: 1 },
    });
    try {
      const config: LiveKitConfig = { url: fake.url, ...credentials };
      const started = await new LiveKitRooms(config).startRoomRecording('session-s1', 'recordings/session-s1-{time}.mp4');

      expect(started).toEqual({ egressId: 'EG_x' });
      expect(fake.received).toHaveLength(1);
      const [request] = fake.received;
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/twirp/livekit.Egress/StartRoomCompositeEgress');
      expect(request.body.roomName).toBe('session-s1');
      expect(request.body.fileOutputs).toEqual([{ fileType: 'MP4', filepath: 'recordings/session-s1-{time}.mp4' }]);
      expect(request.body.file).toBeUndefined();

      const authorization = request.headers.authorization ?? '';
      expect(authorization).toMatch(/^Bearer /);
      const claims = await new TokenVerifier(credentials.apiKey, credentials.apiSecret).verify(authorization.slice('Bearer '.length));
      expect(claims.video).toEqual({ roomRecord: true });
    } finally {
      await fake.close();
    }
  });

  it('rejects with the Twirp error LiveKit returns', async () => {
    const fake = await startFakeLiveKit({ status: 401, json: { code: 'unauthenticated', msg: 'invalid token' } });
    try {
      const rooms = new LiveKitRooms({ url: fake.url, ...credentials });
      const failure = rooms.startRoomRecording('session-s1', 'a.mp4');
      await expect(failure).rejects.toBeInstanceOf(TwirpError);
      await expect(failure).rejects.toMatchObject({ status: 401, code: 'unauthenticated', message: 'invalid token' });
    } finally {
      await fake.close();
    }
  });
});

describe('RecordingLiveRooms', () => {
  it('records calls and hands out predictable egress ids', async () => {
    const rooms = new RecordingLiveRooms();
    await expect(rooms.startRoomRecording('session-a', 'a.mp4')).resolves.toEqual({ egressId: 'EG_test_1' });
    await expect(rooms.startRoomRecording('session-b', 'b.mp4')).resolves.toEqual({ egressId: 'EG_test_2' });
    expect(rooms.recordings).toEqual([
      { roomName: 'session-a', filepath: 'a.mp4', egressId: 'EG_test_1' },
      { roomName: 'session-b', filepath: 'b.mp4', egressId: 'EG_test_2' },
    ]);
  });

  it('can fail the next call once', async () => {
    const rooms = new RecordingLiveRooms();
    rooms.failNextWith(new Error('egress unavailable'));
    await expect(rooms.startRoomRecording('session-a', 'a.mp4')).rejects.toThrow('egress unavailable');
    await expect(rooms.startRoomRecording('session-a', 'a.mp4')).resolves.toEqual({ egressId: 'EG_test_1' });
  });
});
