/**
 * The first `max` UTF-16 units of `text` (JavaScript's length), one fewer when the cut would
 * split an emoji or another character outside the BMP: half a character is refused by
 * PostgreSQL's `jsonb` and stored as U+FFFD in `text`.
 */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** `text` cut to at most `max` units with an ellipsis when it was longer (titles, excerpts, email subjects). */
export const shorten = (text: string, max: number): string => (text.length > max ? `${cutAt(text, max - 1).trimEnd()}…` : text);

/**
 * Whether `text` shows anything: a character that is not a space, an invisible format character
 * (a zero-width space or joiner, a direction mark) or a combining mark with nothing to combine with.
 */
export const VISIBLE_TEXT = /[^\s\p{Cf}\p{M}\p{Z}]/u;
export const hasVisibleText = (text: string): boolean => VISIBLE_TEXT.test(text);

/** Characters as a member counts them: an emoji is one, not two UTF-16 units. */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
