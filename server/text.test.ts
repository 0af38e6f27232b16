import { cutAt, shorten } from './text';

describe('cutting text to a length', () => {
  it('never leaves half of a character outside the BMP', () => {
    expect(cutAt('ab😀c', 3)).toBe('ab');
    expect(cutAt('ab😀c', 4)).toBe('ab😀');
    expect(cutAt('abc', 5)).toBe('abc');
    for (let max = 1; max <= 10; max++) expect(cutAt('😀'.repeat(5), max).isWellFormed()).toBe(true);
  });

  it('shortens with an ellipsis only what is longer', () => {
    expect(shorten('abcdef', 4)).toBe('abc…');
    expect(shorten('abcd', 4)).toBe('abcd');
    expect(shorten('a😀😀', 3)).toBe('a…');
  });
});
