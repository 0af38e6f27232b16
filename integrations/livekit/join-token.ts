import type { VideoGrant } from 'livekit-server-sdk';
import { Hs256Key } from './hs256';
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

/** Synchronous: joins come in a herd when a webinar starts, and are decided without waiting (benchmark P6). */
export function issueJoinToken(config: LiveKitConfig, request: JoinTokenRequest): JoinToken {
  assertLiveKitCredentials(config);
  const { roomName, identity, name, canPublish, ttlSeconds, metadata } = request;
  if (!roomName) throw new Error('roomName is required for a join token.');
  if (!identity) throw new Error('identity is required for a join token.');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}.`);
  }

  const now = Math.floor(Date.now() / 1000);
  const exp = now + ttlSeconds;
  // The claims in the order AccessToken writes them; JSON leaves out a metadata left undefined.
  const claims = { video: joinGrant(roomName, canPublish), metadata, name, iss: config.apiKey, exp, nbf: now, sub: identity };
  return { token: signHs256(config.apiSecret, Buffer.from(JSON.stringify(claims)).toString('base64url')), expiresAt: new Date(exp * 1000) };
}

/** base64url of `{"alg":"HS256"}`, the header the SDK's AccessToken writes. */
const HS256_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

/** The key of the secret in use (one per deployment; a test may sign with several in turn). */
let signingKey: Hs256Key | undefined;

/**
 * The JWT the SDK's `AccessToken.toJwt()` makes for the same grants (a test holds them equal),
 * signed synchronously instead of through jose's WebCrypto round trip: joins come in a herd when
 * a webinar starts (benchmark P6).
 */
function signHs256(secret: string, payload: string): string {
  if (signingKey?.secret !== secret) signingKey = new Hs256Key(secret);
  const signed = `${HS256_HEADER}.${payload}`;
  return `${signed}.${signingKey.signAscii(signed)}`;
}
