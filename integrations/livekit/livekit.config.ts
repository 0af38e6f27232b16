/** Connection settings for one LiveKit project. Parsed by `server/env.ts`; nothing in `integrations/livekit/` reads the environment. */
export interface LiveKitConfig {
  /** Server URL, `wss://…` or `https://…`; the SDK turns `ws(s)` into `http(s)` for API calls. */
  url: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * The SDK silently falls back to `LIVEKIT_API_KEY` / `LIVEKIT_API_SECRET` from the environment
 * when a key or secret is empty, so an empty value here would sign with credentials nobody
 * configured for Hearth. Fail instead.
 */
export function assertLiveKitCredentials(config: LiveKitConfig): void {
  if (!config.apiKey) throw new Error('LiveKit apiKey is empty.');
  if (!config.apiSecret) throw new Error('LiveKit apiSecret is empty.');
}
