import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isSelfOrAdmin, requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Member, Role } from '../identity/member.entity';
import { CreateThemeInput, UpdateThemeInput } from './content.inputs';
import { Theme } from './theme.entity';
import { ThemeService } from './theme.service';

@Resolver(() => Theme)
export class ThemeResolver {
  @Authorized()
  @Query(() => [Theme], { description: 'Every theme, by name.' })
  themes(@Ctx() ctx: Context): Promise<Theme[]> {
    return new ThemeService(ctx).list();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Theme)
  createTheme(@Arg('input') input: CreateThemeInput, @Ctx() ctx: Context): Promise<Theme> {
    return new ThemeService(ctx).create(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Theme)
  updateTheme(@Arg('input') input: UpdateThemeInput, @Ctx() ctx: Context): Promise<Theme> {
    return new ThemeService(ctx).update(input);
  }

  @Authorized()
  @Mutation(() => [Theme], { description: 'Replaces the viewer’s interests; returns them.' })
  setInterests(@Arg('themeSlugs', () => [String]) themeSlugs: string[], @Ctx() ctx: Context): Promise<Theme[]> {
    return new ThemeService(ctx).setInterests(requireViewer(ctx), themeSlugs);
  }
}

@Resolver(() => Member)
export class MemberInterestsResolver {
  @FieldResolver(() => [Theme], { nullable: true, description: 'Themes the member follows; visible to the member and admins only.' })
  async interests(@Root() member: Member, @Ctx() ctx: Context): Promise<Theme[] | null> {
    if (!isSelfOrAdmin(ctx, member.id)) return null;
    return ctx.loaders.interestsByMemberId.load(member.id);
  }
}
