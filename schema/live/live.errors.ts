import { AppError, ErrorCode, ServiceUnavailableError } from '../../server/errors';

/** The live domain's errors: sessions, registrations, joining, recordings. */
export const LiveErrors = {
  sessionNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Live session not found.'),
  endsBeforeStart: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'A session must end after it starts.', { fields: { endsAt: 'must be after startsAt' } }),
  endsInPast: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'A session must end in the future: this one would be over before it is scheduled.', {
      fields: { endsAt: 'must be in the future' },
    }),
  tooFarAhead: (days: number) =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A session can start at most ${days} days ahead.`, {
      fields: { startsAt: `must be within ${days} days` },
    }),
  tooLong: (hours: number) =>
    new AppError(ErrorCode.BAD_USER_INPUT, `A session can last at most ${hours} hours.`, {
      fields: { endsAt: `must be at most ${hours} hours after startsAt` },
    }),
  unknownMembers: (field: string, ids: string[]) =>
    new AppError(ErrorCode.BAD_USER_INPUT, `Unknown member(s): ${ids.join(', ')}.`, { fields: { [field]: 'unknown member' } }),
  notAPartner: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'The partner of a session must be a member with role PARTNER.', {
      fields: { partnerId: 'must be a PARTNER' },
    }),
  capacityFull: (capacity: number) => new AppError(ErrorCode.CONFLICT, `This session is full (${capacity} seats).`, { capacity }),
  capacityBelowRegistrants: (registrants: number) =>
    new AppError(ErrorCode.CONFLICT, `${registrants} members are already registered: capacity cannot be lower.`, {
      fields: { capacity: `must be at least ${registrants}` },
    }),
  /** SCHEDULED, its end passed without its room ever starting: as over as an ENDED one. */
  endPassed: () =>
    new AppError(ErrorCode.CONFLICT, 'This session’s scheduled end has passed: it can no longer be registered for.', {
      status: 'SCHEDULED',
    }),
  closed: (status: string) =>
    new AppError(ErrorCode.CONFLICT, `This session is ${status.toLowerCase()}: it can no longer be changed or registered for.`, { status }),
  notRegistered: () => new AppError(ErrorCode.FORBIDDEN, 'Register for this session to join it.'),
  tooEarly: (opensAt: Date) =>
    new AppError(ErrorCode.FORBIDDEN, `The room opens 15 minutes before the start, at ${opensAt.toISOString()}.`, {
      opensAt: opensAt.toISOString(),
    }),
  over: () => new AppError(ErrorCode.FORBIDDEN, 'This session is over; its replay will be published when ready.'),
  notLive: (status: string) => new AppError(ErrorCode.CONFLICT, `Only a LIVE session can be recorded; this one is ${status}.`, { status }),
  recordingFailed: (reason: string) => new AppError(ErrorCode.CONFLICT, `LiveKit could not start the recording: ${reason}`),
  /** LiveKit did not answer (unreachable, timed out, or a 5xx): nothing is wrong with the request, try again. */
  liveKitUnavailable: () => new ServiceUnavailableError('LiveKit is unreachable right now; try again shortly.', 5),
};
