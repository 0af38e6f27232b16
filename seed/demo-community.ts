import { Client } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Membership, Role } from '../schema/identity/member.entity';
import { hashPassword } from '../schema/identity/password';
import { seedDemoSessions } from './demo-live';
import { copyRows } from './copy';
import { publishedBy, seedDemoContent } from './demo-content';
import { COMPANIES, TITLES, uniqueNames } from './demo-people';
import { seedDemoConversations, seedDemoComments } from './demo-social';
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

/** The community `npm start` seeds on an empty embedded database. */
export const DEMO_SIZE = { members: 500, days: 90, seed: 42 };

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

const VIEW_SOURCES = ['FEED', 'FEED', 'FEED', 'EMAIL', 'NOTIFICATION', 'DIRECT'];

interface DemoMember {
  id: string;
  index: number;
  habit: Habit;
  joined: Date;
}

/** Each member's visits come from a stream of their own, so they can be generated twice alike. */
const memberRandom = (seed: number, index: number, salt: number) => seededRandom((seed * 2_654_435_761 + index * 40_503 + salt) >>> 0);

function* visitsOf(members: DemoMember[], options: DemoOptions): Generator<VisitRow & { id: string; random: Random }> {
  for (const member of members) {
    const random = memberRandom(options.seed, member.index, 1);
    const visits = habitVisits(random, member.id, member.habit, member.joined, options).map((visit) => ({ ...visit, id: random.uuid() }));
    // What happens during the visits draws from another stream: the visits stay the same either way.
    const during = memberRandom(options.seed, member.index, 2);
    for (const visit of visits) yield { ...visit, random: during };
  }
}

/**
 * A believable community: members at a handful of companies with distinct habits (some daily,
 * many weekly, some monthly, some fading away, some never back), their visits, themes and items
 * of every type, the views of those visits, a few paid members near renewal. Deterministic for
 * a given seed; every table is loaded with COPY in one transaction, so it scales to the
 * benchmarks' sizes (`npm run seed:demo -- --members 100000 --days 365`).
 */
export async function seedDemoCommunity(em: EntityManager, options: DemoOptions): Promise<DemoCommunity> {
  const client = new Client({ connectionString: em.config.get('clientUrl') });
  // A connection lost mid-load fails the query in flight; without a listener it would also end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('begin');
    const community = await load(client, options);
    await client.query('commit');
    // Fresh statistics after a bulk load, so the first queries get index plans.
    await client.query('analyze');
    return community;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function load(client: Client, options: DemoOptions): Promise<DemoCommunity> {
  const random = seededRandom(options.seed);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const periodStart = options.now.getTime() - options.days * 86_400_000;
  const { members, rows, logins } = demoMembers(random, options, periodStart);
  await copyRows(
    client,
    'member',
    ['id', 'email', 'password_hash', 'display_name', 'company', 'job_title', 'role', 'membership', 'renewal_date', 'created_at'],
    rows.map((row) => [
      row.id,
      row.email,
      passwordHash,
      row.displayName,
      row.company,
      row.jobTitle,
      row.role,
      row.membership,
      row.renewalDate,
      row.createdAt,
    ]),
  );
  const visits = await copyRows(
    client,
    'visit',
    ['id', 'member_id', 'started_at', 'last_activity_at'],
    (function* () {
      for (const visit of visitsOf(members, options)) yield [visit.id, visit.memberId, visit.startedAt, visit.lastActivityAt];
    })(),
  );
  const authorIds = rows.filter((row) => row.role === Role.SPEAKER || row.role === Role.ADMIN).map((row) => row.id);
  const items = await seedDemoContent(client, random, {
    start: periodStart,
    end: options.now.getTime(),
    memberIds: rows.map((row) => row.id),
    authorIds,
  });
  await copyRows(
    client,
    'content_view',
    ['id', 'member_id', 'content_id', 'visit_id', 'first_seen_at', 'last_seen_at', 'seconds', 'source'],
    (function* () {
      for (const visit of visitsOf(members, options)) {
        const available = publishedBy(items, visit.startedAt.getTime());
        const views = Math.min(available, visit.random.int(0, 2));
        for (let i = 0; i < views; i++) {
          const item = items[visit.random.int(0, available - 1)];
          const seen = new Date(visit.startedAt.getTime() + i * 60_000);
          const seconds = visit.random.int(15, 600);
          yield [
            visit.random.uuid(),
            visit.memberId,
            item.id,
            visit.id,
            seen,
            new Date(seen.getTime() + seconds * 1000),
            seconds,
            visit.random.pick(VIEW_SOURCES),
          ];
        }
      }
    })(),
  );
  await client.query(
    `update member set last_visit_at = v.last from (select member_id, max(last_activity_at) as last from visit group by member_id) v where v.member_id = member.id`,
  );
  await client.query(
    `update content set view_count = v.n from (select content_id, count(*) as n from content_view group by content_id) v where v.content_id = content.id`,
  );
  const staff = (role: Role) => rows.find((row) => row.role === role)!.id;
  await seedDemoRules(client, random, staff(Role.ADMIN), options.now);
  const memberIds = rows.filter((row) => row.role === Role.MEMBER).map((row) => row.id);
  await seedDemoSessions(client, random, {
    adminId: staff(Role.ADMIN),
    speakerId: staff(Role.SPEAKER),
    partnerId: staff(Role.PARTNER),
    memberIds,
    now: options.now,
  });
  await seedDemoComments(client, random, { items, memberIds, now: options.now });
  const loginIds = logins.map((login) => rows.find((row) => row.email === login.email)!.id);
  await seedDemoConversations(client, random, { loginIds, memberIds, now: options.now });
  return { logins, password: DEMO_PASSWORD, members: rows.length, visits, items: items.length };
}

/**
 * Two rules, so the demo shows the automated digests at work: an enabled win-back rule (the
 * in-process worker writes its emails to the outbox) and a backlog rule left off for previewing.
 */
async function seedDemoRules(client: Client, random: Random, adminId: string, now: Date): Promise<void> {
  const rules: [string, string, boolean][] = [
    ['Win back members away for a week', 'INACTIVITY', true],
    ['Fortnightly catch-up on unseen content', 'UNSEEN_BACKLOG', false],
  ];
  for (const [name, trigger, enabled] of rules) {
    await client.query(
      `insert into engagement_rule (id, name, trigger, inactivity_days, every_days, min_unseen, max_items, audience_roles,
         audience_themes, audience_memberships, holdout_percent, enabled, created_by_id, created_at, updated_at)
       values ($1, $2, $3, 7, 14, 3, 6, '{}', '{}', '{}', 10, $4, $5, $6, $6)`,
      [random.uuid(), name, trigger, enabled, adminId, now],
    );
  }
}

interface MemberRow {
  id: string;
  email: string;
  displayName: string;
  company: string;
  jobTitle: string;
  role: Role;
  membership: Membership;
  renewalDate: string | null;
  createdAt: Date;
}

/**
 * The logins a community seeded with these options offers, without touching a database: the
 * same random stream as the seed, so `npm start` can show them on every start, not only the first.
 */
export function demoLogins(options: Pick<DemoOptions, 'members' | 'days' | 'seed'>): DemoLogin[] {
  return demoMembers(seededRandom(options.seed), { ...options, now: new Date(0) }, 0).logins;
}

function demoMembers(random: Random, options: DemoOptions, periodStart: number) {
  const special: [string, Role][] = [
    ['admin@demo.hearth.dev', Role.ADMIN],
    ['speaker@demo.hearth.dev', Role.SPEAKER],
    ['partner@demo.hearth.dev', Role.PARTNER],
  ];
  const members: DemoMember[] = [];
  const rows: MemberRow[] = [];
  const logins: DemoLogin[] = [];
  const shownHabits = new Map<Habit, number>();
  const nextName = uniqueNames(random);
  for (let index = 0; index < options.members + special.length; index++) {
    const [email, role] = special[index] ?? [`member${index - special.length + 1}@demo.hearth.dev`, Role.MEMBER];
    const habit = role === Role.MEMBER ? pickHabit(random) : 'daily';
    const joined = new Date(periodStart + random.int(0, Math.floor(options.days / 3)) * 86_400_000);
    const paid = random.chance(0.2);
    const id = random.uuid();
    rows.push({
      id,
      email,
      displayName: nextName(),
      company: role === Role.PARTNER ? 'Partner Solutions' : random.pick(COMPANIES),
      jobTitle: random.pick(TITLES),
      role,
      membership: paid ? Membership.PAID : Membership.FREE,
      renewalDate: paid ? new Date(options.now.getTime() + random.int(5, 200) * 86_400_000).toISOString().slice(0, 10) : null,
      createdAt: joined,
    });
    members.push({ id, index, habit, joined });
    if (role !== Role.MEMBER) logins.push({ email, role });
    else if ((shownHabits.get(habit) ?? 0) < 2) {
      shownHabits.set(habit, (shownHabits.get(habit) ?? 0) + 1);
      logins.push({ email, role, habit });
    }
  }
  return { members, rows, logins };
}
