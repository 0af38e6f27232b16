import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Context } from '../../server/context';
import type { MemberRow } from '../identity/member.entity';
import { ContentErrors } from './content.errors';
import type { CreateThemeInput, UpdateThemeInput } from './content.inputs';
import { MemberInterest } from './member-interest.entity';
import { Theme } from './theme.entity';
import { rejectNulls } from '../../server/validation';

export type ThemeServiceDeps = Pick<Context, 'clock' | 'em'>;

/** Themes and the interests members declare in them. */
export class ThemeService {
  constructor(private readonly ctx: ThemeServiceDeps) {}

  list(): Promise<Theme[]> {
    return this.ctx.em.find(Theme, {}, { orderBy: { name: 'asc' } });
  }

  async create(input: CreateThemeInput): Promise<Theme> {
    const theme = this.ctx.em.create(Theme, { slug: input.slug, name: input.name.trim(), createdAt: this.ctx.clock.now() });
    await this.flushUnique();
    return theme;
  }

  async update(input: UpdateThemeInput): Promise<Theme> {
    rejectNulls(input, ['slug', 'name']);
    const theme = await this.ctx.em.findOne(Theme, { id: input.id });
    if (!theme) throw ContentErrors.themeNotFound();
    if (input.slug) theme.slug = input.slug;
    if (input.name) theme.name = input.name.trim();
    await this.flushUnique();
    return theme;
  }

  /** Resolves slugs to themes; unknown slugs are a BAD_USER_INPUT on `field`. */
  async bySlugs(slugs: string[], field: string): Promise<Theme[]> {
    const unique = [...new Set(slugs)];
    if (!unique.length) return [];
    const themes = await this.ctx.em.find(Theme, { slug: { $in: unique } });
    const missing = unique.filter((slug) => !themes.some((theme) => theme.slug === slug));
    if (missing.length) throw ContentErrors.unknownThemes(field, missing);
    return themes;
  }

  /**
   * Replaces the member's interests with these themes, in one transaction. Calls for one member
   * take turns on a lock of their own (not the member's row, which other writes reference): two at
   * once each deleted the old set, then both inserted, and the second insert hit the primary key.
   * Each call answers the set it stored; the last to commit stays.
   */
  async setInterests(member: MemberRow, slugs: string[]): Promise<Theme[]> {
    const themes = await this.bySlugs(slugs, 'themeSlugs');
    await this.ctx.em.transactional(async (em) => {
      await em.execute(`select pg_advisory_xact_lock(hashtextextended('member-interests:' || ?, 0))`, [member.id]);
      await em.nativeDelete(MemberInterest, { member: member.id });
      for (const theme of themes) em.create(MemberInterest, { member: member.id, theme: theme.id, createdAt: this.ctx.clock.now() });
    });
    return themes.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async flushUnique(): Promise<void> {
    try {
      await this.ctx.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw ContentErrors.slugTaken();
      throw error;
    }
  }
}
