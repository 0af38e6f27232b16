import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { requireViewer } from '../../identity/authorization';
import type { Context } from '../../../server/context';
import { Connection } from '../../../server/pagination';
import { MemberRow } from '../../identity/member.entity';
import { LiveSessionRow } from '../sessions/live-session.entity';
import { LiveJoin } from '../live.types';
import { MeetingRow } from './meeting.entity';
import { MyMeetingsArgs, RequestMeetingInput } from './meeting.inputs';
import { MeetingService } from './meeting.service';

export enum MeetingRole {
  REQUESTER = 'REQUESTER',
  RECIPIENT = 'RECIPIENT',
}
registerEnumType(MeetingRole, { name: 'MeetingRole', description: 'Which side of a meeting request the viewer is on.' });

const MeetingConnection = Connection(MeetingRow, 'Meeting', { totalCount: 'The viewer’s meetings (in `status` when given).' });

/** Meeting requests between members and joining their private room. */
@Resolver(() => MeetingRow)
export class MeetingResolver {
  @Authorized()
  @Mutation(() => MeetingRow, { description: 'Asks another member for a one-to-one meeting; they are notified (MEETING_REQUEST).' })
  requestMeeting(@Arg('input') input: RequestMeetingInput, @Ctx() ctx: Context): Promise<MeetingRow> {
    return new MeetingService(ctx).request(requireViewer(ctx), input);
  }

  @Authorized()
  @Mutation(() => MeetingRow, { description: 'The asked member accepts or declines; accepting notifies the requester (MEETING_ACCEPTED).' })
  respondToMeetingRequest(@Arg('id', () => ID) id: string, @Arg('accept') accept: boolean, @Ctx() ctx: Context): Promise<MeetingRow> {
    return new MeetingService(ctx).respond(requireViewer(ctx), id, accept);
  }

  @Authorized()
  @Query(() => MeetingConnection, {
    description:
      'Meetings the viewer asked for or was asked to, newest request first; those asked by a member now suspended are left out until the suspension ends.',
  })
  myMeetings(@Args() args: MyMeetingsArgs, @Ctx() ctx: Context) {
    return new MeetingService(ctx).list(requireViewer(ctx), args);
  }

  @Authorized()
  @Query(() => MeetingRow, {
    nullable: true,
    description:
      'One of the viewer’s meetings (e.g. from a MEETING notification); null with a NOT_FOUND error when it is not one of theirs, or while moderation hides it from them (its requester suspended).',
  })
  meeting(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MeetingRow> {
    return new MeetingService(ctx).get(requireViewer(ctx), id);
  }

  @Authorized()
  @Mutation(() => LiveJoin, { description: 'A token for the accepted meeting’s private room; both members may publish audio and video.' })
  joinMeeting(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LiveJoin> {
    return new MeetingService(ctx).join(requireViewer(ctx), id);
  }

  @FieldResolver(() => MemberRow)
  async requester(@Root() meeting: MeetingRow, @Ctx() ctx: Context): Promise<MemberRow> {
    return (await ctx.loaders.memberById.load(meeting.requesterId))!;
  }

  @FieldResolver(() => MemberRow)
  async recipient(@Root() meeting: MeetingRow, @Ctx() ctx: Context): Promise<MemberRow> {
    return (await ctx.loaders.memberById.load(meeting.recipientId))!;
  }

  @FieldResolver(() => LiveSessionRow, { nullable: true, description: 'The session where the two met, if any.' })
  session(@Root() meeting: MeetingRow, @Ctx() ctx: Context): Promise<LiveSessionRow | null> | null {
    return meeting.sessionId ? ctx.loaders.liveSessionById.load(meeting.sessionId) : null;
  }

  @FieldResolver(() => MeetingRole, { nullable: true, description: 'Null when the viewer is neither member.' })
  viewerRole(@Root() meeting: MeetingRow, @Ctx() ctx: Context): MeetingRole | null {
    if (ctx.viewer?.id === meeting.requesterId) return MeetingRole.REQUESTER;
    return ctx.viewer?.id === meeting.recipientId ? MeetingRole.RECIPIENT : null;
  }
}
