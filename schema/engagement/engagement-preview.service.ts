import type { Context } from '../../server/context';
import { badInput } from '../../server/errors';
import type { RuleForEligibility } from './eligibility';
import { eligibleMembers, selectDigestContent } from './engagement.queries';
import { EngagementRuleService, type EngagementRuleServiceDeps } from './engagement-rule.service';
import type { PreviewEngagementRuleArgs } from './engagement.inputs';
import type { EngagementRulePreview } from './engagement.types';
import { historyEnd, minimumDetectableLiftFor } from './minimum-detectable-lift';

/** A draft's holdout draw uses this id; once saved, the rule's own id decides. */
const DRAFT_RULE_ID = '00000000-0000-0000-0000-000000000000';

export type EngagementPreviewServiceDeps = Pick<Context, 'clock' | 'config' | 'em' | 'loaders'> & EngagementRuleServiceDeps;

export class EngagementPreviewService {
  constructor(private readonly ctx: EngagementPreviewServiceDeps) {}

  async preview(args: PreviewEngagementRuleArgs): Promise<EngagementRulePreview> {
    const rule = await this.ruleFor(args);
    const now = this.ctx.clock.now();
    const rows = await eligibleMembers(this.ctx.em, rule, now, this.ctx.config.digestMinIntervalDays);
    const open = rows.filter((row) => row.digest_status === null && !row.over_budget);
    const samples = [];
    for (const row of open.filter((candidate) => !candidate.held_out).slice(0, args.sampleSize)) {
      const { hot, cold } = await selectDigestContent(this.ctx.em, row.member_id, rule.maxItems, now);
      const [member, hotItems, coldItems] = await Promise.all([
        this.ctx.loaders.memberById.load(row.member_id),
        this.ctx.loaders.contentById.loadMany(hot),
        this.ctx.loaders.contentById.loadMany(cold),
      ]);
      const present = <T>(items: (T | Error | null)[]) => items.filter((item): item is T => item !== null && !(item instanceof Error));
      if (member) samples.push({ member, hot: present(hotItems), cold: present(coldItems) });
    }
    // The audience of this period: everyone selected, whether or not their digest is decided yet.
    const selected = rows.filter((row) => row.digest_status !== null || !row.over_budget);
    const zone = this.ctx.config.communityTimezone;
    const minimumDetectableLift = await minimumDetectableLiftFor(this.ctx.em, selected, {
      historyEnd: historyEnd(rule, now),
      horizonDays: args.horizonDays,
      holdoutPercent: rule.holdoutPercent,
      zone,
    });
    return {
      minimumDetectableLift,
      eligibleMembers: open.length,
      heldOut: open.filter((row) => row.held_out).length,
      alreadySentThisPeriod: rows.filter((row) => row.digest_status !== null).length,
      overBudget: rows.filter((row) => row.digest_status === null && row.over_budget).length,
      samples,
    };
  }

  private async ruleFor(args: PreviewEngagementRuleArgs): Promise<RuleForEligibility & { maxItems: number }> {
    const rules = new EngagementRuleService(this.ctx);
    if (args.id && args.input) throw badInput('Give either `id` or `input`, not both.', { id: 'give id or input' });
    if (args.id) return rules.get(args.id);
    if (!args.input) throw badInput('Give the `id` of a rule or an `input` to preview.', { input: 'required without id' });
    return { ...(await rules.fields(args.input)), id: DRAFT_RULE_ID, createdAt: this.ctx.clock.now() };
  }
}
