import type { EntityManager } from '@mikro-orm/postgresql';
import type { LiveKitConfig } from '../integrations/livekit/livekit.config';
import { signWebhookForTest, webhookBody, type WebhookEventInit } from './livekit-webhook-signing';
import { LiveSession, LiveSessionStatus } from '../schema/live/sessions/live-session.entity';
import { Meeting, MeetingStatus } from '../schema/live/networking/meeting.entity';
import { SessionRegistration } from '../schema/live/sessions/registration.entity';
import type { TestServer } from './server';

/** A session (default: 2026-03-10 10:00–11:00 UTC, no capacity limit, SCHEDULED). */
export async function buildSession(
  em: EntityManager,
  createdById: string,
  overrides: Partial<Omit<LiveSession, 'themes' | 'speakers'>> & { themeIds?: string[]; speakerIds?: string[] } = {},
): Promise<LiveSession> {
  const { themeIds = [], speakerIds = [], ...fields } = overrides;
  const startsAt = fields.startsAt ?? new Date('2026-03-10T10:00:00Z');
  const session = em.create(LiveSession, {
    title: 'Pipeline reviews that work',
    description: 'How our customers run them.',
    startsAt,
    endsAt: new Date(startsAt.getTime() + 60 * 60_000),
    status: LiveSessionStatus.SCHEDULED,
    createdById,
    ...fields,
  });
  await em.flush();
  for (const themeId of themeIds)
    await em.execute('insert into live_session_theme (session_id, theme_id) values (?, ?)', [session.id, themeId]);
  for (const memberId of speakerIds)
    await em.execute('insert into live_session_speaker (session_id, member_id) values (?, ?)', [session.id, memberId]);
  return session;
}

export async function buildRegistration(
  em: EntityManager,
  session: { id: string },
  member: { id: string },
  overrides: Partial<SessionRegistration> = {},
): Promise<SessionRegistration> {
  const registration = em.create(SessionRegistration, {
    sessionId: session.id,
    memberId: member.id,
    shareContactWithPartner: false,
    registeredAt: new Date('2026-03-01T09:00:00Z'),
    ...overrides,
  });
  await em.flush();
  return registration;
}

/** A meeting request from `requester` to `recipient` (proposed for 2026-03-20 10:00 UTC; default REQUESTED). */
export async function buildMeeting(
  em: EntityManager,
  requester: { id: string },
  recipient: { id: string },
  overrides: Partial<Meeting> = {},
): Promise<Meeting> {
  const meeting = em.create(Meeting, {
    requesterId: requester.id,
    recipientId: recipient.id,
    sessionId: null,
    proposedStart: new Date('2026-03-20T10:00:00Z'),
    status: MeetingStatus.REQUESTED,
    ...overrides,
  });
  await em.flush();
  return meeting;
}

/** A closed attendance segment (one LiveKit connection) of `member` in `session`. */
export async function buildAttendance(
  em: EntityManager,
  session: { id: string },
  member: { id: string },
  joinedAt: string | Date,
  leftAt: string | Date | null,
): Promise<void> {
  await em.execute(
    'insert into attendance_segment (id, session_id, member_id, participant_sid, joined_at, left_at) values (gen_random_uuid(), ?, ?, gen_random_uuid()::text, ?, ?)',
    [session.id, member.id, new Date(joinedAt), leftAt === null ? null : new Date(leftAt)],
  );
}

/** Posts a LiveKit webhook, signed as LiveKit signs it, to the server's real endpoint. */
export async function postWebhook(
  server: TestServer,
  init: WebhookEventInit,
  options: { config?: LiveKitConfig; authorization?: string } = {},
): Promise<Response> {
  const body = webhookBody(init);
  const authorization = options.authorization ?? (await signWebhookForTest(options.config ?? server.config.liveKit, body));
  return fetch(new URL('/webhooks/livekit', server.hearth.url), {
    method: 'POST',
    headers: { 'content-type': 'application/webhook+json', authorization },
    body,
  });
}

/** Seconds since the epoch as LiveKit's protobuf int64. */
export const epochSeconds = (iso: string) => BigInt(Math.floor(new Date(iso).getTime() / 1000));
