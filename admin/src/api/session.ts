import { useSyncExternalStore } from 'react';
import { LogInDocument, LogOutDocument, RefreshSessionDocument, type ConsoleSessionFragment, type Role } from '../generated/graphql';
import { connect, HearthError } from './hearth';

/** Who may open the console; pages say which of these roles each one is for (pages.tsx). */
export const CONSOLE_ROLES: readonly Role[] = ['ADMIN', 'MODERATOR'];

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  member: ConsoleSessionFragment['member'];
}

/** A member whose role may not open the console: refused at login, with words that say why. */
export class ConsoleRefused extends Error {
  constructor(readonly role: Role) {
    super(
      `This console is for community admins and moderators. Your account (${role.toLowerCase()}) cannot open it: use the community app instead.`,
    );
    this.name = 'ConsoleRefused';
  }
}

// Tokens live in memory only: nothing a script injected later could read from storage. A reload
// asks for the password again and returns to the same URL.
let current: Session | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
const anonymous = connect(() => null);

/** Refresh a minute before the access token expires, so a page never waits on a refused call. */
const REFRESH_AHEAD_MS = 60_000;

function set(next: Session | null): void {
  current = next;
  clearTimeout(refreshTimer);
  if (next) {
    const delay = Math.max(5_000, new Date(next.accessTokenExpiresAt).getTime() - Date.now() - REFRESH_AHEAD_MS);
    refreshTimer = setTimeout(() => void refresh(), delay);
  }
  for (const listener of listeners) listener();
}

export const accessToken = (): string | null => current?.accessToken ?? null;

export async function logIn(email: string, password: string): Promise<void> {
  const { logIn: payload } = await anonymous.mutate(LogInDocument, { input: { email: email.trim(), password } });
  if (!CONSOLE_ROLES.includes(payload.member.role)) {
    // Revoke what was just issued: the console keeps no session it will not use.
    await anonymous.mutate(LogOutDocument, { refreshToken: payload.refreshToken }).catch(() => undefined);
    throw new ConsoleRefused(payload.member.role);
  }
  set(payload);
}

let refreshing: Promise<string | null> | null = null;

/** A new access token from the refresh token (rotated), or null when the session is over. */
export function refresh(): Promise<string | null> {
  const session = current;
  if (!session) return Promise.resolve(null);
  refreshing ??= anonymous
    .mutate(RefreshSessionDocument, { refreshToken: session.refreshToken })
    .then(
      ({ refreshSession }) => {
        set(refreshSession);
        return refreshSession.accessToken;
      },
      (error: unknown) => {
        // Refused (revoked, expired): log out. Unreachable API: keep the session and try later.
        if (error instanceof HearthError) set(null);
        return null;
      },
    )
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function logOut(): Promise<void> {
  const session = current;
  set(null);
  if (session) await anonymous.mutate(LogOutDocument, { refreshToken: session.refreshToken }).catch(() => undefined);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, () => current);
}

/** The client pages use: the session's token, refreshed once on UNAUTHENTICATED. */
export const api = connect(accessToken, refresh);
