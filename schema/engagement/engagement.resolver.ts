import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../server/context';
import { isSelfOrAdmin } from '../identity/authorization';
import { forbidden } from '../../server/errors';
import { MemberRow, Role } from '../identity/member.entity';
import { EmailPreferencesService } from './email-preferences.service';
import { EngagementAudience, EngagementRuleRow } from './engagement-rule.entity';
import { EngagementPreviewService } from './engagement-preview.service';
import { EngagementRuleService } from './engagement-rule.service';
import { EngagementStatsService } from './engagement-stats.service';
import { EngagementStatsTrendService } from './engagement-stats-trend.service';
import {
  CreateEngagementRuleInput,
  EngagementRuleStatsArgs,
  EngagementRuleStatsTrendArgs,
  PreviewEngagementRuleArgs,
  UpdateEmailPreferencesInput,
  UpdateEngagementRuleInput,
} from './engagement.inputs';
import { EmailPreferences, EngagementRulePreview, EngagementRuleStats, EngagementRuleStatsWindow } from './engagement.types';

/** Admins' engagement rules: define, preview, switch on, measure. */
@Resolver(() => EngagementRuleRow)
export class EngagementRuleResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [EngagementRuleRow], { description: 'Rules not deleted, oldest first.' })
  engagementRules(@Ctx() ctx: Context): Promise<EngagementRuleRow[]> {
    return new EngagementRuleService(ctx).list();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => EngagementRuleRow)
  createEngagementRule(@Arg('input') input: CreateEngagementRuleInput, @Ctx() ctx: Context): Promise<EngagementRuleRow> {
    return new EngagementRuleService(ctx).create(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => EngagementRuleRow)
  updateEngagementRule(@Arg('input') input: UpdateEngagementRuleInput, @Ctx() ctx: Context): Promise<EngagementRuleRow> {
    return new EngagementRuleService(ctx).update(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => EngagementRuleRow)
  setEngagementRuleEnabled(
    @Arg('id', () => ID) id: string,
    @Arg('enabled') enabled: boolean,
    @Ctx() ctx: Context,
  ): Promise<EngagementRuleRow> {
    return new EngagementRuleService(ctx).setEnabled(id, enabled);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: 'The rule stops; its digests stay for statistics and the global budget.' })
  deleteEngagementRule(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return new EngagementRuleService(ctx).delete(id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => EngagementRulePreview, {
    description: 'Who a rule (saved, or given as input) would email now, and with what. Sends nothing.',
  })
  previewEngagementRule(@Args() args: PreviewEngagementRuleArgs, @Ctx() ctx: Context): Promise<EngagementRulePreview> {
    return new EngagementPreviewService(ctx).preview(args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => EngagementRuleStats, {
    description:
      'Selections decided in the window: visit days in the H days after each, treated against held out, with clicks and attributed visits.',
  })
  engagementRuleStats(@Args() args: EngagementRuleStatsArgs, @Ctx() ctx: Context): Promise<EngagementRuleStats> {
    return new EngagementStatsService(ctx).stats(args);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [EngagementRuleStatsWindow], {
    description: 'engagementRuleStats window after window (weeks or months) across [from, to): the lift over time.',
  })
  engagementRuleStatsTrend(@Args() args: EngagementRuleStatsTrendArgs, @Ctx() ctx: Context): Promise<EngagementRuleStatsWindow[]> {
    return new EngagementStatsTrendService(ctx).trend(args);
  }

  @FieldResolver(() => EngagementAudience)
  audience(@Root() rule: EngagementRuleRow): EngagementAudience {
    return { roles: rule.audienceRoles, themes: rule.audienceThemes, memberships: rule.audienceMemberships };
  }

  @FieldResolver(() => MemberRow, { nullable: true })
  createdBy(@Root() rule: EngagementRuleRow, @Ctx() ctx: Context): Promise<MemberRow | null> {
    return ctx.loaders.memberById.load(rule.createdById);
  }
}

/** A member's email choices: theirs to read and change (admins may read them). */
@Resolver(() => MemberRow)
export class EmailPreferencesResolver {
  @FieldResolver(() => EmailPreferences)
  emailPreferences(@Root() member: MemberRow, @Ctx() ctx: Context): Promise<EmailPreferences> {
    if (!isSelfOrAdmin(ctx, member.id)) throw forbidden('Email preferences are visible to the member and admins only.');
    return new EmailPreferencesService(ctx).of(member.id);
  }

  @Authorized()
  @Mutation(() => EmailPreferences)
  updateEmailPreferences(@Arg('input') input: UpdateEmailPreferencesInput, @Ctx() ctx: Context): Promise<EmailPreferences> {
    return new EmailPreferencesService(ctx).update(input.digests);
  }
}
