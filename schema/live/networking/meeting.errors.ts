import { AppError, ErrorCode } from '../../../server/errors';
import { MEETING_MAX_DAYS_AHEAD, MEETING_MESSAGE_MAX_LENGTH } from './meeting.inputs';

/**
 * Meeting requests' errors. A meeting the viewer is not one of the two members of is "not found":
 * no existence leak.
 */
export const MeetingErrors = {
  meetingNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Meeting not found.'),
  memberNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Member not found.'),
  withYourself: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'You cannot request a meeting with yourself.', { fields: { memberId: 'is you' } }),
  startInPast: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'A meeting must be proposed for a time in the future.', {
      fields: { proposedStart: 'must be in the future' },
    }),
  startTooFar: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A meeting can be proposed at most ${MEETING_MAX_DAYS_AHEAD} days ahead.`, {
      fields: { proposedStart: `must be within ${MEETING_MAX_DAYS_AHEAD} days` },
    }),
  messageTooLong: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A meeting message can be at most ${MEETING_MESSAGE_MAX_LENGTH} characters long.`, {
      fields: { message: `must be at most ${MEETING_MESSAGE_MAX_LENGTH} characters long` },
    }),
  blocked: () => new AppError(ErrorCode.FORBIDDEN, 'You cannot meet this member: one of you has blocked the other.'),
  /** The pair already has an open request (either way); its id lets the client open it. */
  alreadyPending: (meetingId: string, byYou: boolean) =>
    new AppError(
      ErrorCode.CONFLICT,
      byYou
        ? 'You already asked this member for a meeting; wait for their answer.'
        : 'This member already asked you for a meeting: answer their request instead.',
      { meetingId },
    ),
  notTheRecipient: () => new AppError(ErrorCode.FORBIDDEN, 'Only the member who was asked can answer a meeting request.'),
  alreadyAnswered: (status: string) =>
    new AppError(ErrorCode.CONFLICT, `This meeting request was already ${status.toLowerCase()}.`, { status }),
  notAccepted: (status: string) =>
    new AppError(ErrorCode.CONFLICT, `This meeting is ${status.toLowerCase()}: only an accepted meeting can be joined.`, { status }),
};
