import { AppError, ErrorCode } from '../../../server/errors';

export const CHAT_BODY_MAX_LENGTH = 1000;

/** The live chat's errors; an unknown session is LiveErrors.sessionNotFound. */
export const SessionChatErrors = {
  emptyBody: () => new AppError(ErrorCode.BAD_USER_INPUT, 'A chat message cannot be empty.', { fields: { body: 'must not be empty' } }),
  bodyTooLong: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A chat message can be at most ${CHAT_BODY_MAX_LENGTH} characters long.`, {
      fields: { body: `must be at most ${CHAT_BODY_MAX_LENGTH} characters long` },
    }),
  notTakingPart: () => new AppError(ErrorCode.FORBIDDEN, 'Register for this session to read and write in its chat.'),
  /** ENDED or CANCELLED: the history stays readable, nothing more can be written. */
  closed: (status: string) => new AppError(ErrorCode.CONFLICT, `This session is ${status.toLowerCase()}: its chat is closed.`, { status }),
  endPassed: () =>
    new AppError(ErrorCode.CONFLICT, 'This session’s scheduled end has passed without it starting: its chat is closed.', {
      status: 'SCHEDULED',
    }),
  notOpenYet: (opensAt: Date) =>
    new AppError(ErrorCode.CONFLICT, `The chat opens with the room, 15 minutes before the start, at ${opensAt.toISOString()}.`, {
      opensAt: opensAt.toISOString(),
    }),
};
