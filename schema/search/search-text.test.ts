import { snippetHtml } from './search-snippet';
import { prefixWord } from './search.queries';

describe('prefixWord: the word still being typed', () => {
  it.each([
    ['webin', 'webin'],
    ['marketing webin', 'webin'],
    ['"sales pipel', 'pipel'],
    ['marketing ', null],
    ['"sales pipeline"', null],
    ['marketing -webin', null],
    ['sales or', null],
    ['sales OR', null],
    ['', null],
  ])('%j → %j', (query, word) => {
    expect(prefixWord(query)).toBe(word);
  });
});

describe('snippetHtml', () => {
  it('escapes everything and turns only the markers into <mark>, balanced', () => {
    expect(snippetHtml('<b>"x" & \'y\'</b> \u0001match\u0002')).toBe(
      '&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; <mark>match</mark>',
    );
    expect(snippetHtml('\u0001a\u0001b\u0002\u0002 c \u0001d')).toBe('<mark>ab</mark> c <mark>d</mark>');
  });
});
