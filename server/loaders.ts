import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member } from '../schema/identity/member.entity';
import { readModel } from './db/read-model';
import { uuidArray } from './db/sql';
import { createContentLoaders } from '../schema/content/content.loaders';
import { createConversationLoaders } from '../schema/conversation/conversation.loaders';
import { createLiveLoaders } from '../schema/live/live.loaders';

/** Batches a `find by ids` into one query and returns results in key order (null where missing). */
export function byIdLoader<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await load(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Batches a one-to-many lookup: `load` returns [key, item] pairs; every key gets its list (maybe empty). */
export function groupLoader<T>(load: (keys: readonly string[]) => Promise<[string, T][]>): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const [key, item] of await load(keys)) groups.get(key)?.push(item);
    return keys.map((key) => groups.get(key)!);
  });
}

/**
 * Per-request DataLoaders: field resolvers load through these, never one query per parent.
 * `viewerId` is read lazily: the viewer is itself loaded through `memberById`. Domains add theirs.
 */
export function createLoaders(em: EntityManager, viewerId: () => string | null) {
  return {
    /** Read-only snapshots (the viewer, authors, senders): services load managed entities to change them. */
    memberById: byIdLoader(async (ids) =>
      (await em.execute<Record<string, unknown>[]>(`select * from member where id = any(?::uuid[])`, [uuidArray(ids)])).map(
        readModel(em, Member),
      ),
    ),
    ...createContentLoaders(em, viewerId),
    ...createConversationLoaders(em, viewerId),
    ...createLiveLoaders(em, viewerId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
