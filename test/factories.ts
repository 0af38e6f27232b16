import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member, Membership, Role } from '../schema/identity/member.entity';
import { hashPassword } from '../schema/identity/password';

export const FACTORY_PASSWORD = 'factory-password-1';
let passwordHash: Promise<string> | undefined;

/** A persisted member with unique email; every field can be overridden. Password: FACTORY_PASSWORD. */
export async function buildMember(em: EntityManager, overrides: Partial<Member> = {}): Promise<Member> {
  passwordHash ??= hashPassword(FACTORY_PASSWORD);
  const id = randomUUID();
  const member = em.create(Member, {
    id,
    email: `member-${id.slice(0, 8)}@example.test`,
    passwordHash: await passwordHash,
    displayName: `Member ${id.slice(0, 4)}`,
    company: 'Example Corp',
    role: Role.MEMBER,
    membership: Membership.FREE,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  });
  await em.flush();
  return member;
}

export const buildAdmin = (em: EntityManager, overrides: Partial<Member> = {}) => buildMember(em, { role: Role.ADMIN, ...overrides });
