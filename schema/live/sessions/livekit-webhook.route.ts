import express from 'express';
import type { AppDeps } from '../../../server/context';
import { WebhookPayloadError, WebhookSignatureError } from '../../../integrations/livekit/webhooks';
import { LiveKitEventHandler } from './livekit-events.service';

/** LiveKit posts small JSON events; anything larger is not one. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * `POST /webhooks/livekit`: LiveKit's signed events. The body is read raw, since the signature is a
 * SHA-256 of its exact bytes. 401 for a missing or forged signature, 400 for a signed body that is
 * not an event, 200 once applied (or already applied: LiveKit retries until it gets a 2xx).
 */
export function registerLiveKitWebhookRoute(app: express.Express, deps: AppDeps): void {
  const handler = new LiveKitEventHandler(deps);
  app.post('/webhooks/livekit', express.text({ type: () => true, limit: MAX_WEBHOOK_BYTES }), async (req, res, next) => {
    try {
      const rawBody = typeof req.body === 'string' ? req.body : '';
      const event = await deps.liveWebhooks.verify(rawBody, req.get('authorization'));
      const outcome = await handler.handle(event);
      deps.logger.info({ eventId: event.id, event: event.event, room: event.roomName, outcome }, 'livekit webhook');
      res.json({ outcome });
    } catch (err) {
      if (err instanceof WebhookSignatureError) {
        deps.logger.warn({ reason: err.message }, 'livekit webhook rejected');
        res.status(401).json({ errors: [{ message: err.message, extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      if (err instanceof WebhookPayloadError) {
        // Once, without a stack: a 400 is the whole story (LiveKit does not retry it).
        deps.logger.warn({ eventId: err.eventId?.slice(0, 100) ?? null, reason: err.message }, 'livekit webhook refused');
        res.status(400).json({ errors: [{ message: err.message, extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
      next(err);
    }
  });
}
