import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { LiveSession } from './live-session.entity';
import { SessionRegistration } from './registration.entity';
import { RegistrationService } from './registration.service';

/** A member's seat in a session (cancelRegistration, which answers with the session, is in LiveSessionResolver). */
@Resolver(() => SessionRegistration)
export class RegistrationResolver {
  @Authorized()
  @Mutation(() => SessionRegistration, {
    description:
      'Idempotent; registering again updates the consent. A full session is a CONFLICT. A new registration is confirmed by email. ' +
      'Select `session { registrantCount viewerRegistration { id } }` to keep a cached session current.',
  })
  registerForSession(
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('shareContactWithPartner', { description: 'Consent to become a lead of the session’s partner.' }) shareContactWithPartner: boolean,
    @Ctx() ctx: Context,
  ): Promise<SessionRegistration> {
    return new RegistrationService(ctx).register(requireViewer(ctx), sessionId, shareContactWithPartner);
  }

  @FieldResolver(() => LiveSession)
  async session(@Root() registration: SessionRegistration, @Ctx() ctx: Context): Promise<LiveSession> {
    return (await ctx.loaders.liveSessionById.load(registration.sessionId))!;
  }
}
