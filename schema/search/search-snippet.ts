/**
 * Snippets are cut by PostgreSQL's ts_headline from the stored text, which may hold anything a
 * member typed (HTML, script, our own markers). The statement removes the two marker characters
 * from that text and asks ts_headline to wrap matches in them; here everything is HTML-escaped and
 * only then do the markers become <mark> tags, so <mark> is the only markup a snippet can carry.
 */
export const MATCH_START = '\u0001';
export const MATCH_END = '\u0002';

/** ts_headline's options: up to two passages of about 15 to 35 words around the matches. */
export const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;

const MARKERS = new RegExp(`([${MATCH_START}${MATCH_END}])`);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** ts_headline's output as safe HTML: escaped text with the matches in <mark>. */
export function snippetHtml(headline: string): string {
  let open = false;
  let html = '';
  for (const part of escapeHtml(headline).split(MARKERS)) {
    if (part === MATCH_START) {
      if (!open) html += '<mark>';
      open = true;
    } else if (part === MATCH_END) {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += part;
    }
  }
  return open ? `${html}</mark>` : html;
}
