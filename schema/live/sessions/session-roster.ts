import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../../server/clock';
import type { Orm } from '../../../server/db/orm';
import { followTopic, type HearthPubSub } from '../../../server/pubsub';
import type { SessionStanding } from '../live-access';
import { sessionRosterRow } from './sessions.queries';
import type { MemberRow } from '../../identity/member.entity';

/** How long a roster may answer joins before it is read again (changes also drop it at once). */
export const ROSTER_TTL_MS = 10_000;

/** Who may enter one session's room, and when. */
export interface SessionRoster {
  sessionId: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  speakerIds: ReadonlySet<string>;
  registrantIds: ReadonlySet<string>;
}

interface Entry {
  roster: Promise<SessionRoster | null>;
  /** The roster once loaded (null: no such session), for joins that need not wait on a promise. */
  loaded?: SessionRoster | null;
  until: number;
}

/** The viewer's standing in the session a roster describes. */
export function standingIn(roster: SessionRoster, viewer: MemberRow): SessionStanding {
  return {
    sessionId: roster.sessionId,
    status: roster.status,
    startsAt: roster.startsAt,
    endsAt: roster.endsAt,
    isSpeaker: roster.speakerIds.has(viewer.id),
    isRegistered: roster.registrantIds.has(viewer.id),
  };
}

/**
 * Per-process rosters for joinLiveSession. Joins come in a herd when a webinar starts: one query
 * loads the session's state, speakers and active registrants, and every join after that is decided
 * in memory. Anything that changes who may enter (a registration, a cancellation, a new schedule,
 * speakers, room status) calls `changed(sessionId)`, which drops the roster here and, through
 * LIVE_ROSTER_CHANGED on the shared pub/sub, on every other instance.
 */
export class SessionRosters {
  private readonly entries = new LRUCache<string, Entry>({ max: 2_000 });
  private unfollow: (() => Promise<void>) | null = null;

  constructor(
    private readonly orm: Orm,
    private readonly pubSub: HearthPubSub,
    private readonly clock: Clock,
  ) {}

  /** The viewer's standing in the session from its roster; null when there is no such session. */
  async standing(viewer: MemberRow, sessionId: string): Promise<SessionStanding | null> {
    const roster = await this.get(sessionId);
    return roster && standingIn(roster, viewer);
  }

  /** The session's roster if it is loaded and fresh at `now`, null if there is no such session; undefined: `get` it. */
  loaded(sessionId: string, now: number): SessionRoster | null | undefined {
    return this.fresh(sessionId, now)?.loaded;
  }

  get(sessionId: string): Promise<SessionRoster | null> {
    const now = this.clock.now().getTime();
    const cached = this.fresh(sessionId, now);
    if (cached) return cached.roster;
    // Concurrent joins share one load.
    const roster = this.load(sessionId);
    const entry: Entry = { roster, until: now + ROSTER_TTL_MS };
    this.entries.set(sessionId, entry);
    roster.then(
      (loaded) => (entry.loaded = loaded),
      () => this.entries.get(sessionId) === entry && this.entries.delete(sessionId),
    );
    return roster;
  }

  /** The session's entry if it may still answer at `now`. */
  private fresh(sessionId: string, now: number): Entry | undefined {
    const cached = this.entries.get(sessionId);
    return cached && cached.until > now ? cached : undefined;
  }

  /** Call after committing a change to who may enter the session. */
  changed(sessionId: string): void {
    this.entries.delete(sessionId);
    this.pubSub.publish('LIVE_ROSTER_CHANGED', { sessionId });
  }

  /** Drops rosters changed on any instance, until `stop()`; drops them all if changes may have been missed (Redis lost). */
  listen(): void {
    this.unfollow = followTopic(
      () => this.pubSub.subscribe('LIVE_ROSTER_CHANGED'),
      ({ sessionId }) => this.entries.delete(sessionId),
      () => this.entries.clear(),
    );
  }

  async stop(): Promise<void> {
    await this.unfollow?.();
  }

  private async load(sessionId: string): Promise<SessionRoster | null> {
    const row = await sessionRosterRow(this.orm.em.fork() as EntityManager, sessionId);
    if (!row) return null;
    return {
      sessionId: row.id,
      status: row.status,
      startsAt: new Date(row.starts_at),
      endsAt: new Date(row.ends_at),
      speakerIds: new Set(row.speakers),
      registrantIds: new Set(row.registrants),
    };
  }
}
