import { AppError, badInput, ErrorCode } from '../../server/errors';
import { LOCALES } from '../../server/i18n/i18n';

/** The identity domain's errors: one message per situation, the same for every caller. */
export const IdentityErrors = {
  invalidCredentials: () => new AppError(ErrorCode.UNAUTHENTICATED, 'Email or password is incorrect.'),
  invalidRefreshToken: () => new AppError(ErrorCode.UNAUTHENTICATED, 'This session has ended; log in again.'),
  emailTaken: () =>
    new AppError(ErrorCode.CONFLICT, 'An account with this email already exists.', { fields: { email: 'already registered' } }),
  memberNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Member not found.'),
  lastAdmin: () => new AppError(ErrorCode.CONFLICT, 'The community must keep at least one admin.'),
  suspendedStaff: () =>
    new AppError(ErrorCode.CONFLICT, 'A suspended member cannot become an admin or a moderator; lift the suspension first.'),
  unknownLocale: () => badInput(`locale must be one of ${LOCALES.join(', ')}.`, { locale: `must be one of ${LOCALES.join(', ')}` }),
  unknownTimeZone: () =>
    badInput('timeZone must be an IANA time zone such as Europe/Paris.', { timeZone: 'must be an IANA time zone such as Europe/Paris' }),
};
