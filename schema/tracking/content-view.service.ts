import { isUUID } from 'class-validator';
import type { Context } from '../../server/context';
import { AppError, ErrorCode, notFound } from '../../server/errors';
import type { RecordContentViewInput } from './tracking.inputs';
import { contentStates, type ContentStateRow } from './tracking.queries';
import type { MemberRow } from '../identity/member.entity';
import { ContentRow } from '../content/content.entity';
import { readModel } from '../../server/db/read-model';
import { moderates } from '../moderation/visibility';

export interface RecordedView {
  contentId: string;
  totalSeconds: number;
  firstSeenAt: Date;
  newView: boolean;
  /** The item's view count as of the view's commit (counting the view). */
  viewCount: number;
  /**
   * The item as of the view's commit (its viewCount counts the view), made on first use: GraphQL's
   * `content` reads it, POST /views answers with the id and count alone.
   */
  readonly item: ContentRow;
}

/** Ids as PostgreSQL prints them, so an upper-case id matches its row. */
const canonical = (input: RecordContentViewInput): RecordContentViewInput => ({ ...input, contentId: input.contentId.toLowerCase() });

/**
 * Whether `viewer` may record views of the item: never of a draft (nor of an unknown id); of an
 * item hidden by moderation or by its author's suspension, only its author and moderators, as
 * `content(id)` answers (schema/moderation/visibility.ts).
 */
function mayView(viewer: MemberRow, state: ContentStateRow | undefined): boolean {
  if (!state || state.status === 'DRAFT') return false;
  return state.visible_to_others || state.author_id === viewer.id || moderates(viewer);
}

export type ContentViewServiceDeps = Pick<Context, 'clock' | 'em' | 'loaders' | 'viewWriter' | 'viewableContent'>;

/** Records what members view: the raw material of "seen", reach and digests. */
export class ContentViewService {
  constructor(private readonly ctx: ContentViewServiceDeps) {}

  async record(viewer: MemberRow, input: RecordContentViewInput): Promise<RecordedView> {
    const [view] = await this.write(viewer, [canonical(input)], () => notFound('Content'));
    this.answeredSeen([view]);
    return view;
  }

  /**
   * A client's buffered heartbeats in one call: each view is recorded as `record` would, in one
   * transaction with the other calls of the moment, and answered after its commit. Several entries
   * for one item add up (the seconds since the previous call for it), still capped by real time.
   * One unknown or unpublished item refuses the whole call, naming it; nothing is written.
   * A draft is NOT_FOUND like an unknown id, as `content(id)` answers a member: no one learns here
   * that an unpublished id exists. So is an item moderation hides from the viewer (see `mayView`).
   * POST /views, which answers `seenByMe` itself, passes `primeLoaders: false` (see answeredSeen).
   */
  async recordMany(viewer: MemberRow, views: RecordContentViewInput[], { primeLoaders = true } = {}): Promise<RecordedView[]> {
    const inputs = views.map(canonical);
    const merged = new Map<string, RecordContentViewInput>();
    for (const input of inputs) {
      const first = merged.get(input.contentId);
      merged.set(input.contentId, first ? { ...first, seconds: first.seconds + input.seconds } : input);
    }
    const recorded = await this.write(viewer, [...merged.values()], (contentId) => {
      const index = inputs.findIndex((input) => input.contentId === contentId);
      return new AppError(ErrorCode.NOT_FOUND, `Content not found (views[${index}]).`, {
        fields: { [`views.${index}.contentId`]: 'not found' },
      });
    });
    if (primeLoaders) this.answeredSeen(recorded);
    const byContent = new Map(recorded.map((view) => [view.contentId, view]));
    return inputs.map((input) => byContent.get(input.contentId)!);
  }

  /**
   * Checks every item the viewable cache does not know in one statement, then queues the views
   * together (one batch of the writer).
   */
  private async write(
    viewer: MemberRow,
    inputs: RecordContentViewInput[],
    refuse: (contentId: string) => AppError,
  ): Promise<RecordedView[]> {
    if (!inputs.length) return [];
    const { viewableContent } = this.ctx;
    const unknown = inputs.filter((input) => !viewableContent.has(input.contentId)).map((input) => input.contentId);
    // An id that is not a UUID names nothing; refused here, it is named like any unknown item.
    const malformed = unknown.find((contentId) => !isUUID(contentId));
    if (malformed !== undefined) throw refuse(malformed);
    if (unknown.length) {
      const mark = viewableContent.mark();
      const states = new Map((await contentStates(this.ctx.em, unknown, this.ctx.clock.now())).map((row) => [row.id, row]));
      for (const contentId of unknown) if (!mayView(viewer, states.get(contentId))) throw refuse(contentId);
      for (const state of states.values()) if (state.visible_to_others) viewableContent.add(state.id, state.author_id, mark);
    }
    const at = this.ctx.clock.now();
    const written = await this.ctx.viewWriter.writeMany(
      inputs.map((input) => ({ memberId: viewer.id, contentId: input.contentId, at, seconds: input.seconds, source: input.source })),
    );
    // Each item's row is made into a read model once, and only when asked for: doing it for every
    // view (and forking the request's EntityManager to find the mapping) was about 5% of the API's
    // busy time on P3's POST /views, which never reads it.
    const { ctx } = this;
    const items = new Map<object, ContentRow>();
    return written.map((row, i) => ({
      contentId: inputs[i].contentId,
      totalSeconds: row.seconds,
      firstSeenAt: row.first_seen_at,
      newView: row.new_view,
      viewCount: row.item.view_count as number,
      get item() {
        let item = items.get(row.item);
        if (!item) items.set(row.item, (item = readModel(ctx.em, ContentRow)(row.item)));
        return item;
      },
    }));
  }

  /**
   * The viewer has now seen each item (even if this request read otherwise before): a GraphQL
   * answer's `seenByMe` needs no statement. Binding the loader forks the request's EntityManager,
   * which an answer that never reads a loader need not pay for.
   */
  private answeredSeen(views: RecordedView[]): void {
    for (const view of views) this.ctx.loaders.seenByMe.clear(view.contentId).prime(view.contentId, true);
  }
}
