import { createHash } from 'node:crypto';
import type { EgressInfo, WebhookEvent } from 'livekit-server-sdk';
import { assertLiveKitCredentials, type LiveKitConfig } from './livekit.config';
import { liveKitSdk, type LiveKitSdk } from './sdk';

/** The Authorization header is missing, not signed with our secret, expired, or not for this body: HTTP 401. */
export class WebhookSignatureError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookSignatureError';
  }
}

/** Correctly signed, but not a webhook event we can read or act on: HTTP 400 (LiveKit does not retry it). */
export class WebhookPayloadError extends Error {
  /** The event's id when it has one, for the log line. */
  readonly eventId: string | null;

  constructor(message: string, options?: ErrorOptions & { eventId?: string | null }) {
    super(message, options);
    this.name = 'WebhookPayloadError';
    this.eventId = options?.eventId ?? null;
  }
}

export type LiveKitEventName =
  | 'room_started'
  | 'room_finished'
  | 'participant_joined'
  | 'participant_left'
  | 'egress_started'
  | 'egress_updated'
  | 'egress_ended'
  | 'track_published'
  | 'track_unpublished'
  // Any other event LiveKit adds later; `string & {}` keeps editor completion for the names above.
  | (string & {});

export interface LiveKitRecordingFile {
  location: string;
  filename: string;
  /** Null while the egress is still running (LiveKit reports 0 until the file is closed). */
  durationSeconds: number | null;
}

export interface LiveKitEgress {
  egressId: string;
  /** EgressStatus name, e.g. `EGRESS_COMPLETE`, `EGRESS_FAILED`. */
  status: string;
  files: LiveKitRecordingFile[];
}

/** A webhook event reduced to plain values: no protobuf classes or bigints leave `integrations/livekit/`. */
export interface LiveKitEvent {
  id: string;
  event: LiveKitEventName;
  createdAt: Date;
  roomName: string | null;
  participantIdentity: string | null;
  /** LiveKit's id of this one connection: a reconnect gets a new sid. */
  participantSid: string | null;
  /** When the participant's connection joined, as LiveKit reports it on joined and left events. */
  participantJoinedAt: Date | null;
  egress: LiveKitEgress | null;
}

const NANOSECONDS_PER_SECOND = 1e9;

/** Instants a webhook may carry: LiveKit stamps real times; anything outside is not one of its events. */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);
/** Room names, identities and ids are short; file locations are URLs. Longer is not LiveKit's. */
const MAX_NAME_LENGTH = 256;
const MAX_LOCATION_LENGTH = 2048;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Refuses a signed event no LiveKit server sends: an instant outside [2000, 2100) or not a date,
 * a name, identity or id with control characters (PostgreSQL text cannot hold a NUL) or longer
 * than any real one. Such an event is a 400, never a value that reaches SQL as a 500.
 */
export function assertPlausible(event: LiveKitEvent): LiveKitEvent {
  const refuse = (what: string) => new WebhookPayloadError(`LiveKit webhook event ${what}.`, { eventId: event.id });
  const plausibleInstant = (at: Date | null) => at === null || (at.getTime() >= EARLIEST && at.getTime() < LATEST);
  if (!plausibleInstant(event.createdAt)) throw refuse('has a createdAt out of range');
  if (!plausibleInstant(event.participantJoinedAt)) throw refuse('has a participant joinedAt out of range');
  const names: [string, string | null | undefined, number][] = [
    ['id', event.id, MAX_NAME_LENGTH],
    ['room name', event.roomName, MAX_NAME_LENGTH],
    ['participant identity', event.participantIdentity, MAX_NAME_LENGTH],
    ['participant sid', event.participantSid, MAX_NAME_LENGTH],
    ['egress id', event.egress?.egressId, MAX_NAME_LENGTH],
    ...(event.egress?.files ?? []).flatMap((file): [string, string, number][] => [
      ['file location', file.location, MAX_LOCATION_LENGTH],
      ['file name', file.filename, MAX_LOCATION_LENGTH],
    ]),
  ];
  for (const [what, value, max] of names) {
    if (value && (value.length > max || CONTROL_CHARACTER.test(value))) throw refuse(`has a ${what} no LiveKit server would send`);
  }
  return event;
}

export class LiveKitWebhooks {
  private sdkVerifier?: LiveKitSdk.TokenVerifier;
  private sdkReceiver?: LiveKitSdk.WebhookReceiver;

  constructor(private readonly config: LiveKitConfig) {
    assertLiveKitCredentials(config);
  }

  /** Made at the first webhook: the SDK loads then (integrations/livekit/sdk.ts). */
  private get verifier(): LiveKitSdk.TokenVerifier {
    return (this.sdkVerifier ??= new (liveKitSdk().TokenVerifier)(this.config.apiKey, this.config.apiSecret));
  }

  private get receiver(): LiveKitSdk.WebhookReceiver {
    return (this.sdkReceiver ??= new (liveKitSdk().WebhookReceiver)(this.config.apiKey, this.config.apiSecret));
  }

  /** Verifies the signature first (a forged body is a 401 even when it is also malformed), then decodes. */
  async verify(rawBody: string, authorization: string | undefined): Promise<LiveKitEvent> {
    await this.checkSignature(rawBody, authorization);
    return assertPlausible(normalizeWebhookEvent(await this.decode(rawBody)));
  }

  /**
   * The same check WebhookReceiver.receive makes, done on its own because the receiver throws
   * plain Errors for both bad signatures and bad bodies, and a route must tell 401 from 400.
   */
  private async checkSignature(rawBody: string, authorization: string | undefined): Promise<void> {
    const token = authorization?.replace(/^Bearer\s+/i, '').trim();
    if (!token) throw new WebhookSignatureError('LiveKit webhook has no Authorization header.');
    let claimedSha256: string | undefined;
    try {
      claimedSha256 = (await this.verifier.verify(token)).sha256;
    } catch (cause) {
      throw new WebhookSignatureError('LiveKit webhook token is invalid or expired.', { cause });
    }
    if (!claimedSha256) throw new WebhookSignatureError('LiveKit webhook token carries no body checksum.');
    if (claimedSha256 !== sha256Base64(rawBody)) {
      throw new WebhookSignatureError('LiveKit webhook body does not match its signed checksum.');
    }
  }

  private async decode(rawBody: string): Promise<WebhookEvent> {
    let event: WebhookEvent;
    try {
      // Signature already checked above; the receiver only decodes here, with the SDK's own options.
      event = await this.receiver.receive(rawBody, undefined, true);
    } catch (cause) {
      throw new WebhookPayloadError('LiveKit webhook body is not a valid webhook event.', { cause });
    }
    if (!event.event || !event.id) throw new WebhookPayloadError('LiveKit webhook event has no name or id.', { eventId: event.id || null });
    return event;
  }
}

export function sha256Base64(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64');
}

export function normalizeWebhookEvent(event: WebhookEvent): LiveKitEvent {
  return {
    id: event.id,
    event: event.event,
    // LiveKit stamps webhook events in whole seconds.
    createdAt: new Date(Number(event.createdAt) * 1000),
    // Egress events carry no `room`; the egress info names it instead.
    roomName: event.room?.name || event.egressInfo?.roomName || null,
    participantIdentity: event.participant?.identity || null,
    participantSid: event.participant?.sid || null,
    participantJoinedAt: participantJoinedAt(event),
    egress: event.egressInfo ? normalizeEgress(event.egressInfo) : null,
  };
}

function participantJoinedAt(event: WebhookEvent): Date | null {
  const participant = event.participant;
  if (!participant) return null;
  // joinedAtMs is newer and more precise; older servers only send whole seconds.
  if (participant.joinedAtMs > 0n) return new Date(Number(participant.joinedAtMs));
  if (participant.joinedAt > 0n) return new Date(Number(participant.joinedAt) * 1000);
  return null;
}

function normalizeEgress(info: EgressInfo): LiveKitEgress {
  // Older servers report a single file in the deprecated `result.file` instead of `fileResults`.
  const files = info.fileResults.length > 0 ? info.fileResults : info.result.case === 'file' ? [info.result.value] : [];
  return {
    egressId: info.egressId,
    status: liveKitSdk().EgressStatus[info.status] ?? String(info.status),
    files: files.map((file) => ({
      location: file.location,
      filename: file.filename,
      // Egress measures files in nanoseconds.
      durationSeconds: file.duration > 0n ? Number(file.duration) / NANOSECONDS_PER_SECOND : null,
    })),
  };
}
