import { Matches, MaxLength } from 'class-validator';

/**
 * A required text field: at least one non-blank character and at most `max` characters.
 * Services store it trimmed.
 */
export function RequiredText(max: number): PropertyDecorator {
  const notBlank = Matches(/\S/, { message: 'must not be empty' });
  const notTooLong = MaxLength(max, { message: `must be at most ${max} characters long` });
  return (target, property) => {
    notBlank(target, property);
    notTooLong(target, property);
  };
}
