import { ArrayMaxSize, IsOptional, IsUrl, Matches, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../server/pagination';
import { RequiredText } from '../../server/validation';
import { ContentType } from './content.entity';
import { MEDIA_URL_MESSAGE, MEDIA_URL_OPTIONS } from './media-url';

export const COMMENT_MAX_LENGTH = 10_000;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slugMessage = 'must be lowercase letters, digits and single dashes';

@InputType()
export class CreateThemeInput {
  @Field()
  @Matches(SLUG, { message: slugMessage })
  @MaxLength(60)
  slug!: string;

  @Field()
  @RequiredText(80)
  name!: string;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateThemeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG, { message: slugMessage })
  @MaxLength(60)
  slug?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @RequiredText(80)
  name?: string | null;
}

/** The optional fields creating and updating content share. */
@InputType()
abstract class ContentTextFields {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(1000)
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'Markdown.' })
  @IsOptional()
  @MaxLength(200_000)
  body?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl(MEDIA_URL_OPTIONS, { message: MEDIA_URL_MESSAGE })
  mediaUrl?: string | null;
}

@InputType()
export class CreateContentInput extends ContentTextFields {
  @Field(() => ContentType)
  type!: ContentType;

  @Field()
  @RequiredText(200)
  title!: string;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(10)
  themeSlugs!: string[];
}

/** Only the fields given change; `null` clears summary, body, mediaUrl and themeSlugs (title and type cannot be cleared). */
@InputType({
  description: 'Only the fields given change; null clears summary, body, mediaUrl and themeSlugs (title and type cannot be cleared).',
})
export class UpdateContentInput extends ContentTextFields {
  @Field(() => ID)
  id!: string;

  @Field(() => ContentType, { nullable: true })
  @IsOptional()
  type?: ContentType | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @RequiredText(200)
  title?: string | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the themes when given; null or [] removes them all.' })
  @IsOptional()
  @ArrayMaxSize(10)
  themeSlugs?: string[] | null;
}

@ArgsType()
export class RepliesArgs extends PageArgs {}

@ArgsType()
export class FeedArgs extends PageArgs {
  @Field(() => ContentType, { nullable: true })
  @IsOptional()
  type?: ContentType | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(60)
  themeSlug?: string | null;

  @Field({ defaultValue: false, description: 'Only items the viewer has not viewed yet.' })
  unseenOnly!: boolean;
}

@ArgsType()
export class CommentsArgs extends PageArgs {
  @Field(() => ID)
  contentId!: string;
}

@InputType()
export class AddCommentInput {
  @Field(() => ID)
  contentId!: string;

  @Field()
  @RequiredText(COMMENT_MAX_LENGTH)
  body!: string;

  @Field(() => ID, { nullable: true, description: 'The comment this replies to (replies are one level deep).' })
  @IsOptional()
  parentId?: string | null;
}

@InputType()
export class EditCommentInput {
  @Field(() => ID)
  id!: string;

  @Field()
  @RequiredText(COMMENT_MAX_LENGTH)
  body!: string;
}
