import { parse } from 'graphql';
import { findUnstorableText } from './input-checks';

describe('findUnstorableText', () => {
  it('finds a NUL in a literal argument on every request sending that document, and in variables whatever the document', () => {
    const withLiteral = parse('query { search(query: "a\\u0000b") { __typename } }');
    const clean = parse('query($q: String!) { search(query: $q) { __typename } }');
    for (let request = 0; request < 3; request++) {
      expect(findUnstorableText(withLiteral, {})).toEqual({ path: 'query', problem: 'NUL' });
      expect(findUnstorableText(clean, { q: 'fine' })).toBeNull();
      expect(findUnstorableText(clean, { q: 'bad\u0000' })).toEqual({ path: 'q', problem: 'NUL' });
      expect(findUnstorableText(withLiteral, { other: { deep: ['x', 'y\u0000'] } })).toEqual({ path: 'other.deep.1', problem: 'NUL' });
    }
  });

  it('finds half of a character (a lone surrogate) in variables, values and keys alike, and lets whole ones through', () => {
    const document = parse('query($q: String!) { search(query: $q) { __typename } }');
    const thumbsUp = '\u{1F44D}\u{1F3FD}';
    expect(findUnstorableText(document, { q: `great ${thumbsUp} ${'\u{1F600}'}` })).toBeNull();
    expect(findUnstorableText(document, { q: `cut ${thumbsUp.slice(0, 3)}` })).toEqual({ path: 'q', problem: 'LONE_SURROGATE' });
    expect(findUnstorableText(document, { input: { views: [{ contentId: 'a' }, { contentId: '\udc00b' }] } })).toEqual({
      path: 'input.views.1.contentId',
      problem: 'LONE_SURROGATE',
    });
    expect(findUnstorableText(document, { input: { ['key\ud800']: 'value' } })).toEqual({
      path: 'input.key\ud800',
      problem: 'LONE_SURROGATE',
    });
  });
});
