/** LiveKit settings for benchmark processes, which run with NODE_ENV=production (where they are required): `livekit-server --dev`'s. */
export const BENCH_LIVEKIT_ENV = { LIVEKIT_URL: 'ws://localhost:7880', LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' };
