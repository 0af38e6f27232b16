import { ViewableContent } from './viewable-content';

describe('ViewableContent', () => {
  it('remembers an item for its lifetime only, and stays bounded', () => {
    let now = 0;
    const known = new ViewableContent(() => now, 1000, 3);
    known.add('a');
    now = 999;
    expect(known.has('a')).toBe(true);
    now = 1000;
    expect(known.has('a')).toBe(false);
    known.add('a');
    known.add('b');
    known.add('c');
    known.add('d'); // full: forgets the least recently used rather than growing
    expect(['a', 'b', 'c', 'd'].filter((id) => known.has(id))).toEqual(['b', 'c', 'd']);
  });
});
