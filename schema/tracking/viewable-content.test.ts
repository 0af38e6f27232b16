import { ViewableContent } from './viewable-content';

describe('ViewableContent', () => {
  it('remembers an item for its lifetime only, and stays bounded', () => {
    let now = 0;
    const known = new ViewableContent(() => now, 1000, 3);
    known.add('a', 'ann', known.mark());
    now = 999;
    expect(known.has('a')).toBe(true);
    now = 1000;
    expect(known.has('a')).toBe(false);
    for (const id of ['a', 'b', 'c', 'd']) known.add(id, 'ann', known.mark());
    // full: forgets the least recently used rather than growing
    expect(['a', 'b', 'c', 'd'].filter((id) => known.has(id))).toEqual(['b', 'c', 'd']);
  });

  it('forgets a hidden item, and every item of a suspended author', () => {
    const known = new ViewableContent(() => 0);
    for (const [id, author] of [
      ['a', 'ann'],
      ['b', 'bob'],
      ['c', 'ann'],
      ['d', 'cy'],
    ])
      known.add(id, author, known.mark());
    known.forget({ contentId: 'd' });
    known.forget({ authorId: 'ann' });
    expect(['a', 'b', 'c', 'd'].filter((id) => known.has(id))).toEqual(['b']);
  });

  it('does not take in what a lookup read before a change', () => {
    const known = new ViewableContent(() => 0);
    const mark = known.mark(); // a lookup starts…
    known.forget({ authorId: 'ann' }); // …ann is suspended meanwhile…
    known.add('a', 'ann', mark); // …and its answer arrives: stale, so not kept
    expect(known.has('a')).toBe(false);
    known.add('a', 'ann', known.mark());
    expect(known.has('a')).toBe(true);
  });
});
