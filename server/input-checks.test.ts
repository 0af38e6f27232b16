import { parse } from 'graphql';
import { findNulCharacter } from './input-checks';

describe('findNulCharacter', () => {
  it('finds a NUL in a literal argument on every request sending that document, and in variables whatever the document', () => {
    const withLiteral = parse('query { search(query: "a\\u0000b") { __typename } }');
    const clean = parse('query($q: String!) { search(query: $q) { __typename } }');
    for (let request = 0; request < 3; request++) {
      expect(findNulCharacter(withLiteral, {})).toBe('query');
      expect(findNulCharacter(clean, { q: 'fine' })).toBeNull();
      expect(findNulCharacter(clean, { q: 'bad\u0000' })).toBe('q');
      expect(findNulCharacter(withLiteral, { other: { deep: ['x', 'y\u0000'] } })).toBe('other.deep.1');
    }
  });
});
