import { Matches, MaxLength } from 'class-validator';
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
