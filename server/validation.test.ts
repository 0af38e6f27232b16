import 'reflect-metadata';
import { IsEmail, MaxLength } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';
import { schemaBuildOptions } from './schema';
import { validateArgument } from './validation';

class Signup {
  @IsEmail()
  email?: string;

  @MaxLength(5)
  name?: string;
}

const signup = (fields: Partial<Signup>) => Object.assign(new Signup(), fields);
const validate = (value: unknown) => validateArgument(value, Signup, {} as never);

/** The properties a rejection names, as the error formatter reads them (server/errors.ts). */
async function rejectedProperties(value: unknown): Promise<string[]> {
  try {
    await validate(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentValidationError);
    const { validationErrors } = (error as ArgumentValidationError).extensions as { validationErrors: { property: string }[] };
    return validationErrors.map((failure) => failure.property);
  }
  return [];
}

describe('argument validation', () => {
  it('is what the schema is built with, in place of type-graphql’s own (which requires class-validator per call)', () => {
    const options = schemaBuildOptions();
    expect(options.validateFn).toBe(validateArgument);
    expect(options.validate).toBeUndefined();
  });

  it('rejects an argument object naming each failing property, as type-graphql’s validation does', async () => {
    expect(await rejectedProperties(signup({ email: 'not an address', name: 'far too long' }))).toEqual(['email', 'name']);
    expect(await rejectedProperties(signup({ email: 'ada@example.test', name: 'Ada' }))).toEqual([]);
  });

  it('leaves out properties not given, values without rules, and scalars', async () => {
    expect(await rejectedProperties(signup({ name: 'Ada' }))).toEqual([]);
    expect(await rejectedProperties({ anything: 'goes' })).toEqual([]);
    for (const scalar of [null, undefined, 'text', 42, true]) {
      // Answered at once: type-graphql awaits the validator for every argument, and most are scalars.
      expect(validate(scalar)).toBeUndefined();
      expect(await rejectedProperties(scalar)).toEqual([]);
    }
  });

  it('checks every object of a list argument', async () => {
    expect(await rejectedProperties([signup({ name: 'Ada' }), 'text', signup({ email: 'nope' })])).toEqual(['email']);
    expect(await rejectedProperties([signup({ name: 'Ada' }), signup({ name: 'Bob' })])).toEqual([]);
  });
});
