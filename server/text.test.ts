import { characterCount, cutAt, hasVisibleText, shorten } from './text';

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
    expect(shorten('ab cd', 4)).toBe('ab…');
  });
});

describe('visible text and character counts', () => {
  it('finds nothing visible in spaces, zero-width and lone combining characters', () => {
    for (const blank of ['', '  \n', '\u200B\u200B', '\u0301\u0301', '\u200D\uFEFF', '\u00A0\u3000', '\u202E'])
      expect([blank, hasVisibleText(blank)]).toEqual([blank, false]);
    for (const text of ['a', '\u200Bhi', 'é', '😀', '日本', '٣']) expect([text, hasVisibleText(text)]).toEqual([text, true]);
  });

  it('counts an emoji as one character, and a lone surrogate as one', () => {
    expect(characterCount('😀'.repeat(3))).toBe(3);
    expect(characterCount('a😀b')).toBe(3);
    expect(characterCount('\uD83D')).toBe(1);
    expect(characterCount('')).toBe(0);
  });
});
