import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Context } from '../../server/context';
import { IdentityErrors } from './identity.errors';
import type { LogInInput, SignUpInput } from './identity.inputs';
import { Member } from './member.entity';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password';
import { RefreshToken } from './refresh-token.entity';

const REFRESH_TOKEN_DAYS = 30;

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  member: Member;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Refresh tokens are "<row id>.<secret>"; only the secret's SHA-256 is stored. */
function parseRefreshToken(token: string): { id: string; secret: string } | null {
  const match = /^([0-9a-f-]{36})\.([\w-]{20,})$/.exec(token);
  return match ? { id: match[1], secret: match[2] } : null;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Sign-up, log-in, refresh-token rotation with reuse detection, log-out. */
export class AuthService {
  constructor(private readonly ctx: Context) {}

  async signUp(input: SignUpInput): Promise<Session> {
    await this.ctx.rateLimits.consume('signUpsPerIp', this.ctx.ip);
    const email = normalizeEmail(input.email);
    if (await this.ctx.em.count(Member, { email })) throw IdentityErrors.emailTaken();
    const member = this.ctx.em.create(Member, {
      email,
      passwordHash: await hashPassword(input.password),
      displayName: input.displayName.trim(),
      company: input.company?.trim() || null,
      createdAt: this.ctx.clock.now(),
    });
    try {
      await this.ctx.em.flush();
    } catch (error) {
      // Two sign-ups with one email at the same instant: the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw IdentityErrors.emailTaken();
      throw error;
    }
    return this.openSession(member, randomUUID());
  }

  /**
   * Failed logins are limited per email *and* client address (10 in 15 minutes), and per address
   * (100 an hour, across emails): someone guessing a member's password locks only their own
   * address out of that account, never the member on theirs.
   */
  async logIn(input: LogInInput): Promise<Session> {
    const email = normalizeEmail(input.email);
    const attempt = `${email}|${this.ctx.ip}`;
    await this.ctx.rateLimits.assertUnder('loginFailuresPerEmailAndIp', attempt);
    await this.ctx.rateLimits.assertUnder('loginFailuresPerIp', this.ctx.ip);
    const member = await this.ctx.em.findOne(Member, { email }, { populate: ['passwordHash'] });
    // Unknown emails cost a hash too, so timing does not reveal which emails exist.
    const valid = await verifyPassword(input.password, member?.passwordHash ?? (await decoyPasswordHash()));
    if (!member || !valid) {
      await this.ctx.rateLimits.consume('loginFailuresPerEmailAndIp', attempt);
      await this.ctx.rateLimits.consume('loginFailuresPerIp', this.ctx.ip);
      throw IdentityErrors.invalidCredentials();
    }
    await this.ctx.rateLimits.reset('loginFailuresPerEmailAndIp', attempt);
    return this.openSession(member, randomUUID());
  }

  /** Rotates: the presented token stops working. Presenting a rotated token revokes its whole family. */
  async refresh(token: string): Promise<Session> {
    const stored = await this.findPresented(token);
    if (!stored) throw IdentityErrors.invalidRefreshToken();
    const now = this.ctx.clock.now();
    if (stored.expiresAt <= now) throw IdentityErrors.invalidRefreshToken();
    // Claim the token atomically: of two concurrent refreshes with it, one wins, the other is reuse.
    const claimed = await this.ctx.em.nativeUpdate(RefreshToken, { id: stored.id, revokedAt: null }, { revokedAt: now });
    if (claimed === 0) {
      await this.revokeFamily(stored.familyId);
      this.ctx.logger.warn({ memberId: stored.member.id, familyId: stored.familyId }, 'refresh token reuse: family revoked');
      throw IdentityErrors.invalidRefreshToken();
    }
    const member = await this.ctx.loaders.memberById.load(stored.member.id);
    if (!member) throw IdentityErrors.invalidRefreshToken();
    return this.openSession(member, stored.familyId);
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored: logging out twice is fine. */
  async logOut(token: string): Promise<boolean> {
    const stored = await this.findPresented(token);
    if (stored) await this.revokeFamily(stored.familyId);
    return true;
  }

  private async findPresented(token: string): Promise<RefreshToken | null> {
    const parsed = parseRefreshToken(token);
    if (!parsed) return null;
    const stored = await this.ctx.em.findOne(RefreshToken, { id: parsed.id });
    return stored && sameHash(stored.secretHash, sha256(parsed.secret)) ? stored : null;
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.ctx.em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: this.ctx.clock.now() });
  }

  private async openSession(member: Member, familyId: string): Promise<Session> {
    const now = this.ctx.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const refresh = this.ctx.em.create(RefreshToken, {
      member: member.id,
      familyId,
      secretHash: sha256(secret),
      createdAt: now,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_DAYS * 86_400_000),
    });
    await this.ctx.em.flush();
    const access = await this.ctx.accessTokens.issue(member.id);
    // The rest of this request (e.g. the payload's `member { email }`) acts as the member it authenticated.
    this.ctx.viewer = member;
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken: `${refresh.id}.${secret}`, member };
  }
}
