import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isSelfOrAdmin, requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { MemberRow, Role } from '../identity/member.entity';
import { CreateThemeInput, UpdateThemeInput } from './content.inputs';
import { ThemeRow } from './theme.entity';
import { ThemeService } from './theme.service';

@Resolver(() => ThemeRow)
export class ThemeResolver {
  @Authorized()
  @Query(() => [ThemeRow], { description: 'Every theme, by name.' })
  themes(@Ctx() ctx: Context): Promise<ThemeRow[]> {
    return new ThemeService(ctx).list();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ThemeRow)
  createTheme(@Arg('input') input: CreateThemeInput, @Ctx() ctx: Context): Promise<ThemeRow> {
    return new ThemeService(ctx).create(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ThemeRow)
  updateTheme(@Arg('input') input: UpdateThemeInput, @Ctx() ctx: Context): Promise<ThemeRow> {
    return new ThemeService(ctx).update(input);
  }

  @Authorized()
  @Mutation(() => [ThemeRow], { description: 'Replaces the viewer’s interests; returns them.' })
  setInterests(@Arg('themeSlugs', () => [String]) themeSlugs: string[], @Ctx() ctx: Context): Promise<ThemeRow[]> {
    return new ThemeService(ctx).setInterests(requireViewer(ctx), themeSlugs);
  }
}

@Resolver(() => MemberRow)
export class MemberInterestsResolver {
  @FieldResolver(() => [ThemeRow], { nullable: true, description: 'Themes the member follows; visible to the member and admins only.' })
  async interests(@Root() member: MemberRow, @Ctx() ctx: Context): Promise<ThemeRow[] | null> {
    if (!isSelfOrAdmin(ctx, member.id)) return null;
    return ctx.loaders.interestsByMemberId.load(member.id);
  }
}
