import DataLoader from 'dataloader';

/**
 * A DataLoader whose primed values can also be read synchronously. A page fetched with its related
 * rows primes them; its field resolvers then `peek` and return plain values, and graphql-js
 * completes the page without a promise (and its microtasks) per item and field.
 */
export class PeekableLoader<V> extends DataLoader<string, V> {
  private readonly primed = new Map<string, V>();

  override prime(key: string, value: V | PromiseLike<V> | Error): this {
    // Like DataLoader's own cache, a second prime of a key changes nothing.
    if (!this.primed.has(key) && !(value instanceof Error) && !isPromiseLike(value)) this.primed.set(key, value);
    return super.prime(key, value);
  }

  /** The value primed for `key`, if any (never one loaded from a batch). */
  peek(key: string): V | undefined {
    return this.primed.get(key);
  }

  override clear(key: string): this {
    this.primed.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.primed.clear();
    return super.clearAll();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** Batches a `find by ids` into one query and returns results in key order (null where missing). */
export function byIdLoader<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): PeekableLoader<T | null> {
  return new PeekableLoader(async (ids) => {
    const found = new Map((await load(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Batches a one-to-many lookup: `load` returns [key, item] pairs; every key gets its list (maybe empty). */
export function groupLoader<T>(load: (keys: readonly string[]) => Promise<[string, T][]>): PeekableLoader<T[]> {
  return new PeekableLoader(async (keys) => {
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const [key, item] of await load(keys)) groups.get(key)?.push(item);
    return keys.map((key) => groups.get(key)!);
  });
}
