import { isUUID } from 'class-validator';
import { jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Clock } from './clock';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const ISSUER = 'hearth';
const AUDIENCE = 'hearth-api';

export interface AccessClaims {
  memberId: string;
  expiresAt: Date;
}

/** Signs and verifies the 15-minute access JWTs (HS256), against the injectable clock. */
export class AccessTokens {
  private readonly key: Uint8Array;
  /** Tokens whose signature was checked: a client sends the same one for 15 minutes. Expiry is re-checked on every use. */
  private readonly verified = new LRUCache<string, AccessClaims>({ max: 20_000 });

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** `at`: when it counts as issued (default now); one member and instant always give the same token. */
  async issue(memberId: string, at: Date = this.clock.now()): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(at.getTime() / 1000);
    const expiresAt = issuedAt + ACCESS_TOKEN_SECONDS;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(memberId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** Returns null for anything that is not a valid, unexpired access token of ours. */
  async verify(token: string): Promise<AccessClaims | null> {
    const known = this.verified.get(token);
    if (known) return known.expiresAt > this.clock.now() ? known : null;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: this.clock.now(),
      });
      // A member id is a UUID: a validly signed token naming anything else names nobody (and must
      // never reach a uuid column as a 500).
      if (!payload.sub || !isUUID(payload.sub) || !payload.exp) return null;
      const claims = { memberId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
      this.verified.set(token, claims);
      return claims;
    } catch {
      return null;
    }
  }
}

/** Extracts the token from "Bearer <token>"; anything else is treated as no token. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : null;
}
