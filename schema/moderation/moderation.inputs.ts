import { IsOptional, IsUUID, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../server/pagination';
import { RequiredText } from '../../server/validation';
import { ModerationAction, ModerationCaseStatus, ReportKind, ReportReason } from './moderation.enums';

export const NOTE_MAX_LENGTH = 2000;

@InputType()
export class ReportInput {
  @Field(() => ID, { description: 'The content item, comment, message or member reported.' })
  @IsUUID('all', { message: 'must be an id' })
  subjectId!: string;

  @Field(() => ReportKind)
  kind!: ReportKind;

  @Field(() => ReportReason)
  reason!: ReportReason;

  @Field(() => String, { nullable: true, description: 'What moderators should know.' })
  @IsOptional()
  @MaxLength(NOTE_MAX_LENGTH)
  note?: string | null;
}

@ArgsType()
export class ModerationQueueArgs extends PageArgs {
  @Field(() => ModerationCaseStatus, { defaultValue: ModerationCaseStatus.OPEN })
  status!: ModerationCaseStatus;
}

@ArgsType()
export class ResolveReportArgs {
  @Field(() => ID)
  caseId!: string;

  @Field(() => ModerationAction)
  action!: ModerationAction;

  @Field(() => String, { nullable: true, description: 'Why (kept in the moderation log; the suspension reason for SUSPEND_AUTHOR).' })
  @IsOptional()
  @MaxLength(NOTE_MAX_LENGTH)
  note?: string | null;

  @Field(() => Date, { nullable: true, description: 'SUSPEND_AUTHOR only: when the suspension ends (default: in 7 days).' })
  @IsOptional()
  suspendUntil?: Date | null;
}

@ArgsType()
export class SuspendMemberArgs {
  @Field(() => ID)
  memberId!: string;

  @Field(() => Date, { description: 'When the suspension ends; must be in the future.' })
  until!: Date;

  @Field({ description: 'Why (kept in the moderation log).' })
  @RequiredText(NOTE_MAX_LENGTH)
  reason!: string;
}

@ArgsType()
export class UnsuspendMemberArgs {
  @Field(() => ID)
  memberId!: string;

  @Field(() => String, { nullable: true, description: 'Why (kept in the moderation log).' })
  @IsOptional()
  @MaxLength(NOTE_MAX_LENGTH)
  note?: string | null;
}
