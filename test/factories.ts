import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member, Membership, Role } from '../schema/identity/member.entity';
import { hashPassword } from '../schema/identity/password';
import { Content, ContentStatus, ContentType } from '../schema/content/content.entity';
import { Theme } from '../schema/content/theme.entity';
import { MemberInterest } from '../schema/content/member-interest.entity';

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

let themeCounter = 0;
/** A theme with a unique slug. */
export async function buildTheme(em: EntityManager, overrides: Partial<Theme> = {}): Promise<Theme> {
  const n = `${Date.now().toString(36)}${(themeCounter++).toString(36)}${randomUUID().slice(0, 4)}`;
  const theme = em.create(Theme, { slug: `theme-${n}`, name: `Theme ${n}`, createdAt: new Date('2026-01-01T00:00:00Z'), ...overrides });
  await em.flush();
  return theme;
}

/**
 * A content item, PUBLISHED by default (publishedAt = createdAt), on the given themes. Pass
 * `author` or one is built. Status DRAFT leaves publishedAt null.
 */
export async function buildContent(
  em: EntityManager,
  overrides: Partial<Omit<Content, 'themes' | 'author'>> & { themes?: Theme[]; author?: Member } = {},
): Promise<Content> {
  const { themes = [], author, ...fields } = overrides;
  const createdAt = fields.createdAt ?? new Date('2026-01-02T09:00:00Z');
  const status = fields.status ?? ContentStatus.PUBLISHED;
  const content = em.create(Content, {
    type: ContentType.ARTICLE,
    title: `Content ${randomUUID().slice(0, 6)}`,
    summary: 'A summary',
    body: 'Some *markdown*.',
    author: author ?? (await buildMember(em, { role: Role.SPEAKER })),
    status,
    createdAt,
    updatedAt: createdAt,
    publishedAt: status === ContentStatus.DRAFT ? null : createdAt,
    ...fields,
  });
  for (const theme of themes) content.themes.add(em.getReference(Theme, theme.id));
  await em.flush();
  return content;
}

/** A visit row as the tracker would have written it: [start, last activity] (last defaults to start + 10 min). */
export async function buildVisit(
  em: EntityManager,
  member: { id: string },
  startedAt: string | Date,
  lastActivityAt?: string | Date,
): Promise<void> {
  const start = new Date(startedAt);
  const last = lastActivityAt ? new Date(lastActivityAt) : new Date(start.getTime() + 10 * 60_000);
  await em.execute('insert into visit (id, member_id, started_at, last_activity_at) values (?, ?, ?, ?)', [
    randomUUID(),
    member.id,
    start,
    last,
  ]);
}

/** A recorded view of an item: first seen at `at`, `seconds` long. */
export async function buildView(
  em: EntityManager,
  member: { id: string },
  content: { id: string },
  at: string | Date,
  seconds = 30,
): Promise<void> {
  const seen = new Date(at);
  await em.execute(
    `insert into content_view (id, member_id, content_id, first_seen_at, last_seen_at, seconds, source) values (?, ?, ?, ?, ?, ?, 'FEED')`,
    [randomUUID(), member.id, content.id, seen, new Date(seen.getTime() + seconds * 1000), seconds],
  );
}

/** Declares `members`' interest in `theme` (written at once). */
export async function buildInterests(
  em: EntityManager,
  members: { id: string }[],
  theme: { id: string },
  createdAt = new Date('2026-01-01T00:00:00Z'),
): Promise<void> {
  for (const member of members) await em.insert(MemberInterest, { member: member.id, theme: theme.id, createdAt });
}
