import { EgressStatus } from 'livekit-server-sdk';
import type { WebhookEventInit } from '../../../test/livekit-webhook-signing';
import { buildAdmin, buildMember } from '../../../test/factories';
import { buildSession, epochSeconds, postWebhook } from '../../../test/live';
import { captureLogs } from '../../../test/log-capture';
import { startTestServer, type TestServer } from '../../../test/server';

const logs = captureLogs('info');
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ logger: logs.logger });
});
afterAll(() => server.stop());
beforeEach(() => logs.clear());

/** Lines logged about webhook `id`, and any error-level line at all. */
const linesAbout = (id: string) => logs.lines().filter((line) => JSON.stringify(line).includes(id));

describe('a signed LiveKit webhook LiveKit could never have meant', () => {
  const hostileRooms = [
    'session-' + '-'.repeat(36),
    'session-' + 'a'.repeat(36),
    'session-\u0000',
    `session-${'x'.repeat(10_000)}`,
    'room\u0000name',
  ];

  it.each(hostileRooms.map((name) => [JSON.stringify(name).slice(0, 40), name]))(
    'with room %s answers 400, logged once, and changes nothing',
    async (_label, name) => {
      for (const event of ['room_started', 'room_finished', 'participant_joined', 'participant_left', 'egress_ended'] as const) {
        const id = `EV_hostile_${event}_${Math.random().toString(36).slice(2)}`;
        const init = {
          id,
          event,
          room: { name, sid: 'RM_x' },
          participant: { identity: '00000000-0000-4000-8000-000000000000', sid: 'PA_x' },
          egressInfo: {
            egressId: 'EG_x',
            roomName: name,
            status: EgressStatus.EGRESS_COMPLETE,
            fileResults: [{ filename: 'a.mp4', location: 'https://cdn.example.com/a.mp4' }],
          },
        } as WebhookEventInit;
        const response = await postWebhook(server, init);
        expect({ event, status: response.status }).toEqual({ event, status: 400 });
        expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
        expect(linesAbout(id)).toHaveLength(1);
      }
      expect(logs.errors()).toEqual([]);
      const [{ count }] = await server.em().execute(`select count(*)::int as count from livekit_event where id like 'EV_hostile_%'`);
      expect(count).toBe(0);
    },
  );

  it('with a createdAt or joinedAt out of range answers 400, logged once, and changes nothing', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const member = await buildMember(server.em());
    const room = { name: `session-${session.id}`, sid: 'RM_y' };
    const cases: WebhookEventInit[] = [
      { event: 'room_started', room, createdAt: 10n ** 15n },
      { event: 'room_started', room, createdAt: -(10n ** 15n) },
      { event: 'room_finished', room, createdAt: 2n ** 62n },
      {
        event: 'participant_joined',
        room,
        participant: { identity: member.id, sid: 'PA_y', joinedAt: 10n ** 15n },
        createdAt: epochSeconds('2026-03-10T10:00:00Z'),
      },
      {
        event: 'participant_left',
        room,
        participant: { identity: member.id, sid: 'PA_y', joinedAtMs: 2n ** 62n },
        createdAt: epochSeconds('2026-03-10T10:00:00Z'),
      },
    ];
    for (const [index, init] of cases.entries()) {
      const id = `EV_range_${index}_${session.id}`;
      const response = await postWebhook(server, { ...init, id });
      expect({ index, status: response.status }).toEqual({ index, status: 400 });
      expect(linesAbout(id)).toHaveLength(1);
    }
    expect(logs.errors()).toEqual([]);
    const [row] = await server.em().execute<{ status: string }[]>('select status from live_session where id = ?', [session.id]);
    expect(row.status).toBe('SCHEDULED');
  });

  it('with a participant sid holding a NUL byte answers 400', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const member = await buildMember(server.em());
    const response = await postWebhook(server, {
      event: 'participant_joined',
      room: { name: `session-${session.id}` },
      participant: { identity: member.id, sid: 'PA_\u0000' },
    });
    expect(response.status).toBe(400);
    expect(logs.errors()).toEqual([]);
  });
});

describe('an egress whose file location is not an http(s) URL', () => {
  it.each([
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    '/out/recording.mp4',
    'ftp://files.example.com/a.mp4',
  ])('publishes no replay with it (%s), says why once, and is not retried', async (location) => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id, { title: `Egress ${location.slice(0, 8)}` });
    const id = `EV_egress_${session.id}`;
    const response = await postWebhook(server, {
      id,
      event: 'egress_ended',
      egressInfo: {
        egressId: 'EG_bad',
        roomName: `session-${session.id}`,
        status: EgressStatus.EGRESS_COMPLETE,
        fileResults: [{ filename: 'a.mp4', location }],
      },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'ignored' });
    const [row] = await server
      .em()
      .execute<{ replay_id: string | null }[]>('select replay_id from live_session where id = ?', [session.id]);
    expect(row.replay_id).toBeNull();
    const [{ count }] = await server.em().execute(`select count(*)::int as count from content where media_url = ?`, [location]);
    expect(count).toBe(0);
    expect(logs.lines().filter((line) => line.level === 40 && JSON.stringify(line).includes(session.id))).toHaveLength(1);
    expect(logs.errors()).toEqual([]);
  });
});
