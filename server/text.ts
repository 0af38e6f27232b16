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

/** `text` cut to at most `max` units with an ellipsis when it was longer (titles, excerpts). */
export const shorten = (text: string, max: number): string => (text.length > max ? `${cutAt(text, max - 1)}…` : text);
