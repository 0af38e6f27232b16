import { isURL } from 'class-validator';

/** What a content item's `mediaUrl` may be: an absolute http(s) URL, never `javascript:` or `data:` that a front end would open. */
export const MEDIA_URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true };
export const MEDIA_URL_MESSAGE = 'must be an http(s) URL';

/** The same check for a media URL that does not come through an input type (a LiveKit recording). */
export const isMediaUrl = (value: string): boolean => isURL(value, MEDIA_URL_OPTIONS);
