import { AppError, ErrorCode } from '../../server/errors';

/** The moderation domain's errors: one message per situation. */
export const ModerationErrors = {
  subjectNotFound: () =>
    new AppError(ErrorCode.NOT_FOUND, 'Nothing to report: it does not exist or you cannot see it.', { fields: { subjectId: 'not found' } }),
  alreadyReported: () => new AppError(ErrorCode.CONFLICT, 'You already reported this.', { fields: { subjectId: 'already reported' } }),
  ownSubject: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'You cannot report yourself or what you wrote.', { fields: { subjectId: 'your own' } }),
  caseNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Moderation case not found.'),
  caseResolved: () => new AppError(ErrorCode.CONFLICT, 'This case was already resolved.'),
  actionNotForMember: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'A report about a member is dismissed or its member suspended (SUSPEND_AUTHOR).', {
      fields: { action: 'not for a member' },
    }),
  untilInPast: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'A suspension must end in the future.', { fields: { until: 'must be in the future' } }),
  cannotSuspend: () => new AppError(ErrorCode.FORBIDDEN, 'Admins and moderators cannot be suspended; change their role first.'),
  notSuspended: () => new AppError(ErrorCode.CONFLICT, 'This member is not suspended.'),
  suspended: (until: Date) =>
    new AppError(ErrorCode.FORBIDDEN, `This account is suspended until ${until.toISOString()}.`, {
      reason: 'MEMBER_SUSPENDED',
      suspendedUntil: until.toISOString(),
    }),
};
