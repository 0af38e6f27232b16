import type { EntityManager } from '@mikro-orm/postgresql';
import type { HearthModule } from './module';

/**
 * Per-request DataLoaders: field resolvers load through these, never one query per parent. Each
 * domain module contributes its own (`loaders` in its index.ts) and adds their types here:
 * `declare module '../../server/loaders' { interface Loaders extends MyLoaders {} }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

/** `viewerId` is read lazily: the viewer is itself loaded through `memberById`. */
export function createLoaders(modules: readonly HearthModule[], em: EntityManager, viewerId: () => string | null): Loaders {
  const loaders = {};
  for (const module of modules) if (module.loaders) Object.assign(loaders, module.loaders(em, viewerId));
  return loaders as Loaders;
}
