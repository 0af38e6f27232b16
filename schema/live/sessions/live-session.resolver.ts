import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { Shareable } from '../../../server/viewer-dependence';
import { Connection } from '../../../server/pagination';
import { deliverChecked } from '../../../server/subscriptions';
import { ContentRow } from '../../content/content.entity';
import { ThemeRow } from '../../content/theme.entity';
import { MemberRow, Role } from '../../identity/member.entity';
import { LiveJoinService } from './live-join.service';
import { LiveSessionRow } from './live-session.entity';
import { LiveSessionsArgs, ScheduleLiveSessionInput, UpdateLiveSessionInput } from './live-session.inputs';
import { LiveSessionService } from './live-session.service';
import { LiveJoin } from '../live.types';
import { SessionRegistrationRow } from './registration.entity';
import { RegistrationService } from './registration.service';

const LiveSessionConnection = Connection(LiveSessionRow, 'LiveSession', { totalCount: 'Sessions matching `status` and `from`.' });

@Resolver(() => LiveSessionRow)
export class LiveSessionResolver {
  @Authorized()
  @Query(() => LiveSessionConnection, { description: 'Sessions, soonest first.' })
  liveSessions(@Args() args: LiveSessionsArgs, @Ctx() ctx: Context) {
    return new LiveSessionService(ctx).list(args);
  }

  @Authorized()
  @Query(() => LiveSessionRow, {
    nullable: true,
    description: 'Null with a NOT_FOUND error when it does not exist or the viewer may not see it; the rest of the request still answers.',
  })
  liveSession(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LiveSessionRow> {
    return new LiveSessionService(ctx).get(id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => LiveSessionRow)
  scheduleLiveSession(@Arg('input') input: ScheduleLiveSessionInput, @Ctx() ctx: Context): Promise<LiveSessionRow> {
    return new LiveSessionService(ctx).schedule(requireViewer(ctx), input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => LiveSessionRow, { description: 'Moving the start reschedules the reminders.' })
  updateLiveSession(@Arg('input') input: UpdateLiveSessionInput, @Ctx() ctx: Context): Promise<LiveSessionRow> {
    return new LiveSessionService(ctx).update(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => LiveSessionRow, { description: 'Registrants are notified (SESSION_CANCELLED).' })
  cancelLiveSession(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LiveSessionRow> {
    return new LiveSessionService(ctx).cancel(requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => LiveSessionRow, {
    description:
      'Idempotent. Refused (CONFLICT, as registering is) once the session is ENDED or CANCELLED: its registrants are its audience.',
  })
  cancelRegistration(@Arg('sessionId', () => ID) sessionId: string, @Ctx() ctx: Context): Promise<LiveSessionRow> {
    return new RegistrationService(ctx).cancel(requireViewer(ctx), sessionId);
  }

  @Authorized()
  @Mutation(() => LiveJoin, {
    description:
      'A LiveKit token for the session’s room: registrants from 15 minutes before the start to the end (subscribe and chat only); speakers and admins may publish.',
  })
  joinLiveSession(@Arg('sessionId', () => ID) sessionId: string, @Ctx() ctx: Context): LiveJoin | Promise<LiveJoin> {
    return new LiveJoinService(ctx).join(requireViewer(ctx), sessionId);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => LiveSessionRow, {
    description:
      'Records the LIVE room to a file (LiveKit Egress); the file becomes the REPLAY. Idempotent while a recording runs, however many ' +
      'start it at once (one egress); once LiveKit reports it failed, starting again starts a new one.',
  })
  startSessionRecording(@Arg('sessionId', () => ID) sessionId: string, @Ctx() ctx: Context): Promise<LiveSessionRow> {
    return new LiveSessionService(ctx).startRecording(sessionId);
  }

  @Subscription(() => LiveSessionRow, {
    description: 'The session each time its status, schedule or replay changes.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { sessionId: string }, Context>) => {
      requireViewer(context);
      await new LiveSessionService(context).get(args.sessionId);
      return deliverChecked(context, context.pubSub.subscribe('LIVE_SESSION_UPDATED', args.sessionId), ({ sessionId }, ctx) =>
        new LiveSessionService(ctx).get(sessionId),
      );
    },
  })
  liveSessionUpdated(@Root() session: LiveSessionRow, @Arg('sessionId', () => ID) sessionId: string): LiveSessionRow {
    void sessionId;
    return session;
  }

  @FieldResolver(() => [ThemeRow])
  @Shareable('a session’s themes are the same for everyone')
  themes(@Root() session: LiveSessionRow, @Ctx() ctx: Context): Promise<ThemeRow[]> {
    return ctx.loaders.themesBySessionId.load(session.id);
  }

  @FieldResolver(() => [MemberRow])
  @Shareable('a session’s speakers are public; Member’s own fields decide what each viewer sees')
  speakers(@Root() session: LiveSessionRow, @Ctx() ctx: Context): Promise<MemberRow[]> {
    return ctx.loaders.speakersBySessionId.load(session.id);
  }

  @FieldResolver(() => MemberRow, { nullable: true })
  @Shareable('a session’s partner is public; Member’s own fields decide what each viewer sees')
  partner(@Root() session: LiveSessionRow, @Ctx() ctx: Context): Promise<MemberRow | null> | null {
    return session.partnerId ? ctx.loaders.memberById.load(session.partnerId) : null;
  }

  @FieldResolver(() => ContentRow, { nullable: true, description: 'The recording, once published as REPLAY content.' })
  @Shareable('the replay is published content, the same for every member; Content’s own fields decide the rest')
  replay(@Root() session: LiveSessionRow, @Ctx() ctx: Context): Promise<ContentRow | null> | null {
    return session.replayId ? ctx.loaders.contentById.load(session.replayId) : null;
  }

  @FieldResolver(() => Int)
  @Shareable('a count over all registrations, the same for everyone')
  registrantCount(@Root() session: LiveSessionRow, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.registrantCountBySessionId.load(session.id);
  }

  @FieldResolver(() => SessionRegistrationRow, { nullable: true, description: 'The viewer’s registration, if they are registered.' })
  viewerRegistration(@Root() session: LiveSessionRow, @Ctx() ctx: Context): Promise<SessionRegistrationRow | null> {
    return ctx.loaders.viewerRegistrationBySessionId.load(session.id);
  }
}
