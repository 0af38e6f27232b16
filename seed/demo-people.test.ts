import { uniqueNames } from './demo-people';
import { seededRandom } from './random';

describe('uniqueNames', () => {
  it('gives more distinct names than first names × last names × initials hold (about 32,000; P4 seeds 75,000 members)', () => {
    const next = uniqueNames(seededRandom(42));
    const names = Array.from({ length: 40_000 }, () => next());
    expect(new Set(names).size).toBe(40_000);
  });

  it('gives the same names for the same seed', () => {
    const [a, b] = [uniqueNames(seededRandom(7)), uniqueNames(seededRandom(7))];
    expect(Array.from({ length: 100 }, () => a())).toEqual(Array.from({ length: 100 }, () => b()));
  });
});
