import type * as LiveKitSdk from 'livekit-server-sdk';
import { onFirstUse } from '../../server/on-first-use';

/** The LiveKit server SDK, loaded by the first webhook or recording (server/on-first-use.ts). */
export const liveKitSdk = onFirstUse(() => require('livekit-server-sdk') as typeof LiveKitSdk);

export type { LiveKitSdk };
