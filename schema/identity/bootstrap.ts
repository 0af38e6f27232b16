import type { EntityManager } from '@mikro-orm/postgresql';
import { Member, Role } from './member.entity';
import { hashPassword } from './password';

/**
 * HEARTH_ADMIN_EMAIL / HEARTH_ADMIN_PASSWORD: creates that admin when the community has none, so
 * a fresh deployment can be administered. Never touches an existing admin.
 */
export async function ensureBootstrapAdmin(em: EntityManager, email: string, password: string, now: Date): Promise<Member | null> {
  if (await em.count(Member, { role: Role.ADMIN })) return null;
  const existing = await em.findOne(Member, { email });
  if (existing) {
    existing.role = Role.ADMIN;
    await em.flush();
    return existing;
  }
  const admin = em.create(Member, {
    email,
    passwordHash: await hashPassword(password),
    displayName: 'Admin',
    role: Role.ADMIN,
    createdAt: now,
  });
  await em.flush();
  return admin;
}
