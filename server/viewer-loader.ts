import DataLoader from 'dataloader';
import { sql, uuidArray, type Sql } from './db/sql';

/** One key of a per-viewer field: whose answer, about what. */
interface ViewerKey {
  viewerId: string;
  id: string;
}

/** How a (viewer, id) pair is keyed: the loader's cache, its primed values and a batch's answers. */
const pairKey = (viewerId: string, id: string) => `${viewerId}|${id}`;

/** What a field resolver or service sees of a per-viewer loader: one viewer's answers, keyed by id. */
export interface ViewerLoader<V> {
  load(id: string): Promise<V>;
  /** The value primed for `id` (never one loaded from a batch), to answer a field without a promise (see PeekableLoader). */
  peek(id: string): V | undefined;
  prime(id: string, value: V): this;
  clear(id: string): this;
}

/**
 * A loader of a per-viewer answer (has this viewer seen this item, does this viewer block this
 * member) keyed by viewer and id, so that one batch answers for many viewers: the subscribers of
 * one event get theirs in one statement per field kind, however many they are (the fan-out of
 * server/subscriptions.ts). `batch` receives parallel arrays (viewer i asks about id i) and
 * answers in their order; a value can only be found under the viewer it was loaded for, and a
 * request reads it only through `forViewer` with its own viewer.
 */
export class ViewerKeyedLoader<V> {
  private readonly loader: DataLoader<ViewerKey, V, string>;
  /** Primed values, keyed as the loader's cache keys them (pairKey). */
  private readonly primed = new Map<string, V>();

  constructor(
    /** The answer when there is no viewer (anonymous request): nothing is queried. */
    private readonly anonymous: () => V,
    batch: (viewerIds: string[], ids: string[]) => Promise<V[]>,
  ) {
    this.loader = new DataLoader(
      (keys) =>
        batch(
          keys.map((key) => key.viewerId),
          keys.map((key) => key.id),
        ),
      { cacheKeyFn: (key) => pairKey(key.viewerId, key.id) },
    );
  }

  /** This viewer's answers; `viewerId` is read at each call (a request's viewer is loaded after its loaders are made). */
  forViewer(viewerId: () => string | null): ViewerLoader<V> {
    const { loader, anonymous, primed } = this;
    const bound: ViewerLoader<V> = {
      load: async (id) => {
        const viewer = viewerId();
        return viewer ? loader.load({ viewerId: viewer, id }) : anonymous();
      },
      peek(id) {
        const viewer = viewerId();
        return viewer ? primed.get(pairKey(viewer, id)) : undefined;
      },
      prime(id, value) {
        const viewer = viewerId();
        if (!viewer) return bound;
        // Like the loader's own cache, a second prime of a key changes nothing (clear it first).
        const key = pairKey(viewer, id);
        if (!primed.has(key)) primed.set(key, value);
        loader.prime({ viewerId: viewer, id }, value);
        return bound;
      },
      clear(id) {
        const viewer = viewerId();
        if (!viewer) return bound;
        primed.delete(pairKey(viewer, id));
        loader.clear({ viewerId: viewer, id });
        return bound;
      },
    };
    return bound;
  }
}

/** A row of a batch over `unnest(?::uuid[], ?::uuid[]) as k(viewer_id, id)`: it carries the pair it answers. */
export type PairRow = Record<string, unknown> & { viewer_id: string; key_id: string };

/** The batch's (viewer, id) pairs as a table `k (viewer_id, id)`, for the sql helper. */
export const pairsOf = (viewerIds: readonly string[], ids: readonly string[]): Sql =>
  sql`unnest(${uuidArray(viewerIds)}::uuid[], ${uuidArray(ids)}::uuid[]) as k(viewer_id, id)`;

/** Answers in the batch's order: `value(row)` where a row answers the pair, `missing` elsewhere. */
export function inPairOrder<V>(viewerIds: string[], ids: string[], rows: PairRow[], value: (row: PairRow) => V, missing: V): V[] {
  const found = new Map(rows.map((row) => [pairKey(row.viewer_id, row.key_id), value(row)]));
  return ids.map((id, i) => {
    const key = pairKey(viewerIds[i], id);
    return found.has(key) ? found.get(key)! : missing;
  });
}
