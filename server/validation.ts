import { Matches, MaxLength, validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';
import { badInput } from './errors';
import { VISIBLE_TEXT } from './text';

/**
 * A required text field: at least one visible character (not only spaces, zero-width or
 * combining characters) and at most `max` characters. Services store it trimmed.
 */
export function RequiredText(max: number): PropertyDecorator {
  const notBlank = Matches(VISIBLE_TEXT, { message: 'must not be empty' });
  const notTooLong = MaxLength(max, { message: `must be at most ${max} characters long` });
  return (target, property) => {
    notBlank(target, property);
    notTooLong(target, property);
  };
}

/**
 * Partial updates: an absent field keeps its value, `null` clears it where clearing makes sense.
 * Fields that cannot be cleared are named here; `null` for one of them is an input error rather
 * than a silent "unchanged" or a reset to a default.
 */
export function rejectNulls<T extends object>(input: T, fields: readonly (keyof T & string)[]): void {
  const nulls = fields.filter((field) => input[field] === null);
  if (nulls.length) {
    throw badInput(
      `${nulls.join(', ')} cannot be cleared: leave ${nulls.length === 1 ? 'it' : 'them'} out to keep the current value.`,
      Object.fromEntries(nulls.map((field) => [field, 'cannot be null'])),
    );
  }
}

const VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * How arguments are checked: type-graphql's own validation (argument objects and arrays of them;
 * a property left out is not checked, unknown values are let through, as `validate:
 * { forbidUnknownValues: false }` had it), with class-validator loaded once. type-graphql's
 * `validateArg` requires class-validator anew at each call, and Node resolves that request again
 * each time (its fast path only serves a module first loaded by the requiring one): about 50 µs
 * of every request with an input object (timed in place on `search`, P-search in test/bench).
 */
export const validateArgument: ValidatorFn = (value: unknown) => (isObject(value) ? validateObjects(value) : undefined);

/** Scalars (most arguments) are answered above without a promise of their own: type-graphql awaits this per argument. */
async function validateObjects(value: object): Promise<void> {
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isObject).map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
    else await validateOrReject(value, VALIDATOR_OPTIONS);
  } catch (error) {
    throw new ArgumentValidationError(error as ValidationError[]);
  }
}
