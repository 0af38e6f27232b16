import { IsEmail, IsOptional, MaxLength, MinLength } from 'class-validator';
import { RequiredText } from '../../server/validation';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { LocalDateScalar } from '../../server/scalars';
import { Membership, Role } from './member.entity';

export const PASSWORD_MIN_LENGTH = 10;

@InputType()
export class SignUpInput {
  @Field()
  @IsEmail({}, { message: 'must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @Field()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters long` })
  @MaxLength(200)
  password!: string;

  @Field()
  @RequiredText(80)
  displayName!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  company?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The language of the member’s emails and notifications (`en`, `fr`), e.g. the browser’s. Absent: the community’s (COMMUNITY_LOCALE).',
  })
  @IsOptional()
  @MaxLength(20)
  locale?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The IANA time zone emails show times in, e.g. the device’s. Absent: the community’s (COMMUNITY_TIMEZONE).',
  })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string | null;
}

@InputType()
export class LogInInput {
  @Field()
  @MaxLength(254)
  email!: string;

  @Field()
  @MaxLength(200)
  password!: string;
}

@InputType({
  description: 'Only the fields given change; null clears company and jobTitle, and sets locale and timeZone back to the community’s.',
})
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @RequiredText(80)
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  company?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(120)
  jobTitle?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The language of the member’s emails and notifications: `en` or `fr`. Null: the community’s (COMMUNITY_LOCALE).',
  })
  @IsOptional()
  @MaxLength(20)
  locale?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The IANA time zone emails show times in, e.g. `Europe/Paris`. Null: the community’s (COMMUNITY_TIMEZONE).',
  })
  @IsOptional()
  @MaxLength(64)
  timeZone?: string | null;
}

@ArgsType()
export class MembersArgs {
  @Field(() => Int, { defaultValue: 20 })
  @Min(1)
  @Max(100)
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => String, { nullable: true, description: 'Matches name, email or company.' })
  @IsOptional()
  @MaxLength(100)
  search?: string | null;

  @Field(() => Role, { nullable: true, description: 'Only members with this role.' })
  @IsOptional()
  role?: Role | null;

  @Field(() => Membership, { nullable: true, description: 'Only members with this membership.' })
  @IsOptional()
  membership?: Membership | null;
}

@ArgsType()
export class SetMemberRoleArgs {
  @Field(() => ID)
  memberId!: string;

  @Field(() => Role)
  role!: Role;
}

@ArgsType()
export class SetMembershipArgs {
  @Field(() => ID)
  memberId!: string;

  @Field(() => Membership)
  membership!: Membership;

  @Field(() => LocalDateScalar, { nullable: true })
  renewalDate?: string | null;
}
