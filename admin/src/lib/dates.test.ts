import { addDays, isDay, lastDays, rangeDays, rangeFrom, toWindow } from './dates';

describe('console date ranges', () => {
  it('turns an inclusive day range into the API window with an exclusive end', () => {
    expect(toWindow({ from: '2026-11-01', to: '2026-11-30' })).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(rangeDays({ from: '2026-02-01', to: '2026-02-28' })).toBe(28);
  });

  it('falls back to the default for a missing, invalid or inverted range in the URL', () => {
    const fallback = lastDays(30, '2026-12-03');
    expect(fallback).toEqual({ from: '2026-11-04', to: '2026-12-03' });
    expect(rangeFrom(null, '2026-12-01', fallback)).toBe(fallback);
    expect(rangeFrom('2026-13-01', '2026-12-01', fallback)).toBe(fallback);
    expect(rangeFrom('2026-12-02', '2026-12-01', fallback)).toBe(fallback);
    expect(rangeFrom('2026-10-01', '2026-12-01', fallback)).toEqual({ from: '2026-10-01', to: '2026-12-01' });
    expect(isDay('2026-02-30x')).toBe(false);
  });
});
