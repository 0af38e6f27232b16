/**
 * The console's only door to the API: Hearth's typed client (client/). Its source file, not the
 * folder: once client/ is a workspace package its folder resolves to the package's build, which
 * Vite need not wait for. Switching to the package is this one line.
 */
import { createHearthClient, HearthError } from '../../../client/index';

export { HearthError };

/** Same origin in production (the API serves /admin) and in `npm run admin:dev` (Vite proxies /graphql). */
const url = new URL('/graphql', window.location.origin).href;

export type HearthClient = ReturnType<typeof createHearthClient>;

/** A client that sends `getAccessToken()` and calls `refresh()` once when the API answers UNAUTHENTICATED. */
export function connect(getAccessToken: () => string | null, refresh?: () => Promise<string | null>): HearthClient {
  return createHearthClient({ url, getAccessToken, refresh });
}

/** The message to show for a failed call: the API's own for its typed errors, a plain one otherwise. */
export function messageOf(error: unknown): string {
  if (error instanceof HearthError) return error.message;
  return 'The API could not be reached. Check your connection and try again.';
}
