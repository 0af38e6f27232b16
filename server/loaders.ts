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

/** Where a loader's name comes from: the module (its index) and whether its loaders are per viewer. */
interface Origin {
  module: number;
  keyed: boolean;
}

/** What serves a module list's loaders: one instance per viewer of a unit of work. */
type LoadersView = new (events: EventLoaders, viewerId: () => string | null) => Loaders;

const viewsByModules = new WeakMap<readonly HearthModule[], LoadersView>();

/** What the loader sets made only for their names get: they must not query while being made. */
const noEntityManager = (): never => {
  throw new Error('a module’s loaders asked for the EntityManager while being made: call `em()` when a batch runs');
};

/**
 * The class serving a module list's loaders, made once per list from the names of a set of each
 * module (the last module naming one wins, as Object.assign would): a getter per name on its
 * prototype, which makes the owning module's set on first use.
 */
function loadersView(modules: readonly HearthModule[]): LoadersView {
  const made = viewsByModules.get(modules);
  if (made) return made;
  const origins = new Map<string, Origin>();
  modules.forEach((module, index) => {
    for (const name of Object.keys(module.loaders?.(noEntityManager) ?? {})) origins.set(name, { module: index, keyed: false });
    for (const name of Object.keys(module.viewerLoaders?.(noEntityManager) ?? {})) origins.set(name, { module: index, keyed: true });
  });
  class View {
    /** Per module, its per-viewer loaders bound to this viewer, once asked for. */
    readonly bound: (Record<string, ViewerLoader<unknown>> | undefined)[] = [];

    constructor(
      readonly events: EventLoaders,
      readonly viewerId: () => string | null,
    ) {}

    boundOf(module: number): Record<string, ViewerLoader<unknown>> {
      return (this.bound[module] ??= bind(this.events.keyedOf(module), this.viewerId));
    }
  }
  for (const [name, { module, keyed }] of origins)
    Object.defineProperty(View.prototype, name, {
      enumerable: true,
      get: keyed
        ? function (this: View) {
            return this.boundOf(module)[name];
          }
        : function (this: View) {
            return this.events.sharedOf(module)[name];
          },
    });
  viewsByModules.set(modules, View as unknown as LoadersView);
  return View as unknown as LoadersView;
}

function bind(keyed: Record<string, ViewerKeyedLoader<unknown>>, viewerId: () => string | null): Record<string, ViewerLoader<unknown>> {
  return Object.fromEntries(Object.entries(keyed).map(([name, loader]) => [name, loader.forViewer(viewerId)]));
}

/**
 * The loaders of one unit of work for any number of viewers (one subscription event delivered to
 * all its subscribers): shared loaders once, per-viewer loaders batched across viewers. Each
 * viewer reads through `forViewer`, which binds the per-viewer ones to it.
 *
 * A module's loaders are made when one of them is first used, and the EntityManager when a loader
 * or the context first needs it: a request uses a few of the twenty-odd loaders, and some (a join
 * decided from a cached roster) need no database at all. Making them all, and forking the
 * EntityManager, cost about 20 µs per request before a single query.
 */
export class EventLoaders {
  private readonly View: LoadersView | undefined;
  private readonly shared: (object | undefined)[] = [];
  private readonly keyed: (Record<string, ViewerKeyedLoader<unknown>> | undefined)[] = [];
  private readonly byViewerId = new Map<string | null, Loaders>();
  private forked: EntityManager | undefined;
  private readonly fork: (() => EntityManager) | undefined;

  constructor(
    private readonly modules: readonly HearthModule[],
    /** The unit of work's EntityManager, or how to make it when first needed. */
    em: EntityManager | (() => EntityManager),
  ) {
    if (typeof em === 'function') this.fork = em;
    else this.forked = em;
    this.View = viewsByModules.get(modules);
  }

  get em(): EntityManager {
    return (this.forked ??= this.fork!());
  }

  /** What the modules' loaders are made with: the EntityManager, forked when a batch first asks for it. */
  private readonly emOnDemand = () => this.em;

  sharedOf(module: number): Record<string, unknown> {
    return (this.shared[module] ??= this.modules[module].loaders?.(this.emOnDemand) ?? {}) as Record<string, unknown>;
  }

  keyedOf(module: number): Record<string, ViewerKeyedLoader<unknown>> {
    return (this.keyed[module] ??= (this.modules[module].viewerLoaders?.(this.emOnDemand) ?? {}) as Record<
      string,
      ViewerKeyedLoader<unknown>
    >);
  }

  /** `forViewer` of a viewer known now, made once per viewer: a member's several subscriptions to one event share it. */
  forViewerId(viewerId: string | null): Loaders {
    let loaders = this.byViewerId.get(viewerId);
    if (!loaders) this.byViewerId.set(viewerId, (loaders = this.forViewer(() => viewerId)));
    return loaders;
  }

  forViewer(viewerId: () => string | null): Loaders {
    const View = this.View ?? loadersView(this.modules);
    return new View(this, viewerId);
  }
}

/**
 * Per-request DataLoaders: field resolvers load through these, never one query per parent.
 * `viewerId` is read lazily: the viewer is itself loaded through `memberById`.
 */
export function createLoaders(
  modules: readonly HearthModule[],
  em: EntityManager | (() => EntityManager),
  viewerId: () => string | null,
): Loaders {
  return new EventLoaders(modules, em).forViewer(viewerId);
}
