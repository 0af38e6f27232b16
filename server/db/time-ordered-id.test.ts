import { isUUID } from 'class-validator';
import { timeOrderedId } from './time-ordered-id';

describe('timeOrderedId', () => {
  it('is a version 7 UUID whose first 48 bits are the time in milliseconds', () => {
    const at = Date.UTC(2026, 11, 6, 21, 30, 0, 123);
    const id = timeOrderedId(at);
    expect(isUUID(id, 7)).toBe(true);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
  });

  // What keeps a table's inserts at the right edge of its primary key: later ids sort after earlier ones.
  it('sorts by time, and never repeats', () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 3_000 }, (_, n) => timeOrderedId(start + n));
    expect([...ids].sort()).toEqual(ids);
    const sameMillisecond = Array.from({ length: 3_000 }, () => timeOrderedId(start));
    expect(new Set(sameMillisecond).size).toBe(sameMillisecond.length);
  });
});
