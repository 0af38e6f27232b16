import { EgressStatus, WebhookEvent } from 'livekit-server-sdk';
import type { LiveKitConfig } from './livekit.config';
import { signWebhookForTest, webhookBody } from '../../test/livekit-webhook-signing';
import { LiveKitWebhooks, WebhookPayloadError, WebhookSignatureError } from './webhooks';

const config: LiveKitConfig = { url: 'ws://127.0.0.1:7880', apiKey: 'APItest', apiSecret: 'test-secret-that-is-long-enough-32b' };
const webhooks = new LiveKitWebhooks(config);

async function signedReceive(body: string) {
  return webhooks.verify(body, await signWebhookForTest(config, body));
}

describe('LiveKitWebhooks.verify', () => {
  it('accepts a signed room_started and normalizes it', async () => {
    const body = webhookBody({ event: 'room_started', id: 'EV_1', createdAt: 1767603600n, room: { name: 'session-s1', sid: 'RM_1' } });

    await expect(signedReceive(body)).resolves.toEqual({
      id: 'EV_1',
      event: 'room_started',
      createdAt: new Date('2026-01-05T09:00:00.000Z'),
      roomName: 'session-s1',
      participantIdentity: null,
      participantSid: null,
      participantJoinedAt: null,
      egress: null,
    });
  });

  it('reads the participant identity of participant_joined', async () => {
    const body = webhookBody({
      event: 'participant_joined',
      room: { name: 'meeting-m1', sid: 'RM_2' },
      participant: { identity: 'member-7', sid: 'PA_1', joinedAt: 1767603600n },
    });

    const event = await signedReceive(body);
    expect(event).toMatchObject({
      event: 'participant_joined',
      roomName: 'meeting-m1',
      participantIdentity: 'member-7',
      participantSid: 'PA_1',
      participantJoinedAt: new Date('2026-01-05T09:00:00.000Z'),
    });
  });

  it('reads file location and duration (nanoseconds) of egress_ended', async () => {
    const body = webhookBody({
      event: 'egress_ended',
      egressInfo: {
        egressId: 'EG_1',
        roomName: 'session-s1',
        status: EgressStatus.EGRESS_COMPLETE,
        fileResults: [{ filename: 'session-s1.mp4', location: 's3://rec/session-s1.mp4', duration: 93_500_000_000n }],
      },
    });

    const event = await signedReceive(body);
    expect(event.roomName).toBe('session-s1');
    expect(event.egress).toEqual({
      egressId: 'EG_1',
      status: 'EGRESS_COMPLETE',
      files: [{ filename: 'session-s1.mp4', location: 's3://rec/session-s1.mp4', durationSeconds: 93.5 }],
    });
  });

  it('reads a body shaped like the server sends it (snake_case, int64 strings)', async () => {
    const body = JSON.stringify({
      event: 'egress_ended',
      id: 'EV_raw',
      created_at: '1767603600',
      egress_info: {
        egress_id: 'EG_2',
        room_name: 'meeting-m1',
        status: 'EGRESS_FAILED',
        file_results: [{ filename: 'a.mp4', location: '/out/a.mp4', duration: '0' }],
        unknown_future_field: true,
      },
    });

    const event = await signedReceive(body);
    expect(event.createdAt).toEqual(new Date('2026-01-05T09:00:00.000Z'));
    expect(event.egress).toEqual({
      egressId: 'EG_2',
      status: 'EGRESS_FAILED',
      files: [{ filename: 'a.mp4', location: '/out/a.mp4', durationSeconds: null }],
    });
  });

  it('rejects a body changed after signing', async () => {
    const body = webhookBody({ event: 'room_started', room: { name: 'session-s1' } });
    const authorization = await signWebhookForTest(config, body);
    const tampered = body.replace('session-s1', 'session-s2');

    await expect(webhooks.verify(tampered, authorization)).rejects.toThrow(WebhookSignatureError);
  });

  it('rejects a missing or empty Authorization header', async () => {
    const body = webhookBody({ event: 'room_started' });
    await expect(webhooks.verify(body, undefined)).rejects.toThrow(WebhookSignatureError);
    await expect(webhooks.verify(body, '')).rejects.toThrow(WebhookSignatureError);
  });

  it('rejects a body signed with another secret or key', async () => {
    const body = webhookBody({ event: 'room_started' });
    const otherSecret = await signWebhookForTest({ ...config, apiSecret: 'another-secret-another-secret-xx' }, body);
    const otherKey = await signWebhookForTest({ ...config, apiKey: 'APIother' }, body);

    await expect(webhooks.verify(body, otherSecret)).rejects.toThrow(WebhookSignatureError);
    await expect(webhooks.verify(body, otherKey)).rejects.toThrow(WebhookSignatureError);
  });

  it('rejects a correctly signed body that is not a webhook event', async () => {
    for (const body of ['{"event": "room_started",', 'null', '{"event":"room_started","id":"x","createdAt":"soon"}', '{}']) {
      await expect(signedReceive(body)).rejects.toThrow(WebhookPayloadError);
    }
  });

  it('treats a forged malformed body as a signature failure, not a payload one', async () => {
    await expect(webhooks.verify('{not json', 'not-a-jwt')).rejects.toThrow(WebhookSignatureError);
  });
});

describe('webhookBody', () => {
  it('round-trips through the SDK decoder with defaults for id and createdAt', () => {
    const decoded = WebhookEvent.fromJsonString(webhookBody({ event: 'room_finished', room: { name: 'session-s1' } }));
    expect(decoded.event).toBe('room_finished');
    expect(decoded.id).toMatch(/^EV_/);
    expect(Number(decoded.createdAt)).toBeGreaterThan(1_700_000_000);
  });
});
