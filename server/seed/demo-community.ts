import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member, Membership, Role } from '../../schema/identity/member.entity';
import { hashPassword } from '../../schema/identity/password';
import { seedDemoContent } from './demo-content';
import { seededRandom, type Random } from './random';

/** Demo data only: refused under NODE_ENV=production by env.ts (HEARTH_SEED_DEMO). */
export const DEMO_PASSWORD = 'hearth-demo-password';

export type Habit = 'daily' | 'weekly' | 'monthly' | 'fading' | 'never-back';
const HABITS: readonly [Habit, number][] = [
  ['daily', 0.1],
  ['weekly', 0.4],
  ['monthly', 0.2],
  ['fading', 0.15],
  ['never-back', 0.15],
];

const COMPANIES = ['Acme Logistics', 'Borealis Bank', 'Cobalt Health', 'Delta Retail', 'Evergreen Energy', 'Fjord Media', 'Granite Insurance', 'Helix Pharma'];
const FIRST = ['Alice', 'Bruno', 'Chloé', 'Dmitri', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kenji', 'Lea', 'Marco', 'Nadia', 'Omar', 'Paula'];
const LAST = ['Martin', 'Schmidt', 'Rossi', 'Nowak', 'Dubois', 'Silva', 'Jensen', 'Moreau', 'Kowalski', 'Bernard'];
const TITLES = ['Head of Marketing', 'CTO', 'Product Manager', 'Sales Director', 'Data Analyst', 'Operations Lead', 'CEO', 'Engineer'];

export interface DemoOptions {
  members: number;
  days: number;
  seed: number;
  now: Date;
}

export interface DemoLogin {
  email: string;
  role: Role;
  habit?: Habit;
}

export interface DemoCommunity {
  logins: DemoLogin[];
  password: string;
  members: number;
  visits: number;
  items: number;
}

function pickHabit(random: Random): Habit {
  let roll = random.next();
  for (const [habit, share] of HABITS) {
    if ((roll -= share) < 0) return habit;
  }
  return 'weekly';
}

/** Probability of at least one visit on day `day` (0 = first day of the period) for a habit. */
function visitChance(habit: Habit, day: number, days: number): number {
  switch (habit) {
    case 'daily':
      return 0.85;
    case 'weekly':
      return 1 / 6;
    case 'monthly':
      return 1 / 28;
    case 'fading':
      return day < days / 2 ? 1 / 5 : 0;
    case 'never-back':
      return 0;
  }
}

interface VisitRow {
  memberId: string;
  startedAt: Date;
  lastActivityAt: Date;
}

function habitVisits(random: Random, memberId: string, habit: Habit, joined: Date, options: DemoOptions): VisitRow[] {
  const rows: VisitRow[] = [];
  const dayMs = 86_400_000;
  const start = options.now.getTime() - options.days * dayMs;
  for (let day = 0; day < options.days; day++) {
    const dayStart = start + day * dayMs;
    const first = dayStart < joined.getTime() + dayMs && dayStart >= joined.getTime() - dayMs;
    if (!first && !random.chance(visitChance(habit, day, options.days))) continue;
    const startedAt = new Date(dayStart + random.int(7 * 60, 21 * 60) * 60_000);
    if (startedAt > options.now) continue;
    rows.push({ memberId, startedAt, lastActivityAt: new Date(startedAt.getTime() + random.int(1, 25) * 60_000) });
  }
  return rows;
}

/**
 * A believable community: members at a handful of companies with distinct habits (some daily,
 * many weekly, some monthly, some fading away, some never back), their visits, a few paid
 * members near renewal. Deterministic for a given seed.
 */
export async function seedDemoCommunity(em: EntityManager, options: DemoOptions): Promise<DemoCommunity> {
  const random = seededRandom(options.seed);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const logins: DemoLogin[] = [];
  const visits: VisitRow[] = [];
  const periodStart = options.now.getTime() - options.days * 86_400_000;
  const special: [string, Role][] = [
    ['admin@demo.hearth.dev', Role.ADMIN],
    ['speaker@demo.hearth.dev', Role.SPEAKER],
    ['partner@demo.hearth.dev', Role.PARTNER],
  ];
  const shownHabits = new Map<Habit, number>();
  for (let i = 0; i < options.members + special.length; i++) {
    const [email, role] = special[i] ?? [`member${i - special.length + 1}@demo.hearth.dev`, Role.MEMBER];
    const habit = role === Role.MEMBER ? pickHabit(random) : 'daily';
    const joined = new Date(periodStart + random.int(0, Math.floor(options.days / 3)) * 86_400_000);
    const paid = random.chance(0.2);
    const member = em.create(Member, {
      id: randomUUID(),
      email,
      passwordHash,
      displayName: `${random.pick(FIRST)} ${random.pick(LAST)}`,
      company: role === Role.PARTNER ? 'Partner Solutions' : random.pick(COMPANIES),
      jobTitle: random.pick(TITLES),
      role,
      membership: paid ? Membership.PAID : Membership.FREE,
      renewalDate: paid ? new Date(options.now.getTime() + random.int(5, 200) * 86_400_000).toISOString().slice(0, 10) : null,
      createdAt: joined,
    });
    visits.push(...habitVisits(random, member.id, habit, joined, options));
    if (role !== Role.MEMBER) logins.push({ email, role });
    else if ((shownHabits.get(habit) ?? 0) < 2) {
      shownHabits.set(habit, (shownHabits.get(habit) ?? 0) + 1);
      logins.push({ email, role, habit });
    }
  }
  await em.flush();
  await insertVisits(em, visits);
  const { items } = await seedDemoContent(em, random, { days: options.days, now: options.now, perDay: 2 });
  return { logins, password: DEMO_PASSWORD, members: options.members + special.length, visits: visits.length, items };
}

async function insertVisits(em: EntityManager, rows: VisitRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await em.execute(
      `insert into visit (id, member_id, started_at, last_activity_at)
       select gen_random_uuid(), m, s, e from jsonb_to_recordset(?::jsonb) as t(m uuid, s timestamptz, e timestamptz)`,
      [JSON.stringify(chunk.map((r) => ({ m: r.memberId, s: r.startedAt, e: r.lastActivityAt })))],
    );
  }
  await em.execute(
    `update member set last_visit_at = v.last from (select member_id, max(last_activity_at) as last from visit group by member_id) v
     where v.member_id = member.id`,
  );
}
