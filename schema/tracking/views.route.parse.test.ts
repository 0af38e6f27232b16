import fc from 'fast-check';
import { AppError, ErrorCode } from '../../server/errors';
import { ViewSource } from './content-view.entity';
import { MAX_HEARTBEAT_SECONDS, MAX_VIEWS_PER_CALL } from './tracking.inputs';
import { parseViews } from './views.route';

/** A view as an app may send it, right or wrong in any field. */
const anyView = fc.oneof(
  fc.record(
    {
      contentId: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
      seconds: fc.oneof(fc.integer({ min: -5, max: MAX_HEARTBEAT_SECONDS + 5 }), fc.double(), fc.string(), fc.constant(null)),
      source: fc.oneof(fc.constantFrom(...Object.values(ViewSource)), fc.string(), fc.constant(null)),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);
const bodies = fc.oneof(
  fc.record({ views: fc.array(anyView, { maxLength: MAX_VIEWS_PER_CALL + 3 }) }),
  fc.record({ views: fc.anything(), other: fc.anything() }, { requiredKeys: [] }),
  fc.jsonValue(),
);

const isValid = (view: unknown): boolean => {
  if (typeof view !== 'object' || view === null || Array.isArray(view)) return false;
  const { contentId, seconds, source = ViewSource.DIRECT, ...rest } = view as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    typeof contentId === 'string' &&
    contentId !== '' &&
    Number.isInteger(seconds) &&
    (seconds as number) >= 0 &&
    (seconds as number) <= MAX_HEARTBEAT_SECONDS &&
    Object.values(ViewSource).includes(source as ViewSource)
  );
};

describe('POST /views: parseViews', () => {
  it('takes any JSON an app may send: the views when every one is right, else BAD_USER_INPUT naming what is wrong, never another error', () => {
    fc.assert(
      fc.property(bodies, (body) => {
        const right =
          typeof body === 'object' &&
          body !== null &&
          !Array.isArray(body) &&
          Object.keys(body).every((key) => key === 'views') &&
          Array.isArray((body as { views?: unknown }).views) &&
          (body as { views: unknown[] }).views.length <= MAX_VIEWS_PER_CALL &&
          (body as { views: unknown[] }).views.every(isValid);
        let parsed: ReturnType<typeof parseViews> | undefined;
        try {
          parsed = parseViews(body);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe(ErrorCode.BAD_USER_INPUT);
          const fields = (error as AppError).extras.fields as Record<string, string>;
          expect(Object.keys(fields).length).toBeGreaterThan(0);
          expect(Object.keys(fields).every((field) => /^views(\.\d+(\..*)?)?$/s.test(field))).toBe(true);
          expect(right).toBe(false);
          return;
        }
        expect(right).toBe(true);
        const views = (body as { views: Record<string, unknown>[] }).views;
        expect(parsed).toEqual(
          views.map(({ contentId, seconds, source }) => ({ contentId, seconds, source: source ?? ViewSource.DIRECT })),
        );
      }),
      { numRuns: 500 },
    );
  });
});
