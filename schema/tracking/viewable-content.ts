import { LRUCache } from 'lru-cache';

/**
 * Items recently found viewable (published or archived), so a client's heartbeats do not look the
 * same items up again on every call. Content never goes back to draft and the API never deletes it,
 * so a positive answer stays true; entries still expire after a minute, bounding how long an item
 * removed by hand in the database would be taken for viewable.
 */
export class ViewableContent {
  private readonly until: LRUCache<string, number>;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 60_000,
    maxEntries = 50_000,
  ) {
    this.until = new LRUCache({ max: maxEntries });
  }

  has(id: string): boolean {
    const until = this.until.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(id);
    return false;
  }

  add(id: string): void {
    this.until.set(id, this.now() + this.ttlMs);
  }
}
