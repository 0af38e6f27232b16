import { parseMemberLocale, parseMemberTimeZone } from './member-locale';
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Context } from '../../server/context';
import { IdentityErrors } from './identity.errors';
import type { LogInInput, SignUpInput } from './identity.inputs';
import { Member, MemberRow } from './member.entity';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password';
import { RefreshToken } from './refresh-token.entity';
import { ModerationErrors } from '../moderation/moderation.errors';
import { isSuspended } from '../moderation/visibility';

const REFRESH_TOKEN_DAYS = 30;

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  member: MemberRow;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Refresh tokens are "<row id>.<secret>"; only the secret's SHA-256 is stored. */
function parseRefreshToken(token: string): { id: string; secret: string } | null {
  // The id is a UUID as randomUUID writes it: anything else would reach PostgreSQL's uuid parser.
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([\w-]{20,})$/.exec(token);
  return match ? { id: match[1], secret: match[2] } : null;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export type AuthServiceDeps = Pick<
  Context,
  'accessTokens' | 'clock' | 'config' | 'em' | 'ip' | 'loaders' | 'logger' | 'rateLimits' | 'viewer'
>;

/** Sign-up, log-in, refresh-token rotation with reuse detection, log-out. */
export class AuthService {
  constructor(private readonly ctx: AuthServiceDeps) {}

  /** A suspended member gets no session (their refresh tokens work again once the suspension ends). */
  private refuseSuspended(member: MemberRow): void {
    if (isSuspended(member, this.ctx.clock.now())) throw ModerationErrors.suspended(member.suspendedUntil!);
  }

  async signUp(input: SignUpInput): Promise<Session> {
    await this.ctx.rateLimits.consume('signUpsPerIp', this.ctx.ip);
    const email = normalizeEmail(input.email);
    const locale = parseMemberLocale(input.locale ?? null);
    const timeZone = parseMemberTimeZone(input.timeZone ?? null);
    if (await this.ctx.em.count(Member, { email })) throw IdentityErrors.emailTaken();
    const member = this.ctx.em.create(Member, {
      email,
      passwordHash: await hashPassword(input.password),
      displayName: input.displayName.trim(),
      company: input.company?.trim() || null,
      locale,
      timeZone,
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
    this.refuseSuspended(member);
    return this.openSession(member, randomUUID());
  }

  /**
   * Rotates: the presented token stops working. Presenting it again within the grace window
   * (two tabs, a retried request, React StrictMode) returns the same pair the first use got;
   * later, or once that pair was itself rotated or revoked, it is reuse and revokes the family.
   */
  async refresh(token: string): Promise<Session> {
    const presented = parseRefreshToken(token);
    const stored = await this.findPresented(token);
    if (!stored || !presented) throw IdentityErrors.invalidRefreshToken();
    const now = this.ctx.clock.now();
    if (stored.expiresAt <= now) throw IdentityErrors.invalidRefreshToken();
    const member = await this.ctx.loaders.memberById.load(stored.member.id);
    if (!member) throw IdentityErrors.invalidRefreshToken();
    this.refuseSuspended(member);
    // Claim and successor in one transaction: a concurrent refresh with the same token waits on the
    // row, then finds it claimed and the successor committed (the grace path below).
    const successor = await this.ctx.em.transactional(async (em) => {
      const claimed = await em.nativeUpdate(RefreshToken, { id: stored.id, revokedAt: null }, { revokedAt: now });
      return claimed
        ? this.storeToken(em as EntityManager, member.id, stored.familyId, this.successorSecret(stored.id, presented.secret), now)
        : null;
    });
    if (successor) return this.session(member, successor.token, now);
    return this.replay(stored, presented.secret, member, now);
  }

  /** A rotated token presented again: the pair it was rotated to, inside the grace window; reuse otherwise. */
  private async replay(stored: RefreshToken, secret: string, member: MemberRow, now: Date): Promise<Session> {
    await this.ctx.em.refresh(stored);
    const secretOfSuccessor = this.successorSecret(stored.id, secret);
    const graceMs = this.ctx.config.refreshTokenGraceMs;
    const withinGrace = graceMs > 0 && stored.revokedAt !== null && now.getTime() - stored.revokedAt.getTime() <= graceMs;
    const successor = withinGrace
      ? await this.ctx.em.findOne(RefreshToken, {
          familyId: stored.familyId,
          revokedAt: null,
          secretHash: sha256(secretOfSuccessor),
          expiresAt: { $gt: now },
        })
      : null;
    if (successor) return this.session(member, `${successor.id}.${secretOfSuccessor}`, successor.createdAt);
    await this.revokeFamily(stored.familyId);
    this.ctx.logger.warn({ memberId: stored.member.id, familyId: stored.familyId }, 'refresh token reuse: family revoked');
    throw IdentityErrors.invalidRefreshToken();
  }

  /**
   * The secret of the token a rotation makes, derived from the one presented: a second
   * presentation inside the grace window can hand out the same token again, while only its hash
   * is stored. Without the presented secret (which the server never keeps) it cannot be derived.
   */
  private successorSecret(tokenId: string, presentedSecret: string): string {
    return createHmac('sha256', this.ctx.config.jwtSecret).update(`refresh-successor:${tokenId}:${presentedSecret}`).digest('base64url');
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

  private async openSession(member: MemberRow, familyId: string): Promise<Session> {
    const now = this.ctx.clock.now();
    const { token } = await this.storeToken(this.ctx.em, member.id, familyId, randomBytes(32).toString('base64url'), now);
    return this.session(member, token, now);
  }

  private async storeToken(em: EntityManager, memberId: string, familyId: string, secret: string, now: Date): Promise<{ token: string }> {
    const refresh = em.create(RefreshToken, {
      member: memberId,
      familyId,
      secretHash: sha256(secret),
      createdAt: now,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_DAYS * 86_400_000),
    });
    await em.flush();
    return { token: `${refresh.id}.${secret}` };
  }

  /** The access token is issued as of `issuedAt`: the same instant gives the same token (a replayed rotation). */
  private async session(member: MemberRow, refreshToken: string, issuedAt: Date): Promise<Session> {
    const access = await this.ctx.accessTokens.issue(member.id, issuedAt);
    // The rest of this request (e.g. the payload's `member { email }`) acts as the member it authenticated.
    this.ctx.viewer = member;
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, member };
  }
}
