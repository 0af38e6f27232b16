import { LRUCache } from 'lru-cache';
import { followTopic, type HearthPubSub } from '../../server/pubsub';

/** What makes items no longer viewable by every member: one item hidden or deleted, or every item of a suspended author. */
export type ViewableContentChange = { contentId: string } | { authorId: string };

/**
 * Items recently found viewable by every member (published or archived, neither hidden by
 * moderation nor by a suspended author), so a client's heartbeats do not look the same items up
 * again on every call. What only its author and moderators may view is never kept: they are few
 * and look it up each time. Hiding or deleting an item, or suspending its author, drops it here
 * and, through VIEWABLE_CONTENT_CHANGED, on every other instance, before the decision's request
 * answers (tracking.handlers.ts). Entries still expire after a minute, bounding how long an item
 * removed by hand in the database would be taken for viewable.
 */
export class ViewableContent {
  private readonly entries: LRUCache<string, { until: number; authorId: string }>;
  /** Bumped by every change: a lookup that started before one must not add what it read. */
  private changes = 0;
  private unfollow: (() => Promise<void>) | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 60_000,
    maxEntries = 50_000,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  has(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    if (entry.until > this.now()) return true;
    this.entries.delete(id);
    return false;
  }

  /** A mark to pass to `add` with what a lookup made after it found. */
  mark(): number {
    return this.changes;
  }

  /** Remembers an item found viewable by every member, unless a change came since `mark` (what was read may be stale). */
  add(id: string, authorId: string, mark: number): void {
    if (mark === this.changes) this.entries.set(id, { until: this.now() + this.ttlMs, authorId });
  }

  forget(change: ViewableContentChange): void {
    this.changes++;
    if ('contentId' in change) {
      this.entries.delete(change.contentId);
      return;
    }
    // A suspension is rare: one pass over the entries rather than an index by author kept on every add.
    for (const [id, entry] of this.entries.entries()) if (entry.authorId === change.authorId) this.entries.delete(id);
  }

  /** Forgets what changed on any instance, until `stop()`; forgets everything if changes may have been missed (Redis lost). */
  listen(pubSub: HearthPubSub): void {
    this.unfollow = followTopic(
      () => pubSub.subscribe('VIEWABLE_CONTENT_CHANGED'),
      (change) => this.forget(change),
      () => {
        this.changes++;
        this.entries.clear();
      },
    );
  }

  async stop(): Promise<void> {
    await this.unfollow?.();
  }
}
