import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member } from '../schema/identity/member.entity';
import { readModel } from './db/read-model';
import { uuidArray } from './db/sql';
import { createContentLoaders, createContentViewerLoaders } from '../schema/content/content.loaders';
import { createConversationLoaders, createConversationViewerLoaders } from '../schema/conversation/conversation.loaders';
import { createLiveLoaders, createLiveViewerLoaders } from '../schema/live/live.loaders';
import type { ViewerKeyedLoader, ViewerLoader } from './viewer-loader';
import { createModerationLoaders } from '../schema/moderation/moderation.loaders';

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

/**
 * The loaders whose answers are the same for every viewer. They are given no viewer, so they
 * cannot depend on one: what one viewer loads through them may serve another.
 */
export function createSharedLoaders(em: EntityManager) {
  return {
    /** Read-only snapshots (the viewer, authors, senders): services load managed entities to change them. */
    memberById: byIdLoader(async (ids) =>
      (await em.execute<Record<string, unknown>[]>(`select * from member where id = any(?::uuid[])`, [uuidArray(ids)])).map(
        readModel(em, Member),
      ),
    ),
    ...createContentLoaders(em),
    ...createConversationLoaders(em),
    ...createLiveLoaders(em),
    ...createModerationLoaders(em),
  };
}

/** The loaders of per-viewer answers, keyed by viewer: one batch may answer for many viewers. */
export function createViewerKeyedLoaders(em: EntityManager) {
  return { ...createContentViewerLoaders(em), ...createConversationViewerLoaders(em), ...createLiveViewerLoaders(em) };
}

type ViewerKeyed = ReturnType<typeof createViewerKeyedLoaders>;
type BoundTo<K> = { [Name in keyof K]: K[Name] extends ViewerKeyedLoader<infer V> ? ViewerLoader<V> : never };

function bindViewer(keyed: ViewerKeyed, viewerId: () => string | null): BoundTo<ViewerKeyed> {
  return Object.fromEntries(Object.entries(keyed).map(([name, loader]) => [name, (loader as ViewerKeyedLoader<unknown>).forViewer(viewerId)])) as BoundTo<ViewerKeyed>;
}

/**
 * The loaders of one unit of work for any number of viewers (one subscription event delivered to
 * all its subscribers): shared loaders once, per-viewer loaders batched across viewers. Each
 * viewer reads through `forViewer`, which binds the per-viewer ones to it.
 */
export class EventLoaders {
  private readonly shared: ReturnType<typeof createSharedLoaders>;
  private readonly keyed: ViewerKeyed;

  constructor(readonly em: EntityManager) {
    this.shared = createSharedLoaders(em);
    this.keyed = createViewerKeyedLoaders(em);
  }

  forViewer(viewerId: () => string | null) {
    return { ...this.shared, ...bindViewer(this.keyed, viewerId) };
  }
}

/**
 * Per-request DataLoaders: field resolvers load through these, never one query per parent.
 * `viewerId` is read lazily: the viewer is itself loaded through `memberById`. Domains add theirs.
 */
export function createLoaders(em: EntityManager, viewerId: () => string | null) {
  return new EventLoaders(em).forViewer(viewerId);
}

export type Loaders = ReturnType<typeof createLoaders>;
