/**
 * An iCalendar (RFC 5545) event for a live session, attached to its confirmation and reminders
 * so members put it in their calendar. One UID per session: a calendar that imported it updates
 * the event when a later email brings a moved start (SEQUENCE grows with every change).
 */
export interface SessionCalendarEvent {
  sessionId: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** Where to join: the session's page in the community. */
  url: string;
  /** When the session was last changed: orders the versions of the event. */
  updatedAt: Date;
  communityName: string;
}

const stamp = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** TEXT values escape backslashes, semicolons, commas and newlines. */
const text = (value: string) => value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** Lines longer than 75 octets are folded: CRLF and a space, never inside a UTF-8 character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char) > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  return [...parts, current].join('\r\n ');
}

export function sessionCalendar(event: SessionCalendarEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//Hearth//${text(event.communityName)}//EN`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:session-${event.sessionId}@hearth`,
    `SEQUENCE:${Math.floor(event.updatedAt.getTime() / 1000)}`,
    `DTSTAMP:${stamp(event.updatedAt)}`,
    `DTSTART:${stamp(event.startsAt)}`,
    `DTEND:${stamp(event.endsAt)}`,
    `SUMMARY:${text(event.title)}`,
    `DESCRIPTION:${text(`${event.description}\n\nJoin: ${event.url}`.trim())}`,
    `LOCATION:${text(event.url)}`,
    `URL:${event.url}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
