import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { LiveSessionRow } from './live-session.entity';
import { SessionRegistrationRow } from './registration.entity';
import { RegistrationService } from './registration.service';

/** A member's seat in a session (cancelRegistration, which answers with the session, is in LiveSessionResolver). */
@Resolver(() => SessionRegistrationRow)
export class RegistrationResolver {
  @Authorized()
  @Mutation(() => SessionRegistrationRow, {
    description:
      'Idempotent; registering again updates the consent. A full session is a CONFLICT. A new registration is confirmed by email. ' +
      'Once the session is ENDED or CANCELLED, a registrant may still withdraw their consent (shareContactWithPartner: false); ' +
      'anything else is a CONFLICT. ' +
      'Select `session { registrantCount viewerRegistration { id } }` to keep a cached session current.',
  })
  registerForSession(
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('shareContactWithPartner', {
      description: 'Consent to become a lead of the session’s current partner (reset if an admin changes the partner).',
    })
    shareContactWithPartner: boolean,
    @Ctx() ctx: Context,
  ): Promise<SessionRegistrationRow> {
    return new RegistrationService(ctx).register(requireViewer(ctx), sessionId, shareContactWithPartner);
  }

  @FieldResolver(() => LiveSessionRow)
  async session(@Root() registration: SessionRegistrationRow, @Ctx() ctx: Context): Promise<LiveSessionRow> {
    return (await ctx.loaders.liveSessionById.load(registration.sessionId))!;
  }
}
