import { ArrayMaxSize, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { RequiredText } from '../../../server/validation';
import { PageArgs } from '../../../server/pagination';
import { LiveSessionStatus } from './live-session.entity';

export const SESSION_MAX_HOURS = 12;
/** How far ahead a session may start: two years covers any real programme and catches a mistyped year (2062 for 2026). */
export const SESSION_MAX_DAYS_AHEAD = 730;

@InputType()
export class ScheduleLiveSessionInput {
  @Field()
  @RequiredText(200)
  title!: string;

  @Field({ defaultValue: '', description: 'Markdown.' })
  @MaxLength(20_000)
  description!: string;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(10)
  themeSlugs!: string[];

  @Field({ description: `At most ${SESSION_MAX_DAYS_AHEAD} days ahead.` })
  startsAt!: Date;

  @Field()
  endsAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Registrations accepted at most; omit for no limit.' })
  @IsOptional()
  @Min(1)
  @Max(100_000)
  capacity?: number | null;

  @Field(() => [ID], { defaultValue: [], description: 'Members who may publish audio and video in the room.' })
  @ArrayMaxSize(20)
  speakerIds!: string[];

  @Field(() => ID, { nullable: true, description: 'A member with role PARTNER who receives leads from the session.' })
  @IsOptional()
  partnerId?: string | null;

  @Field({ defaultValue: false, description: 'Start recording when the room starts; the recording becomes a REPLAY.' })
  autoRecord!: boolean;
}

/** Only the fields given change; `capacity: null` removes the limit, `partnerId: null` the partner. */
@InputType({
  description:
    'Only the fields given change. null clears capacity (no limit), partnerId, description, themeSlugs and speakerIds; title, startsAt, endsAt and autoRecord cannot be cleared.',
})
export class UpdateLiveSessionInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @RequiredText(200)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20_000)
  description?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  themeSlugs?: string[] | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  startsAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  endsAt?: Date | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(100_000)
  capacity?: number | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  speakerIds?: string[] | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'A member with role PARTNER. Changing it (or clearing it) resets every registrant’s shareContactWithPartner to false: consent ' +
      'given to one partner is not given to another, and members consent again by registering again.',
  })
  @IsOptional()
  partnerId?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  autoRecord?: boolean | null;
}

@ArgsType()
export class LiveSessionsArgs extends PageArgs {
  @Field(() => LiveSessionStatus, { nullable: true })
  @IsOptional()
  status?: LiveSessionStatus | null;

  @Field(() => Date, { nullable: true, description: 'Only sessions ending at or after this time (default: all).' })
  @IsOptional()
  from?: Date | null;
}
