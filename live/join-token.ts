import { AccessToken, type VideoGrant } from 'livekit-server-sdk';
import { assertLiveKitCredentials, type LiveKitConfig } from './livekit.config';

export interface JoinTokenRequest {
  roomName: string;
  /** Stable participant id (the member id): LiveKit drops an older connection with the same identity. */
  identity: string;
  /** Display name other participants see. */
  name: string;
  /** Speakers publish audio/video; attendees only watch and chat. */
  canPublish: boolean;
  ttlSeconds: number;
  /** Opaque JSON string other participants can read (e.g. role). */
  metadata?: string;
}

export interface JoinToken {
  token: string;
  expiresAt: Date;
}

export const sessionRoomName = (sessionId: string) => `session-${sessionId}`;
export const meetingRoomName = (meetingId: string) => `meeting-${meetingId}`;

/**
 * Every grant is spelled out: LiveKit treats an absent canPublish/canSubscribe pair as
 * "both allowed", so relying on defaults would let an attendee publish.
 */
export function joinGrant(roomName: string, canPublish: boolean): VideoGrant {
  return {
    roomJoin: true,
    room: roomName,
    canSubscribe: true,
    canPublish,
    // Attendees chat over data messages, so data stays open even when media publishing is not.
    canPublishData: true,
    ...(canPublish ? {} : { canPublishSources: [] }),
  };
}

export async function issueJoinToken(config: LiveKitConfig, request: JoinTokenRequest): Promise<JoinToken> {
  assertLiveKitCredentials(config);
  const { roomName, identity, name, canPublish, ttlSeconds, metadata } = request;
  if (!roomName) throw new Error('roomName is required for a join token.');
  if (!identity) throw new Error('identity is required for a join token.');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}.`);
  }

  const accessToken = new AccessToken(config.apiKey, config.apiSecret, { identity, name, ttl: ttlSeconds });
  if (metadata !== undefined) accessToken.metadata = metadata;
  accessToken.addGrant(joinGrant(roomName, canPublish));
  const token = await accessToken.toJwt();
  return { token, expiresAt: expiryOf(token) };
}

/**
 * Read `exp` back from the signed token rather than recomputing now + ttl, so the date we
 * report is exactly the one LiveKit enforces (the signer rounds to whole seconds).
 */
function expiryOf(jwt: string): Date {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
  return new Date(payload.exp * 1000);
}
