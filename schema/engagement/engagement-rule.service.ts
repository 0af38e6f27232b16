import type { Context } from '../../server/context';
import { badInput } from '../../server/errors';
import { requireViewer } from '../identity/authorization';
import { rejectNulls } from '../../server/validation';
import { Theme } from '../content/theme.entity';
import { EngagementRule } from './engagement-rule.entity';
import { ruleNotFound } from './engagement.errors';
import type { CreateEngagementRuleInput, EngagementRuleFields, UpdateEngagementRuleInput } from './engagement.inputs';

export type EngagementRuleServiceDeps = Pick<Context, 'authProblem' | 'clock' | 'em' | 'viewer'>;

/** Admins' rules: create, change, switch on and off, delete (soft: their digests keep counting). */
export class EngagementRuleService {
  constructor(private readonly ctx: EngagementRuleServiceDeps) {}

  list(): Promise<EngagementRule[]> {
    return this.ctx.em.find(EngagementRule, { deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async get(id: string): Promise<EngagementRule> {
    const rule = await this.ctx.em.findOne(EngagementRule, { id, deletedAt: null });
    if (!rule) throw ruleNotFound();
    return rule;
  }

  async create(input: CreateEngagementRuleInput): Promise<EngagementRule> {
    const viewer = requireViewer(this.ctx);
    const now = this.ctx.clock.now();
    const rule = this.ctx.em.create(EngagementRule, {
      ...(await this.fields(input)),
      enabled: input.enabled,
      createdById: viewer.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.ctx.em.flush();
    return rule;
  }

  /** A partial update: what the input leaves out keeps its value (renaming keeps the audience and the thresholds). */
  async update(input: UpdateEngagementRuleInput): Promise<EngagementRule> {
    rejectNulls(input, ['name', 'trigger', 'inactivityDays', 'everyDays', 'minUnseen', 'maxItems', 'holdoutPercent']);
    const rule = await this.get(input.id);
    const { id: _id, audience, name, ...numbers } = input;
    const given = Object.fromEntries(Object.entries(numbers).filter(([, value]) => value !== undefined));
    Object.assign(rule, given, name !== undefined ? { name: name!.trim() } : {}, { updatedAt: this.ctx.clock.now() });
    if (audience === null) Object.assign(rule, { audienceRoles: [], audienceThemes: [], audienceMemberships: [] });
    else if (audience) {
      if (audience.roles !== undefined) rule.audienceRoles = [...new Set(audience.roles ?? [])];
      if (audience.memberships !== undefined) rule.audienceMemberships = [...new Set(audience.memberships ?? [])];
      if (audience.themes !== undefined) rule.audienceThemes = await this.knownThemes(audience.themes ?? []);
    }
    await this.ctx.em.flush();
    return rule;
  }

  async setEnabled(id: string, enabled: boolean): Promise<EngagementRule> {
    const rule = await this.get(id);
    rule.enabled = enabled;
    rule.updatedAt = this.ctx.clock.now();
    await this.ctx.em.flush();
    return rule;
  }

  async delete(id: string): Promise<boolean> {
    const rule = await this.get(id);
    rule.deletedAt = this.ctx.clock.now();
    rule.enabled = false;
    await this.ctx.em.flush();
    return true;
  }

  /** The stored shape of the parameters; unknown audience themes are an input error, not an empty audience. */
  async fields(input: EngagementRuleFields) {
    const audience = input.audience ?? { roles: [], themes: [], memberships: [] };
    return {
      name: input.name.trim(),
      trigger: input.trigger,
      inactivityDays: input.inactivityDays,
      everyDays: input.everyDays,
      minUnseen: input.minUnseen,
      maxItems: input.maxItems,
      holdoutPercent: input.holdoutPercent,
      audienceRoles: [...new Set(audience.roles)],
      audienceThemes: await this.knownThemes(audience.themes),
      audienceMemberships: [...new Set(audience.memberships)],
    };
  }

  private async knownThemes(slugs: string[]): Promise<string[]> {
    const themes = [...new Set(slugs)];
    if (themes.length) {
      const known = await this.ctx.em.find(Theme, { slug: { $in: themes } }, { fields: ['slug'] });
      const unknown = themes.filter((slug) => !known.some((theme) => theme.slug === slug));
      if (unknown.length) throw badInput(`Unknown theme: ${unknown.join(', ')}.`, { 'audience.themes': `unknown theme ${unknown[0]}` });
    }
    return themes;
  }
}
