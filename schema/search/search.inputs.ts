import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { PageArgs } from '../../server/pagination';
import { ContentType } from '../content/content.entity';
import { SearchKind } from './search.types';

export const QUERY_MAX_LENGTH = 200;

/** A search is a box to find something, not an export: pages stop after this many hits. */
export const MAX_SEARCH_RESULTS = 1000;

@ArgsType()
export class SearchArgs extends PageArgs {
  @Field({
    description:
      'Words to find, as a search box takes them: "a quoted phrase", -word to exclude, `or` between alternatives. ' +
      'The last word also matches as the start of a word (as-you-type). Accents and case do not matter; words match in the community’s language (COMMUNITY_LOCALE).',
  })
  query!: string;

  @Field(() => [SearchKind], {
    nullable: true,
    description: 'Only these kinds of result (all kinds when absent or null). An empty list is BAD_USER_INPUT on `kinds`.',
  })
  @IsOptional()
  @ArrayMaxSize(4)
  kinds?: SearchKind[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only items and live sessions on this theme, and comments on such items (no members).',
  })
  @IsOptional()
  @MaxLength(60)
  themeSlug?: string | null;

  @Field(() => ContentType, { nullable: true, description: 'Only items of this type and comments on them (no members or live sessions).' })
  @IsOptional()
  type?: ContentType | null;
}
