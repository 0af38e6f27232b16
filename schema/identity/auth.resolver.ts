import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { Context } from '../../server/context';
import { AuthService } from './auth.service';
import { LogInInput, SignUpInput } from './identity.inputs';
import { MemberRow } from './member.entity';

@ObjectType({ simpleResolvers: true })
export class AuthPayload {
  @Field({ description: 'JWT for `Authorization: Bearer`; valid 15 minutes.' })
  accessToken!: string;

  @Field()
  accessTokenExpiresAt!: Date;

  @Field({ description: 'Single use: refreshSession returns a new one and this one stops working.' })
  refreshToken!: string;

  @Field(() => MemberRow)
  member!: MemberRow;
}

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload)
  signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return new AuthService(ctx).signUp(input);
  }

  @Mutation(() => AuthPayload)
  logIn(@Arg('input') input: LogInInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return new AuthService(ctx).logIn(input);
  }

  @Mutation(() => AuthPayload)
  refreshSession(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return new AuthService(ctx).refresh(refreshToken);
  }

  @Mutation(() => Boolean)
  logOut(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<boolean> {
    return new AuthService(ctx).logOut(refreshToken);
  }
}
