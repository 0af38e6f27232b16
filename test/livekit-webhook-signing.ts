import { randomUUID } from 'node:crypto';
import { AccessToken, WebhookEvent, type WebhookEventNames } from 'livekit-server-sdk';
import { assertLiveKitCredentials, type LiveKitConfig } from '../integrations/livekit/livekit.config';
import { sha256Base64 } from '../integrations/livekit/webhooks';

/**
 * Signs a webhook body the way LiveKit's server does: a token from the API key whose `sha256`
 * claim is the base64 SHA-256 of the exact body bytes. Returns the Authorization header value
 * (LiveKit sends the bare JWT, no `Bearer`). For tests, benchmarks and local replays only.
 */
export async function signWebhookForTest(config: LiveKitConfig, body: string, ttlSeconds = 600): Promise<string> {
  assertLiveKitCredentials(config);
  const token = new AccessToken(config.apiKey, config.apiSecret, { ttl: ttlSeconds });
  token.sha256 = sha256Base64(body);
  return token.toJwt();
}

export type WebhookEventInit = NonNullable<ConstructorParameters<typeof WebhookEvent>[0]> & { event: WebhookEventNames };

/**
 * A webhook body as LiveKit posts it (protobuf JSON: camelCase fields, int64 as strings, enums
 * by name). `id` and `createdAt` default to a fresh uuid and the current second.
 */
export function webhookBody(init: WebhookEventInit): string {
  const message = new WebhookEvent({
    id: `EV_${randomUUID()}`,
    createdAt: BigInt(Math.floor(Date.now() / 1000)),
    ...init,
  });
  // The SDK's WebhookEvent subclass initializes `event` to '' after the base constructor has set it.
  message.event = init.event;
  return message.toJsonString();
}
