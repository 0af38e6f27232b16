import type { VideoGrant } from 'livekit-server-sdk';
import { LRUCache } from 'lru-cache';
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
  // The claims AccessToken writes (a test holds them equal once decoded), the room's first: their
  // base64url is kept (roomClaims), so a join encodes only the member's and the times. As the SDK
  // does, an empty name or metadata is left out.
  const memberClaims = `${name ? `"name":${JSON.stringify(name)},` : ''}"exp":${exp},"nbf":${now},"sub":${JSON.stringify(identity)}}`;
  const payload = roomClaims(roomName, canPublish, metadata, config.apiKey) + base64url(memberClaims);
  return { token: signHs256(config.apiSecret, payload), expiresAt: new Date(exp * 1000) };
}

/** The rooms' claims in base64url, by room, role, metadata and API key: more rooms than a deployment has open at once. */
const roomClaimsBase64 = new LRUCache<string, string>({ max: 1_000 });

/**
 * The base64url of the claims every member joining a room as one role gets, `{"video":…,"metadata":…,"iss":…,`,
 * padded with JSON's blanks to whole 3-byte groups, so that the member's claims' base64url follows
 * it as is. Computed once per room, role, metadata and API key: a herd of joins (benchmark P6)
 * spent 1.9 µs a join stringifying the claims and 1.4 µs encoding them.
 */
function roomClaims(roomName: string, canPublish: boolean, metadata: string | undefined, iss: string): string {
  // Lengths keep the parts apart, whatever they hold.
  const key = `${canPublish ? 'P' : 'S'}${iss.length}:${iss}${roomName.length}:${roomName}${metadata ?? ''}`;
  let encoded = roomClaimsBase64.get(key);
  if (encoded === undefined) {
    const metadataClaim = metadata ? `"metadata":${JSON.stringify(metadata)},` : '';
    const claims = `{"video":${JSON.stringify(joinGrant(roomName, canPublish))},${metadataClaim}"iss":${JSON.stringify(iss)},`;
    encoded = Buffer.from(claims + ' '.repeat((3 - (Buffer.byteLength(claims) % 3)) % 3)).toString('base64url');
    roomClaimsBase64.set(key, encoded);
  }
  return encoded;
}

/** Where base64url encodes text, rather than a Buffer made for each join. */
let scratch = Buffer.alloc(1024);

function base64url(text: string): string {
  if (3 * text.length > scratch.length) scratch = Buffer.alloc(3 * text.length);
  return scratch.toString('base64url', 0, scratch.write(text, 0, 'utf8'));
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
