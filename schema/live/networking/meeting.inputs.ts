import { IsOptional } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../../server/pagination';
import { MeetingStatus } from './meeting.entity';

export const MEETING_MESSAGE_MAX_LENGTH = 1000;
/**
 * How far ahead a meeting may be proposed: a year covers any real plan, and keeps the join
 * token's expiry (the start plus two hours) a date every client can read (a year-9999 start
 * made one in year 10000, which no RFC 3339 date can hold).
 */
export const MEETING_MAX_DAYS_AHEAD = 365;

/** The message is checked by the service after trimming, like a direct message's body. */
@InputType()
export class RequestMeetingInput {
  @Field(() => ID, { description: 'The member to meet.' })
  memberId!: string;

  @Field(() => ID, { nullable: true, description: 'The session where you met, if any.' })
  @IsOptional()
  sessionId?: string | null;

  @Field(() => String, { nullable: true, description: `Up to ${MEETING_MESSAGE_MAX_LENGTH} characters after trimming; blank means none.` })
  @IsOptional()
  message?: string | null;

  @Field({ description: `When the meeting would start: in the future, at most ${MEETING_MAX_DAYS_AHEAD} days ahead.` })
  proposedStart!: Date;
}

@ArgsType()
export class MyMeetingsArgs extends PageArgs {
  @Field(() => MeetingStatus, { nullable: true, description: 'Only meetings in this status.' })
  @IsOptional()
  status?: MeetingStatus | null;
}
