import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Member } from '../schema/identity/member.entity';

/** Batches a `find by ids` into one query and returns results in key order (null where missing). */
export function byIdLoader<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await load(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * Per-request DataLoaders: field resolvers load through these, never one query per parent.
 * `viewerId` is read lazily: the viewer is itself loaded through `memberById`. Domains add theirs.
 */
export function createLoaders(em: EntityManager, viewerId: () => string | null) {
  void viewerId;
  return {
    memberById: byIdLoader((ids) => em.find(Member, { id: { $in: [...ids] } })),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
