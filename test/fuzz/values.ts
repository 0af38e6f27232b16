import fc from 'fast-check';
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType } from 'graphql';

/** Ids the fuzzer knows exist (items, sessions, members…), so generated calls also reach past "not found". */
export interface KnownValues {
  ids: string[];
  slugs: string[];
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Strings a hostile client sends: control characters, lone surrogates, huge, SQL, paths, forged cursors. */
const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0007',
  '💥'.repeat(50),
  'x'.repeat(70_000),
  "' or '1'='1",
  '%_\\',
  '../../etc/passwd',
  'javascript:alert(1)',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  'not-a-uuid',
  '1',
  '-1',
  'NaN',
  cursorOf(['not-a-date', '00000000-0000-4000-8000-000000000000']),
  cursorOf(['2026-01-01T00:00:00.000Z', Number('123456789012345678901234567890')]),
  cursorOf([-1]),
  cursorOf(['NaN']),
  cursorOf([1e300]),
  cursorOf({}),
  '2026-02-30T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  '2026-13-01',
];

const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  1e300,
  -1e300,
  1.5,
  5e-324,
  Number.MAX_SAFE_INTEGER + 2,
];

/** Anything JSON can carry, for a value of the wrong type. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...EDGE_NUMBERS),
  fc.constantFrom(...EDGE_STRINGS),
  fc.constant({ nested: { deeper: [1, 'two', null] } }),
  fc.constant([[[['deep']]]]),
);

function stringOf(known: KnownValues): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 3, arbitrary: fc.constantFrom(...known.ids, ...known.slugs) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
  );
}

function scalarOf(name: string, known: KnownValues): fc.Arbitrary<unknown> {
  switch (name) {
    case 'Int':
      return fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
        { weight: 5, arbitrary: fc.integer({ min: -2, max: 120 }) },
        { weight: 1, arbitrary: fc.integer() },
      );
    case 'Float':
      return fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.double({ noNaN: true }));
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return fc.oneof(
        {
          weight: 5,
          arbitrary: fc
            .date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
            .map((date) => date.toISOString()),
        },
        { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
        // Year 0000: JavaScript has it, PostgreSQL does not; 9999: the last RFC 3339 year.
        { weight: 1, arbitrary: fc.constantFrom('0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z') },
        { weight: 1, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
      );
    case 'LocalDate':
      return fc.oneof(
        {
          weight: 5,
          arbitrary: fc
            .date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
            .map((date) => date.toISOString().slice(0, 10)),
        },
        { weight: 1, arbitrary: fc.constantFrom('0000-01-01', '9999-12-31') },
        { weight: 1, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
      );
    default:
      return stringOf(known);
  }
}

/**
 * Values for an input type: mostly well-typed (so validation passes and resolvers run), with
 * nulls where they are allowed and not, values of the wrong type, and long or deep lists.
 */
export function valueOf(type: GraphQLInputType, known: KnownValues, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type))
    return fc.oneof({ weight: 40, arbitrary: valueOf(type.ofType, known, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  // Rarely of the wrong type: an operation has several values, and one wrong one stops it all before it runs.
  const wrong = { weight: 1, arbitrary: anyJson };
  if (isListType(type)) {
    const item = valueOf(type.ofType, known, depth + 1);
    return fc.oneof(
      { weight: 30, arbitrary: fc.array(item, { maxLength: 4 }) },
      // Long lists of small items (a long list of 70 KB strings would only test the body limit).
      { weight: 2, arbitrary: item.map((one) => Array((JSON.stringify(one) ?? '').length < 40 ? 20_000 : 3).fill(one)) },
      wrong,
    );
  }
  if (isEnumType(type)) return fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...type.getValues().map((value) => value.name)) }, wrong);
  if (isScalarType(type)) return fc.oneof({ weight: 30, arbitrary: scalarOf(type.name, known) }, wrong);
  if (isInputObjectType(type) && depth < 4) {
    // Required fields almost always there; optional ones there or not.
    const fields = Object.values(type.getFields()).map((field) => {
      const required = isNonNullType(field.type) && field.defaultValue === undefined;
      return [field.name, fc.option(valueOf(field.type, known, depth + 1), { freq: required ? 40 : 2, nil: undefined })] as const;
    });
    const record = fc.record(Object.fromEntries(fields), { requiredKeys: [] });
    return fc.oneof({ weight: 30, arbitrary: record.map((value) => dropUndefined(value as Record<string, unknown>)) }, wrong);
  }
  return anyJson;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

/** A value as a GraphQL literal (to fuzz literal arguments, not only variables); enum names stay bare. */
export function toLiteral(value: unknown, type: GraphQLInputType): string {
  const named = getNamedType(type);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => toLiteral(item, isListType(type) ? type.ofType : isNonNullType(type) && isListType(type.ofType) ? type.ofType.ofType : type)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = isInputObjectType(named) ? named.getFields() : {};
    return `{ ${Object.entries(value)
      .map(([key, field]) => `${/^[_A-Za-z]\w*$/.test(key) ? key : '_bad'}: ${toLiteral(field, fields[key]?.type ?? type)}`)
      .join(', ')} }`;
  }
  if (typeof value === 'string' && isEnumType(named) && /^[_A-Za-z]\w*$/.test(value)) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  return JSON.stringify(value);
}
