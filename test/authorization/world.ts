import type { Member } from '../../schema/identity/member.entity';
import { Role } from '../../schema/identity/member.entity';
import type { Content } from '../../schema/content/content.entity';
import { ContentStatus } from '../../schema/content/content.entity';
import type { Theme } from '../../schema/content/theme.entity';
import { Comment } from '../../schema/content/comment.entity';
import { LiveSessionStatus, type LiveSession } from '../../schema/live/sessions/live-session.entity';
import { MeetingStatus } from '../../schema/live/networking/meeting.entity';
import { buildAdmin, buildContent, buildMember, buildTheme, FACTORY_PASSWORD } from '../factories';
import { buildMeeting, buildRegistration, buildSession } from '../live';
import type { TestServer } from '../server';

/** Who asks: nobody, or a member of each role. */
export const ACTORS = ['anonymous', 'member', 'speaker', 'partner', 'admin', 'moderator'] as const;
export type Actor = (typeof ACTORS)[number];

/**
 * The shared fixtures every cell of the matrix may read; what a cell changes or must own, its
 * operation builds for itself (so cells never depend on one another or on order).
 */
export interface World {
  server: TestServer;
  tokens: Record<Exclude<Actor, 'anonymous'>, string>;
  members: Record<Exclude<Actor, 'anonymous'>, Member>;
  /** Members nobody acts as. */
  other: Member;
  otherSpeaker: Member;
  otherPartner: Member;
  theme: Theme;
  /** Published, by otherSpeaker. */
  published: Content;
  /** A draft by otherSpeaker. */
  othersDraft: Content;
  /** Scheduled far ahead, partner: the partner actor. */
  session: LiveSession;
  /** Scheduled far ahead, partner: otherPartner. */
  othersSession: LiveSession;
}

export async function buildWorld(server: TestServer): Promise<World> {
  const em = server.em();
  const members = {
    member: await buildMember(em),
    speaker: await buildMember(em, { role: Role.SPEAKER }),
    partner: await buildMember(em, { role: Role.PARTNER }),
    admin: await buildAdmin(em),
    moderator: await buildMember(em, { role: Role.MODERATOR }),
  };
  const tokens = {
    member: await server.tokenFor(members.member.id),
    speaker: await server.tokenFor(members.speaker.id),
    partner: await server.tokenFor(members.partner.id),
    admin: await server.tokenFor(members.admin.id),
    moderator: await server.tokenFor(members.moderator.id),
  };
  const other = await buildMember(em);
  const otherSpeaker = await buildMember(em, { role: Role.SPEAKER });
  const otherPartner = await buildMember(em, { role: Role.PARTNER });
  const theme = await buildTheme(em);
  const published = await buildContent(em, { author: otherSpeaker, themes: [theme] });
  const othersDraft = await buildContent(em, { author: otherSpeaker, status: ContentStatus.DRAFT });
  const farAhead = new Date(server.clock.now().getTime() + 30 * 86_400_000);
  const session = await buildSession(em, members.admin.id, { startsAt: farAhead, partnerId: members.partner.id });
  const othersSession = await buildSession(em, members.admin.id, { startsAt: farAhead, partnerId: otherPartner.id });
  return { server, tokens, members, other, otherSpeaker, otherPartner, theme, published, othersDraft, session, othersSession };
}

/** What the builders share: the world, who asks, and the member they act for (a stand-in for anonymous). */
export interface Cell {
  world: World;
  actor: Actor;
  self: Member;
}

export const minutesFromNow = (cell: Cell, minutes: number) => new Date(cell.world.server.clock.now().getTime() + minutes * 60_000);

/** A session whose room is open now (it starts in 5 minutes), with `registered` registered to it. */
export async function openSession(
  cell: Cell,
  registered: Member[] = [cell.self],
  overrides: Partial<LiveSession> = {},
): Promise<LiveSession> {
  const em = cell.world.server.em();
  const session = await buildSession(em, cell.world.members.admin.id, { startsAt: minutesFromNow(cell, 5), ...overrides });
  for (const member of registered) await buildRegistration(em, session, member);
  return session;
}

export const liveSession = (cell: Cell) =>
  openSession(cell, [cell.self], { status: LiveSessionStatus.LIVE, startedAt: minutesFromNow(cell, -1) });

/** A content item of `author` (DRAFT unless said). */
export const contentBy = (cell: Cell, author: Member, status = ContentStatus.DRAFT) =>
  buildContent(cell.world.server.em(), { author, status });

/** A comment of `author` on the published item. */
export async function commentBy(cell: Cell, author: Member): Promise<Comment> {
  const em = cell.world.server.em();
  const comment = em.create(Comment, {
    content: cell.world.published.id,
    author: author.id,
    body: 'A comment',
    createdAt: cell.world.server.clock.now(),
  });
  await em.flush();
  return comment;
}

/** A conversation between `a` and `b` (b writes to a), by the API. */
export async function conversationBetween(cell: Cell, a: Member, b: Member): Promise<string> {
  const sent = await cell.world.server.gql(
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { conversationId } }`,
    { input: { recipientId: a.id, body: 'hello' } },
    { token: await cell.world.server.tokenFor(b.id) },
  );
  return sent.data!.sendMessage.conversationId;
}

/** A meeting `requester` asked `recipient` for, starting in 5 minutes. */
export const meetingBetween = (cell: Cell, requester: Member, recipient: Member, status = MeetingStatus.REQUESTED) =>
  buildMeeting(cell.world.server.em(), requester, recipient, { status, proposedStart: minutesFromNow(cell, 5) });

/** An engagement rule, made by the API as an admin. */
export async function engagementRule(cell: Cell): Promise<string> {
  const created = await cell.world.server.gql(
    `mutation($input: CreateEngagementRuleInput!) { createEngagementRule(input: $input) { id } }`,
    { input: { name: 'Rule', trigger: 'INACTIVITY' } },
    { token: cell.world.tokens.admin },
  );
  return created.data!.createEngagementRule.id;
}

/** A fresh member's refresh token, by the API. */
export async function refreshToken(cell: Cell): Promise<string> {
  const member = await buildMember(cell.world.server.em());
  const logIn = await cell.world.server.gql(`mutation($input: LogInInput!) { logIn(input: $input) { refreshToken } }`, {
    input: { email: member.email, password: FACTORY_PASSWORD },
  });
  return logIn.data!.logIn.refreshToken;
}

export const freshMember = (cell: Cell, role = Role.MEMBER) => buildMember(cell.world.server.em(), { role });
export const freshTheme = (cell: Cell) => buildTheme(cell.world.server.em());

/** A published item by a fresh speaker, for reports. */
export const freshContent = (cell: Cell) => buildContent(cell.world.server.em());

/** An open moderation case about a fresh item, reported by a fresh member through the API. */
export async function openCase(cell: Cell): Promise<string> {
  const item = await freshContent(cell);
  const reporter = await freshMember(cell);
  const { server } = cell.world;
  await server.gql(
    `mutation($input: ReportInput!) { report(input: $input) { id } }`,
    { input: { subjectId: item.id, kind: 'CONTENT', reason: 'SPAM' } },
    { token: await server.tokenFor(reporter.id) },
  );
  const [row] = await server
    .em()
    .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ? and status = 'OPEN'`, [item.id]);
  return row.id;
}

/** A member suspended for a day. */
export const suspendedMember = (cell: Cell) =>
  buildMember(cell.world.server.em(), {
    suspendedUntil: new Date(cell.world.server.clock.now().getTime() + 86_400_000),
    suspensionReason: 'Spam',
  });
