import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../identity/authorization';
import type { Context } from '../../server/context';
import { Connection } from '../../server/pagination';
import { SearchArgs } from './search.inputs';
import { SearchService, type LoadedSearchHit, type SearchSubjectValue } from './search.service';
import { SearchHit, SearchSubject } from './search.types';

const SearchHitConnection = Connection(SearchHit);

@Resolver(() => SearchHit)
export class SearchResolver {
  @Authorized()
  @Query(() => SearchHitConnection, {
    description:
      'Finds items, comments, members (the directory: name, company, headline) and live sessions the viewer may see, ' +
      'most relevant first (the most recent first among equals). BAD_USER_INPUT for a blank or over-long query, an empty `kinds` or a cursor this search did not give.',
  })
  search(@Args() args: SearchArgs, @Ctx() ctx: Context) {
    return new SearchService(ctx).search(requireViewer(ctx), args);
  }

  @FieldResolver(() => SearchSubject, { description: 'What was found: a Content, Comment, DirectoryMember or LiveSession.' })
  subject(@Root() hit: LoadedSearchHit): SearchSubjectValue {
    return hit.subject;
  }
}
