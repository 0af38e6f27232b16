import { shorten } from '../../server/text';
import { AppError, ErrorCode } from '../../server/errors';

/** The content domain's errors: one message per situation. */
export const ContentErrors = {
  contentNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Content not found.'),
  themeNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Theme not found.'),
  commentNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Comment not found.'),
  slugTaken: () => new AppError(ErrorCode.CONFLICT, 'A theme with this slug already exists.', { fields: { slug: 'already used' } }),
  unknownThemes: (field: string, slugs: string[]) => {
    // A few slugs, each cut short: a request naming 20,000 unknown ones does not get them all back.
    const named = slugs.slice(0, 5).map((slug) => shorten(slug, 61));
    const list = `${named.join(', ')}${slugs.length > named.length ? ` and ${slugs.length - named.length} more` : ''}`;
    return new AppError(ErrorCode.BAD_USER_INPUT, `Unknown theme: ${list}.`, { fields: { [field]: `unknown theme ${list}` } });
  },
  notAuthor: () => new AppError(ErrorCode.FORBIDDEN, 'Only the author or an admin can change this.'),
  neverPublished: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'Only published content can be archived: a draft stays a draft until it is published.', {
      fields: { id: 'never published' },
    }),
  notPublished: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'Comments can only be added to published content.', { fields: { contentId: 'not published' } }),
  replyTooDeep: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'Replies are one level deep: reply to the top comment instead.', {
      fields: { parentId: 'is a reply' },
    }),
  parentElsewhere: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'The parent comment belongs to another content item.', {
      fields: { parentId: 'other content' },
    }),
  /** `field`: the input naming the comment (`id` to edit it, `parentId` to reply to it). */
  commentDeleted: (field: 'id' | 'parentId') =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'This comment was deleted.', { fields: { [field]: 'deleted' } }),
};
