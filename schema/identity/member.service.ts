import type { FilterQuery } from '@mikro-orm/core';
import type { Context } from '../../server/context';
import { decodeKeyset, toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import { IdentityErrors } from './identity.errors';
import type { MembersArgs, SetMemberRoleArgs, SetMembershipArgs, UpdateProfileInput } from './identity.inputs';
import { Member, MemberRow, Role } from './member.entity';
import { rejectNulls } from '../../server/validation';
import { readerLocale, type ReaderLocale } from '../../server/i18n/i18n';
import { parseMemberLocale, parseMemberTimeZone } from './member-locale';
import { isSuspended } from '../moderation/visibility';

const memberKey = (member: MemberRow) => [member.createdAt.toISOString(), member.id];

export type MemberServiceDeps = Pick<Context, 'clock' | 'config' | 'em' | 'events' | 'loaders'>;

/** Profiles, roles and memberships. */
export class MemberService {
  constructor(private readonly ctx: MemberServiceDeps) {}

  async get(id: string): Promise<MemberRow> {
    const member = await this.ctx.loaders.memberById.load(id);
    if (!member) throw IdentityErrors.memberNotFound();
    return member;
  }

  /** A managed entity for changes (the loaders hand out rows, which the ORM does not take). */
  private async forUpdate(id: string): Promise<Member> {
    const member = await this.ctx.em.findOne(Member, { id });
    if (!member) throw IdentityErrors.memberNotFound();
    return member;
  }

  /** After a committed change: cached viewers of this member are forgotten here and on every instance (identity.handlers.ts). */
  private changed(member: Member): Member {
    this.ctx.events.emit('MEMBER_CHANGED', { memberId: member.id });
    return member;
  }

  async updateProfile(viewer: MemberRow, input: UpdateProfileInput): Promise<Member> {
    rejectNulls(input, ['displayName']);
    const member = await this.forUpdate(viewer.id);
    if (input.displayName !== undefined && input.displayName !== null) member.displayName = input.displayName.trim();
    if (input.company !== undefined) member.company = input.company?.trim() || null;
    if (input.jobTitle !== undefined) member.jobTitle = input.jobTitle?.trim() || null;
    if (input.locale !== undefined) member.locale = parseMemberLocale(input.locale);
    if (input.timeZone !== undefined) member.timeZone = parseMemberTimeZone(input.timeZone);
    await this.ctx.em.flush();
    return this.changed(member);
  }

  /** The language and zone the member reads in: their own, else the community's. */
  readerOf(member: MemberRow): ReaderLocale {
    return readerLocale(member, this.ctx.config);
  }

  async setRole({ memberId, role }: SetMemberRoleArgs): Promise<Member> {
    const member = await this.forUpdate(memberId);
    // Admins and moderators cannot be suspended (moderation), so a suspended member does not become one.
    if ((role === Role.ADMIN || role === Role.MODERATOR) && isSuspended(member, this.ctx.clock.now()))
      throw IdentityErrors.suspendedStaff();
    if (member.role === Role.ADMIN && role !== Role.ADMIN) {
      // The admins' rows are locked while counting them: two admins demoting each other (or
      // themselves) at once are decided one after the other, so the second finds one admin left.
      await this.ctx.em.transactional(async (em) => {
        const admins = await em
          .getConnection()
          .execute<{ id: string }[]>(`select id from member where role = 'ADMIN' for update`, [], 'all', em.getTransactionContext());
        if (!admins.some((admin) => admin.id === member.id)) return; // demoted meanwhile: nothing left to decide
        if (admins.length <= 1) throw IdentityErrors.lastAdmin();
        await em.nativeUpdate(Member, { id: member.id }, { role });
      });
      await this.ctx.em.refresh(member);
      return this.changed(member);
    }
    member.role = role;
    await this.ctx.em.flush();
    return this.changed(member);
  }

  async setMembership({ memberId, membership, renewalDate }: SetMembershipArgs): Promise<Member> {
    const member = await this.forUpdate(memberId);
    member.membership = membership;
    member.renewalDate = renewalDate ?? null;
    await this.ctx.em.flush();
    return this.changed(member);
  }

  /** Newest first; keyset pagination on (createdAt, id). */
  async list({ first, after, search, role, membership }: MembersArgs): Promise<ConnectionShape<Member>> {
    // What the members must match; totalCount counts them all, on every page.
    const matching: FilterQuery<Member>[] = [];
    if (role) matching.push({ role });
    if (membership) matching.push({ membership });
    const term = search?.trim();
    if (term) {
      const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      matching.push({ $or: [{ displayName: { $ilike: pattern } }, { email: { $ilike: pattern } }, { company: { $ilike: pattern } }] });
    }
    const page = [...matching];
    const cursor = decodeKeyset(after);
    if (cursor) {
      const [createdAt, id] = cursor as [string, string];
      page.push({ $or: [{ createdAt: { $lt: new Date(createdAt) } }, { createdAt: new Date(createdAt), id: { $lt: id } }] });
    }
    const rows = await this.ctx.em.find(Member, { $and: page }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 });
    return withTotalCount(toConnection(rows, first, memberKey, after), () =>
      this.ctx.em.count(Member, matching.length ? { $and: matching } : {}),
    );
  }
}
