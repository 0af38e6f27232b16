import { createServer, type AddressInfo } from 'node:net';
import { EgressStatus } from 'livekit-server-sdk';
import { signWebhookForTest, webhookBody, type WebhookEventInit } from '../../../test/livekit-webhook-signing';
import { buildAdmin, buildInterests, buildMember, buildTheme } from '../../../test/factories';
import { startFakeLiveKit, type FakeLiveKit } from '../../../test/fake-livekit';
import { buildRegistration, buildSession, epochSeconds, postWebhook } from '../../../test/live';
import { errorCode, startTestServer, subscribe, type TestServer } from '../../../test/server';
import { Role } from '../../identity/member.entity';

let liveKit: FakeLiveKit;
let server: TestServer;
beforeAll(async () => {
  liveKit = await startFakeLiveKit();
  server = await startTestServer({ env: { LIVEKIT_API_URL: liveKit.url } });
});
afterAll(async () => {
  await server.stop();
  await liveKit.close();
});

/** Egress requests LiveKit received for the session's room. */
const recordingsOf = (session: { id: string }) =>
  liveKit.received.filter(
    (request) => request.url === '/twirp/livekit.Egress/StartRoomCompositeEgress' && request.body.roomName === `session-${session.id}`,
  );

const as = async (member: { id: string }) => ({ token: await server.tokenFor(member.id) });
const room = (session: { id: string }) => ({ name: `session-${session.id}`, sid: `RM_${session.id.slice(0, 8)}` });

async function status(
  sessionId: string,
): Promise<{ status: string; started_at: Date | null; ended_at: Date | null; replay_id: string | null }> {
  const [row] = await server
    .em()
    .execute<{ status: string; started_at: string | null; ended_at: string | null; replay_id: string | null }[]>(
      'select status, started_at, ended_at, replay_id from live_session where id = ?',
      [sessionId],
    );
  return { ...row, started_at: asDate(row.started_at), ended_at: asDate(row.ended_at) };
}

const asDate = (value: string | Date | null) => (value === null ? null : new Date(value));

/** The egress the session records with, as stored. */
async function recordingEgress(sessionId: string): Promise<string | null> {
  const [row] = await server
    .em()
    .execute<{ recording_egress_id: string | null }[]>('select recording_egress_id from live_session where id = ?', [sessionId]);
  return row.recording_egress_id;
}

async function segments(sessionId: string) {
  const rows = await server
    .em()
    .execute<{ member_id: string; participant_sid: string; joined_at: string | null; left_at: string | null }[]>(
      'select member_id, participant_sid, joined_at, left_at from attendance_segment where session_id = ? order by participant_sid',
      [sessionId],
    );
  return rows.map((row) => ({ ...row, joined_at: asDate(row.joined_at), left_at: asDate(row.left_at) }));
}

function participantEvent(
  event: 'participant_joined' | 'participant_left',
  session: { id: string },
  member: { id: string },
  sid: string,
  joinedAt: string,
  at: string,
) {
  return {
    event,
    room: room(session),
    participant: { identity: member.id, sid, joinedAt: epochSeconds(joinedAt) },
    createdAt: epochSeconds(at),
  } as const;
}

describe('POST /webhooks/livekit', () => {
  it('rejects a forged or missing signature with 401 and a signed body that is not an event with 400', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const forged = await postWebhook(
      server,
      { event: 'room_started', room: room(session) },
      {
        config: { ...server.config.liveKit, apiSecret: 'not-the-secret-not-the-secret-0000' },
      },
    );
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const unsigned = await fetch(new URL('/webhooks/livekit', server.hearth.url), {
      method: 'POST',
      body: webhookBody({ event: 'room_started', room: room(session) }),
    });
    expect(unsigned.status).toBe(401);
    const body = '{"event": 42';
    const malformed = await fetch(new URL('/webhooks/livekit', server.hearth.url), {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', authorization: await signWebhookForTest(server.config.liveKit, body) },
      body,
    });
    expect(malformed.status).toBe(400);
    expect((await status(session.id)).status).toBe('SCHEDULED');
  });

  it('room_started makes the session LIVE, notifies registrants and pushes liveSessionUpdated', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const ann = await buildMember(server.em());
    await buildRegistration(server.em(), session, ann);
    const updates = await subscribe(
      server.ws(await server.tokenFor(ann.id)),
      `subscription($id: ID!) { liveSessionUpdated(sessionId: $id) { id status startedAt } }`,
      { id: session.id },
    );

    const response = await postWebhook(server, {
      event: 'room_started',
      room: room(session),
      createdAt: epochSeconds('2026-03-10T09:58:00Z'),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'handled' });
    expect((await updates.next()).data!.liveSessionUpdated).toEqual({
      id: session.id,
      status: 'LIVE',
      startedAt: '2026-03-10T09:58:00.000Z',
    });
    await server.hearth.deps.events.idle();
    const notified = await server.em().execute('select recipient_id, kind from notification where subject_id = ?', [session.id]);
    expect(notified).toEqual([{ recipient_id: ann.id, kind: 'SESSION_LIVE' }]);
    updates.dispose();
  });

  it('counts a replayed event once (same id) and keeps status moving forward when events arrive out of order', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const finished = {
      event: 'room_finished',
      id: `EV_fin_${session.id}`,
      room: room(session),
      createdAt: epochSeconds('2026-03-10T11:02:00Z'),
    } as const;
    expect(await (await postWebhook(server, finished)).json()).toEqual({ outcome: 'handled' });
    expect(await (await postWebhook(server, finished)).json()).toEqual({ outcome: 'duplicate' });
    // room_started delivered late, after room_finished: the session stays ENDED.
    await postWebhook(server, { event: 'room_started', room: room(session), createdAt: epochSeconds('2026-03-10T09:58:00Z') });
    expect(await status(session.id)).toMatchObject({ status: 'ENDED', ended_at: new Date('2026-03-10T11:02:00Z') });
    await server.hearth.deps.events.idle();
    const [{ count }] = await server.em().execute('select count(*)::int as count from notification where subject_id = ?', [session.id]);
    expect(count).toBe(0);
  });

  it('builds attendance segments from joined/left in any order, counting a replayed left once, and records a LIVE visit', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const ann = await buildMember(server.em());
    // First connection: left arrives before joined.
    await postWebhook(server, participantEvent('participant_left', session, ann, 'PA_1', '2026-03-10T10:00:00Z', '2026-03-10T10:20:00Z'));
    await postWebhook(server, participantEvent('participant_joined', session, ann, 'PA_1', '2026-03-10T10:00:00Z', '2026-03-10T10:00:00Z'));
    // A reconnect is a second connection; its left is delivered twice.
    await postWebhook(server, participantEvent('participant_joined', session, ann, 'PA_2', '2026-03-10T10:25:00Z', '2026-03-10T10:25:00Z'));
    const left = {
      ...participantEvent('participant_left', session, ann, 'PA_2', '2026-03-10T10:25:00Z', '2026-03-10T10:55:00Z'),
      id: `EV_left_${session.id}`,
    };
    await postWebhook(server, left);
    expect(await (await postWebhook(server, left)).json()).toEqual({ outcome: 'duplicate' });

    expect(await segments(session.id)).toEqual([
      {
        member_id: ann.id,
        participant_sid: 'PA_1',
        joined_at: new Date('2026-03-10T10:00:00Z'),
        left_at: new Date('2026-03-10T10:20:00Z'),
      },
      {
        member_id: ann.id,
        participant_sid: 'PA_2',
        joined_at: new Date('2026-03-10T10:25:00Z'),
        left_at: new Date('2026-03-10T10:55:00Z'),
      },
    ]);
    await server.hearth.deps.events.idle(); // visits are recorded by the attendance events' handlers
    const visits = (await server.em().execute('select started_at, last_activity_at, source from visit where member_id = ?', [ann.id])).map(
      (visit) => ({
        ...visit,
        started_at: asDate(visit.started_at),
        last_activity_at: asDate(visit.last_activity_at),
      }),
    );
    // Both connections are less than 30 minutes apart: one visit covering the whole attendance.
    expect(visits).toEqual([
      { started_at: new Date('2026-03-10T10:00:00Z'), last_activity_at: new Date('2026-03-10T10:55:00Z'), source: 'LIVE' },
    ]);
  });

  it('closes open segments when the room finishes, unless the participant_left says otherwise', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    await postWebhook(server, participantEvent('participant_joined', session, ann, 'PA_a', '2026-03-10T10:00:00Z', '2026-03-10T10:00:00Z'));
    await postWebhook(server, participantEvent('participant_joined', session, bob, 'PA_b', '2026-03-10T10:10:00Z', '2026-03-10T10:10:00Z'));
    await postWebhook(server, { event: 'room_finished', room: room(session), createdAt: epochSeconds('2026-03-10T11:00:00Z') });
    // Bob's left arrives after room_finished: it is the truth for his connection.
    await postWebhook(server, participantEvent('participant_left', session, bob, 'PA_b', '2026-03-10T10:10:00Z', '2026-03-10T10:40:00Z'));
    expect((await segments(session.id)).map((segment) => [segment.participant_sid, segment.left_at])).toEqual([
      ['PA_a', new Date('2026-03-10T11:00:00Z')],
      ['PA_b', new Date('2026-03-10T10:40:00Z')],
    ]);
  });

  it('ignores participants that are not members (the recorder) and rooms that are not sessions', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    await postWebhook(server, {
      event: 'participant_joined',
      room: room(session),
      participant: { identity: 'EG_recorder', sid: 'PA_rec' },
    });
    expect(await segments(session.id)).toEqual([]);
    const other = await postWebhook(server, { event: 'room_started', room: { name: 'lobby', sid: 'RM_x' } });
    expect(await other.json()).toEqual({ outcome: 'ignored' });
  });
});

describe('recordings and replays', () => {
  it('starts recording on room_started when autoRecord is set, once', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id, { autoRecord: true });
    await postWebhook(server, { event: 'room_started', room: room(session) });
    await server.hearth.deps.events.idle();
    const started = recordingsOf(session);
    expect(started.map((request) => request.body.fileOutputs)).toEqual([
      [{ fileType: 'MP4', filepath: `hearth/session-${session.id}-{time}.mp4` }],
    ]);
    const again = await server.gql(
      `mutation($id: ID!) { startSessionRecording(sessionId: $id) { id } }`,
      { id: session.id },
      await as(admin),
    );
    expect(again.errors).toBeUndefined();
    expect(recordingsOf(session)).toHaveLength(1);
  });

  it('startSessionRecording: admins only, LIVE sessions only, a LiveKit refusal is a CONFLICT, a LiveKit 5xx is SERVICE_UNAVAILABLE', async () => {
    const admin = await buildAdmin(server.em());
    const member = await buildMember(server.em());
    const session = await buildSession(server.em(), admin.id);
    const START = `mutation($id: ID!) { startSessionRecording(sessionId: $id) { id status } }`;
    expect(errorCode(await server.gql(START, { id: session.id }, await as(member)))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(START, { id: session.id }, await as(admin)))).toBe('CONFLICT');
    await postWebhook(server, { event: 'room_started', room: room(session) });
    liveKit.replyNext(400, { code: 'invalid_argument', msg: 'unknown layout' });
    const refused = await server.gql(START, { id: session.id }, await as(admin));
    expect(refused.errors![0]).toMatchObject({
      message: 'LiveKit could not start the recording: unknown layout',
      extensions: { code: 'CONFLICT' },
    });
    liveKit.replyNext(503, { code: 'unavailable', msg: 'egress not connected' });
    const unavailable = await server.gql(START, { id: session.id }, await as(admin));
    expect(unavailable.status).toBe(503);
    expect(unavailable.errors![0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 } });
    const started = await server.gql(START, { id: session.id }, await as(admin));
    expect(started.data!.startSessionRecording).toEqual({ id: session.id, status: 'LIVE' });
    const [{ recording_egress_id }] = await server.em().execute('select recording_egress_id from live_session where id = ?', [session.id]);
    expect(recording_egress_id).toMatch(/^EG_fake_\d+$/);
    expect(recordingsOf(session).length).toBeGreaterThanOrEqual(3);
  });

  it('startSessionRecording with LiveKit unreachable answers SERVICE_UNAVAILABLE (HTTP 503), not CONFLICT', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const cutOff = await startTestServer({ env: { LIVEKIT_API_URL: `ws://127.0.0.1:${closedPort}` } });
    try {
      const admin = await buildAdmin(cutOff.em());
      const session = await buildSession(cutOff.em(), admin.id);
      await postWebhook(cutOff, { event: 'room_started', room: room(session) });
      const token = await cutOff.tokenFor(admin.id);
      const result = await cutOff.gql(`mutation($id: ID!) { startSessionRecording(sessionId: $id) { id } }`, { id: session.id }, { token });
      expect(result.status).toBe(503);
      expect(result.errors![0]).toMatchObject({
        message: 'LiveKit is unreachable right now; try again shortly.',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
    } finally {
      await cutOff.stop();
    }
  });

  it('egress_ended publishes the recording as a REPLAY on the session themes, once, viewable like any content', async () => {
    const admin = await buildAdmin(server.em());
    const speaker = await buildMember(server.em(), { role: Role.SPEAKER });
    const theme = await buildTheme(server.em());
    const session = await buildSession(server.em(), admin.id, { title: 'Pricing', themeIds: [theme.id], speakerIds: [speaker.id] });
    const ann = await buildMember(server.em());
    await buildInterests(server.em(), [ann], theme);
    const ended: WebhookEventInit = {
      event: 'egress_ended',
      id: `EV_egress_${session.id}`,
      egressInfo: {
        egressId: 'EG_real',
        roomName: `session-${session.id}`,
        status: EgressStatus.EGRESS_COMPLETE,
        fileResults: [{ filename: 'pricing.mp4', location: 'https://cdn.example.com/pricing.mp4', duration: 3_600_000_000_000n }],
      },
    };
    await postWebhook(server, ended);
    await postWebhook(server, { ...ended, id: `EV_egress2_${session.id}` });
    const { replay_id } = await status(session.id);
    const replay = await server.gql(
      `query($id: ID!) { liveSession(id: $id) { replay { id type status title mediaUrl themes { slug } author { id } } } }`,
      { id: session.id },
      await as(ann),
    );
    expect(replay.data!.liveSession.replay).toEqual({
      id: replay_id,
      type: 'REPLAY',
      status: 'PUBLISHED',
      title: 'Replay: Pricing',
      mediaUrl: 'https://cdn.example.com/pricing.mp4',
      themes: [{ slug: theme.slug }],
      author: { id: speaker.id },
    });
    const [{ count }] = await server
      .em()
      .execute(`select count(*)::int as count from content where type = 'REPLAY' and title = 'Replay: Pricing'`);
    expect(count).toBe(1);
    // Members interested in its themes hear of it as of any publication, once.
    await server.hearth.deps.events.idle();
    const [{ notified }] = await server
      .em()
      .execute(
        `select count(*)::int as notified from notification where subject_id = ? and recipient_id = ? and kind = 'CONTENT_PUBLISHED'`,
        [replay_id, ann.id],
      );
    expect(notified).toBe(1);
    const view = await server.gql(
      `mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { newView } }`,
      { input: { contentId: replay_id, seconds: 0, source: 'LIVE' } },
      await as(ann),
    );
    expect(view.data!.recordContentView).toEqual({ newView: true });
  });

  it('a failed egress lets the recording start again; an egress still running stays the one reported', async () => {
    // After EGRESS_FAILED, startSessionRecording answered success without asking LiveKit again:
    // the session could never be recorded again.
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    const START = `mutation($id: ID!) { startSessionRecording(sessionId: $id) { id status } }`;
    const egressEnded = (egressId: string) =>
      postWebhook(server, {
        event: 'egress_ended',
        egressInfo: { egressId, roomName: `session-${session.id}`, status: EgressStatus.EGRESS_FAILED, error: 'pipeline stalled' },
      });
    await postWebhook(server, { event: 'room_started', room: room(session) });
    expect((await server.gql(START, { id: session.id }, await as(admin))).errors).toBeUndefined();
    const first = await recordingEgress(session.id);
    expect((await server.gql(START, { id: session.id }, await as(admin))).errors).toBeUndefined();
    // The end of some other egress (an earlier one, a stray) says nothing about the one recording now.
    await egressEnded('EG_stray');
    expect((await server.gql(START, { id: session.id }, await as(admin))).errors).toBeUndefined();
    expect([recordingsOf(session).length, await recordingEgress(session.id)]).toEqual([1, first]);

    expect((await egressEnded(first!)).status).toBe(200);
    const again = await server.gql(START, { id: session.id }, await as(admin));
    expect(again.data!.startSessionRecording).toEqual({ id: session.id, status: 'LIVE' });
    expect(recordingsOf(session).length).toBe(2);
    const second = await recordingEgress(session.id);
    expect(second).toMatch(/^EG_fake_\d+$/);
    expect(second).not.toBe(first);
    expect((await server.gql(START, { id: session.id }, await as(admin))).errors).toBeUndefined();
    expect(recordingsOf(session).length).toBe(2);
  });

  it('starts one egress when admins start the recording at the same moment, and lets the next try after LiveKit failed', async () => {
    // Each request read "no recording yet" before any had stored its egress: two egresses ran, one orphaned.
    const admin = await buildAdmin(server.em());
    const START = `mutation($id: ID!) { startSessionRecording(sessionId: $id) { id } }`;
    liveKit.setLatency(150);
    try {
      const session = await buildSession(server.em(), admin.id);
      await postWebhook(server, { event: 'room_started', room: room(session) });
      const token = await as(admin);
      const results = await Promise.all(Array.from({ length: 5 }, () => server.gql(START, { id: session.id }, token)));
      expect(results.map((result) => result.errors)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(recordingsOf(session).length).toBe(1);
      expect(await recordingEgress(session.id)).toMatch(/^EG_fake_\d+$/);

      // LiveKit fails the first: that request is told, and the next one asks LiveKit again.
      const other = await buildSession(server.em(), admin.id);
      await postWebhook(server, { event: 'room_started', room: room(other) });
      liveKit.replyNext(503, { code: 'unavailable', msg: 'egress not connected' });
      const retried = await Promise.all(Array.from({ length: 5 }, () => server.gql(START, { id: other.id }, token)));
      expect(retried.map((result) => errorCode(result) ?? 'ok').sort()).toEqual(['SERVICE_UNAVAILABLE', 'ok', 'ok', 'ok', 'ok']);
      expect(recordingsOf(other).length).toBe(2);
      expect(await recordingEgress(other.id)).toMatch(/^EG_fake_\d+$/);
    } finally {
      liveKit.setLatency(0);
    }
  });

  it('a failed egress makes no replay', async () => {
    const admin = await buildAdmin(server.em());
    const session = await buildSession(server.em(), admin.id);
    await postWebhook(server, {
      event: 'egress_ended',
      egressInfo: { egressId: 'EG_f', roomName: `session-${session.id}`, status: EgressStatus.EGRESS_FAILED },
    });
    expect((await status(session.id)).replay_id).toBeNull();
  });
});
