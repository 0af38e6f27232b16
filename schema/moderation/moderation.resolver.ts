import { Args, Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Connection } from '../../server/pagination';
import { PageArgs } from '../../server/pagination';
import { MemberRow, Role } from '../identity/member.entity';
import { ModerationCaseRow } from './moderation-case.entity';
import { ModerationLogEntryRow } from './moderation-log-entry.entity';
import { ModerationLogService } from './moderation-log.service';
import { ModerationQueueService } from './moderation-queue.service';
import { ReportReason } from './moderation.enums';
import { ModerationQueueArgs, ReportInput, ResolveReportArgs, SuspendMemberArgs, UnsuspendMemberArgs } from './moderation.inputs';
import { ModerationSubject, subjectForModerators, type Subject } from './moderation-subject';
import { ReportRow } from './report.entity';
import { isSuspended, moderates } from './visibility';
import { ReportService } from './report.service';
import { SuspensionService } from './suspension.service';

const ModerationCaseConnection = Connection(ModerationCaseRow, 'ModerationCase', { totalCount: 'Cases with this status.' });
const ModerationLogConnection = Connection(ModerationLogEntryRow, 'ModerationLogEntry', { totalCount: 'Every entry of the log.' });

/** Admins and moderators. */
const MODERATORS = [Role.ADMIN, Role.MODERATOR];

@Resolver()
export class ModerationResolver {
  @Authorized()
  @Mutation(() => ReportRow, {
    description: 'Reports a content item, comment, message or member to the moderators: once per member and subject (CONFLICT after).',
  })
  report(@Arg('input') input: ReportInput, @Ctx() ctx: Context): Promise<ReportRow> {
    return new ReportService(ctx).report(requireViewer(ctx), input);
  }

  @Authorized(...MODERATORS)
  @Query(() => ModerationCaseConnection, { description: 'Cases (open ones by default), the longest waiting first.' })
  moderationQueue(@Args() args: ModerationQueueArgs, @Ctx() ctx: Context) {
    return new ModerationQueueService(ctx).list(args);
  }

  @Authorized(...MODERATORS)
  @Mutation(() => ModerationCaseRow, { description: 'Closes an open case with a decision, recorded in the moderation log.' })
  resolveReport(@Args() args: ResolveReportArgs, @Ctx() ctx: Context): Promise<ModerationCaseRow> {
    return new ModerationQueueService(ctx).resolve(requireViewer(ctx), args);
  }

  @Authorized(...MODERATORS)
  @Mutation(() => MemberRow, {
    description: 'Suspends a member until `until`: no log-in, sessions and sockets cut at once, their content hidden meanwhile.',
  })
  suspendMember(@Args() args: SuspendMemberArgs, @Ctx() ctx: Context): Promise<MemberRow> {
    return new SuspensionService(ctx).suspend(requireViewer(ctx), args);
  }

  @Authorized(...MODERATORS)
  @Mutation(() => MemberRow, { description: 'Ends a suspension now.' })
  unsuspendMember(@Args() args: UnsuspendMemberArgs, @Ctx() ctx: Context): Promise<MemberRow> {
    return new SuspensionService(ctx).unsuspend(requireViewer(ctx), args);
  }

  @Authorized(...MODERATORS)
  @Query(() => ModerationLogConnection, { description: 'Every moderation decision, newest first: who, what, when and why.' })
  moderationLog(@Args() args: PageArgs, @Ctx() ctx: Context) {
    return new ModerationLogService(ctx).list(args);
  }
}

@Resolver(() => ModerationCaseRow)
export class ModerationCaseResolver {
  @FieldResolver(() => [ReportRow], { description: 'Oldest first.' })
  reports(@Root() moderationCase: ModerationCaseRow, @Ctx() ctx: Context): Promise<ReportRow[]> {
    return ctx.loaders.reportsByCaseId.load(moderationCase.id);
  }

  @FieldResolver(() => [ReportReason], { description: 'The reasons given, each once.' })
  async reasons(@Root() moderationCase: ModerationCaseRow, @Ctx() ctx: Context): Promise<ReportReason[]> {
    return [...new Set((await ctx.loaders.reportsByCaseId.load(moderationCase.id)).map((report) => report.reason))];
  }

  @FieldResolver(() => [MemberRow])
  async reporters(@Root() moderationCase: ModerationCaseRow, @Ctx() ctx: Context): Promise<MemberRow[]> {
    const reports = await ctx.loaders.reportsByCaseId.load(moderationCase.id);
    const members = await ctx.loaders.memberById.loadMany(reports.map((report) => report.reporterId));
    return members.filter((member): member is MemberRow => member instanceof MemberRow);
  }

  @FieldResolver(() => ModerationSubject, { nullable: true, description: 'The subject as it is now (hidden or not); null once deleted.' })
  subject(@Root() moderationCase: ModerationCaseRow, @Ctx() ctx: Context): Promise<Subject | null> {
    return subjectForModerators(ctx, moderationCase.subjectKind, moderationCase.subjectId);
  }

  @FieldResolver(() => MemberRow, { nullable: true })
  resolvedBy(@Root() moderationCase: ModerationCaseRow, @Ctx() ctx: Context): Promise<MemberRow | null> | null {
    return moderationCase.resolvedById ? ctx.loaders.memberById.load(moderationCase.resolvedById) : null;
  }
}

@Resolver(() => ReportRow)
export class ReportResolver {
  @FieldResolver(() => MemberRow, { nullable: true })
  reporter(@Root() report: ReportRow, @Ctx() ctx: Context): Promise<MemberRow | null> {
    return ctx.loaders.memberById.load(report.reporterId);
  }
}

@Resolver(() => ModerationLogEntryRow)
export class ModerationLogEntryResolver {
  @FieldResolver(() => MemberRow, { nullable: true, description: 'The moderator or admin; null for an automatic decision.' })
  actor(@Root() entry: ModerationLogEntryRow, @Ctx() ctx: Context): Promise<MemberRow | null> | null {
    return entry.actorId ? ctx.loaders.memberById.load(entry.actorId) : null;
  }
}

/** A member's suspension, for themself, admins and moderators (others are not told why content is gone). */
@Resolver(() => MemberRow)
export class MemberSuspensionResolver {
  @FieldResolver(() => Date, {
    nullable: true,
    description: 'While suspended: when the suspension ends. Visible to the member, admins and moderators only.',
  })
  suspendedUntil(@Root() member: MemberRow, @Ctx() ctx: Context): Date | null {
    return mayKnowSuspension(member, ctx) && isSuspended(member, ctx.clock.now()) ? member.suspendedUntil : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'While suspended: why. Visible to the member, admins and moderators only.' })
  suspensionReason(@Root() member: MemberRow, @Ctx() ctx: Context): string | null {
    return mayKnowSuspension(member, ctx) && isSuspended(member, ctx.clock.now()) ? member.suspensionReason : null;
  }
}

const mayKnowSuspension = (member: MemberRow, ctx: Context): boolean => ctx.viewer?.id === member.id || moderates(ctx.viewer);
