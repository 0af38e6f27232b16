import { AppError, ErrorCode } from '../../server/errors';
import { MESSAGE_MAX_LENGTH } from './conversation.inputs';

const eitherTarget = 'exactly one of recipientId, conversationId';

/** The conversation domain's errors. A conversation the viewer is not in is "not found": no existence leak. */
export const ConversationErrors = {
  conversationNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Conversation not found.'),
  /** An unknown recipient or block target. */
  recipientNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Member not found.'),
  oneTarget: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'Give either recipientId or conversationId, not both.', {
      fields: { recipientId: eitherTarget, conversationId: eitherTarget },
    }),
  emptyBody: () => new AppError(ErrorCode.BAD_USER_INPUT, 'A message cannot be empty.', { fields: { body: 'must not be empty' } }),
  bodyTooLong: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A message can be at most ${MESSAGE_MAX_LENGTH} characters long.`, {
      fields: { body: `must be at most ${MESSAGE_MAX_LENGTH} characters long` },
    }),
  toYourself: (field: string) =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'You cannot message or block yourself.', { fields: { [field]: 'is you' } }),
  blocked: () => new AppError(ErrorCode.FORBIDDEN, 'You cannot exchange messages with this member: one of you has blocked the other.'),
};
