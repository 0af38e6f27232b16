import { HeaderMap } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ValidationError } from 'class-validator';
import { DriverException } from '@mikro-orm/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isUnavailableError, RETRY_AFTER_SECONDS, throttledWarning } from './unavailable';

/**
 * Codes a client can rely on (`extensions.code`). Domains add their messages, never new
 * transport semantics: anything a client must branch on is one of these.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  RATE_LIMITED = 'RATE_LIMITED',
  CONFLICT = 'CONFLICT',
  /** A dependency (database, Redis, LiveKit) is unreachable or too slow: retry after `retryAfterSeconds` (HTTP 503). */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Codes Apollo and graphql-js produce themselves for malformed operations; passed through as-is. */
const TRANSPORT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** PostgreSQL's "invalid input syntax" (e.g. a malformed uuid reaching a query). */
const INVALID_TEXT_REPRESENTATION = '22P02';

export type ErrorExtras = Record<string, unknown>;

export class AppError extends Error {
  constructor(
    readonly code: Exclude<ErrorCode, ErrorCode.INTERNAL_SERVER_ERROR>,
    message: string,
    readonly extras: ErrorExtras = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found.`);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'You must be logged in.') => new AppError(ErrorCode.UNAUTHENTICATED, message);
export const badInput = (message: string, fields: Record<string, string> = {}) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, { fields });

/**
 * SERVICE_UNAVAILABLE with `retryAfterSeconds`. It also carries Apollo's `http` extension, so an
 * HTTP answer that fails before execution (building the context) is a 503 with Retry-After too.
 */
export class ServiceUnavailableError extends AppError {
  readonly extensions: { http: { status: number; headers: HeaderMap } };

  constructor(message = 'The service is temporarily unavailable; try again shortly.', retryAfterSeconds = RETRY_AFTER_SECONDS) {
    super(ErrorCode.SERVICE_UNAVAILABLE, message, { retryAfterSeconds });
    this.extensions = { http: { status: 503, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) } };
  }
}

/** `error` as a ServiceUnavailableError when it means a dependency is unreachable; as it is otherwise. */
export function asServiceUnavailable(error: unknown): unknown {
  return !(error instanceof AppError) && isUnavailableError(error) ? new ServiceUnavailableError() : error;
}

/** Flattens class-validator's nested errors into `{ "input.email": "email must be an email" }`. */
export function validationFields(errors: ValidationError[], prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors) {
    const name = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) fields[name] = Object.values(error.constraints)[0];
    if (error.children?.length) Object.assign(fields, validationFields(error.children, name));
  }
  return fields;
}

function isArgumentValidationError(error: unknown): error is GraphQLError & { extensions: { validationErrors: ValidationError[] } } {
  return error instanceof GraphQLError && Array.isArray(error.extensions?.validationErrors);
}

const unavailableWarnings = new WeakMap<Logger, (err: unknown) => void>();

/** Outages are logged once, then every 10 s with a count, rather than once per failed request. */
export function warnUnavailable(logger: Logger, err: unknown): void {
  let warn = unavailableWarnings.get(logger);
  if (!warn)
    unavailableWarnings.set(logger, (warn = throttledWarning(logger, 'a dependency is unavailable: answering SERVICE_UNAVAILABLE')));
  warn(err);
}

/** Maps any thrown value to what a client may see. Unknown errors are logged and masked. */
export function toClientError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(error);
  // graphql-ws wraps what a subscription's stream throws (no path, so Apollo does not unwrap it).
  const original = unwrapped instanceof GraphQLError && unwrapped.originalError instanceof AppError ? unwrapped.originalError : unwrapped;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof AppError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.extras } };
  }
  if (original instanceof DriverException && original.code === INVALID_TEXT_REPRESENTATION) {
    // An id that is not a UUID names nothing: the same answer as an unknown id, not a 500.
    return { ...base, message: 'Not found: an id in the request is not valid.', extensions: { code: ErrorCode.NOT_FOUND } };
  }
  if (isUnavailableError(original)) {
    warnUnavailable(logger, original);
    const { message, extras } = new ServiceUnavailableError();
    return { ...base, message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...extras } };
  }
  if (isArgumentValidationError(original)) {
    const fields = validationFields(original.extensions.validationErrors);
    return {
      ...base,
      message: `Invalid input: ${Object.keys(fields).join(', ')}.`,
      extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (TRANSPORT_CODES.has(code) || code === ErrorCode.BAD_USER_INPUT)) {
    // Variable coercion and armor limits: the message is about the request, safe to return.
    return { ...base, extensions: { code } };
  }
  if (original instanceof GraphQLError && !original.originalError && !formatted.path) {
    // A validation error raised before execution (e.g. by a limit rule): about the request.
    return { ...base, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving an operation');
  return {
    message: 'Internal server error.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
