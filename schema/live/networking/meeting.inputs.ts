import { IsOptional } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../../server/pagination';
import { MeetingStatus } from './meeting.entity';

export const MEETING_MESSAGE_MAX_LENGTH = 1000;

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

  @Field({ description: 'When the meeting would start; must be in the future.' })
  proposedStart!: Date;
}

@ArgsType()
export class MyMeetingsArgs extends PageArgs {
  @Field(() => MeetingStatus, { nullable: true, description: 'Only meetings in this status.' })
  @IsOptional()
  status?: MeetingStatus | null;
}
