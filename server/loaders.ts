import type { EntityManager } from '@mikro-orm/postgresql';
import type { HearthModule } from './module';
import type { ViewerKeyedLoader, ViewerLoader } from './viewer-loader';

/**
 * Loaders whose answers are the same for every viewer, by name. Each domain module contributes
 * its own (`loaders` in its index.ts) and adds their types here:
 * `declare module '../../server/loaders' { interface SharedLoaders extends MyLoaders {} }`.
 * They are given no viewer, so they cannot depend on one: what one viewer loads through them may
 * serve another.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SharedLoaders {}

/** Loaders of per-viewer answers keyed by viewer (a module's `viewerLoaders`), merged the same way. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ViewerKeyedLoaders {}

type BoundTo<K> = { [Name in keyof K]: K[Name] extends ViewerKeyedLoader<infer V> ? ViewerLoader<V> : never };

/** What field resolvers and services load through: one viewer's view of the loaders. */
export type Loaders = SharedLoaders & BoundTo<ViewerKeyedLoaders>;

function fold(modules: readonly HearthModule[], make: (module: HearthModule) => object | undefined): object {
  return Object.assign({}, ...modules.map(make));
}

/**
 * The loaders of one unit of work for any number of viewers (one subscription event delivered to
 * all its subscribers): shared loaders once, per-viewer loaders batched across viewers. Each
 * viewer reads through `forViewer`, which binds the per-viewer ones to it.
 */
export class EventLoaders {
  private readonly shared: SharedLoaders;
  private readonly keyed: Record<string, ViewerKeyedLoader<unknown>>;
  private readonly byViewerId = new Map<string | null, Loaders>();

  constructor(
    modules: readonly HearthModule[],
    readonly em: EntityManager,
  ) {
    this.shared = fold(modules, (module) => module.loaders?.(em)) as SharedLoaders;
    this.keyed = fold(modules, (module) => module.viewerLoaders?.(em)) as Record<string, ViewerKeyedLoader<unknown>>;
  }

  /** `forViewer` of a viewer known now, made once per viewer: a member's several subscriptions to one event share it. */
  forViewerId(viewerId: string | null): Loaders {
    let loaders = this.byViewerId.get(viewerId);
    if (!loaders) this.byViewerId.set(viewerId, (loaders = this.forViewer(() => viewerId)));
    return loaders;
  }

  forViewer(viewerId: () => string | null): Loaders {
    const bound = Object.fromEntries(Object.entries(this.keyed).map(([name, loader]) => [name, loader.forViewer(viewerId)]));
    return { ...this.shared, ...bound } as Loaders;
  }
}

/**
 * Per-request DataLoaders: field resolvers load through these, never one query per parent.
 * `viewerId` is read lazily: the viewer is itself loaded through `memberById`.
 */
export function createLoaders(modules: readonly HearthModule[], em: EntityManager, viewerId: () => string | null): Loaders {
  return new EventLoaders(modules, em).forViewer(viewerId);
}
