import { createUnionType, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CommentRow } from '../content/comment.entity';
import { ContentRow } from '../content/content.entity';
import { LiveSessionRow } from '../live/sessions/live-session.entity';

export enum SearchKind {
  CONTENT = 'CONTENT',
  COMMENT = 'COMMENT',
  MEMBER = 'MEMBER',
  LIVE_SESSION = 'LIVE_SESSION',
}
registerEnumType(SearchKind, { name: 'SearchKind', description: 'What a search result is.' });

/** What the member directory shows of a member: never an email or anything private. */
@ObjectType({
  simpleResolvers: true,
  description: 'A member as the directory shows them to other members: name, company and headline only.',
})
export class DirectoryMember {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  company!: string | null;

  @Field(() => String, { nullable: true, description: 'What the member does (their job title).' })
  headline!: string | null;
}

export const SearchSubject = createUnionType({
  name: 'SearchSubject',
  description: 'What a search result found.',
  types: () => [ContentRow, CommentRow, DirectoryMember, LiveSessionRow] as const,
  resolveType: (subject) => {
    if (subject instanceof ContentRow) return ContentRow;
    if (subject instanceof CommentRow) return CommentRow;
    if (subject instanceof LiveSessionRow) return LiveSessionRow;
    return DirectoryMember;
  },
});

@ObjectType({
  simpleResolvers: true,
  description: 'One search result. Open a CONTENT result with recordContentView(source: SEARCH): views from search are counted as such.',
})
export class SearchHit {
  @Field(() => SearchKind)
  kind!: SearchKind;

  @Field(() => ID, { description: 'The id of `subject`.' })
  id!: string;

  @Field(() => Float, { description: 'Relevance: higher is better; comparable within one search only.' })
  score!: number;

  @Field({
    description:
      'The passage that matched, as HTML safe to render: the matched words are in <mark>…</mark>, everything else is escaped text.',
  })
  snippet!: string;

  /** When the subject was published, posted, joined or starts: the tie-breaker after relevance. */
  at!: Date;
}
