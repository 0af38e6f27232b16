import { AppError, ErrorCode } from '../../server/errors';
import { MAX_SEARCH_RESULTS, QUERY_MAX_LENGTH } from './search.inputs';

/** The search domain's errors. */
export const SearchErrors = {
  emptyQuery: () => new AppError(ErrorCode.BAD_USER_INPUT, 'Type something to search for.', { fields: { query: 'must not be blank' } }),
  queryTooLong: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A search is at most ${QUERY_MAX_LENGTH} characters.`, {
      fields: { query: `at most ${QUERY_MAX_LENGTH} characters` },
    }),
  // `[]` is refused rather than read as "every kind": an app sending the kinds ticked sends [] when none is.
  noKinds: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'Choose at least one kind of result, or leave kinds out for every kind.', {
      fields: { kinds: 'must not be empty (leave it out for every kind)' },
    }),
  tooDeep: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, `Search results stop at ${MAX_SEARCH_RESULTS}: refine the search instead.`, {
      fields: { after: `beyond the first ${MAX_SEARCH_RESULTS} results` },
    }),
};
