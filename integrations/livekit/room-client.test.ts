import { TokenVerifier, TwirpError } from 'livekit-server-sdk';
import { startFakeLiveKit } from '../../test/fake-livekit';
import type { LiveKitConfig } from './livekit.config';
import { LiveKitRooms } from './room-client';

const credentials = { apiKey: 'APItest', apiSecret: 'test-secret-that-is-long-enough-32b' };

describe('LiveKitRooms.startRoomRecording', () => {
  it('asks LiveKit for a room composite MP4 egress with a roomRecord token', async () => {
    const fake = await startFakeLiveKit();
    fake.replyNext(200, { egressId: 'EG_x', roomName: 'session-s1', status: 'EGRESS_STARTING', someNewField: 1 });
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
    const fake = await startFakeLiveKit();
    fake.replyNext(401, { code: 'unauthenticated', msg: 'invalid token' });
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
