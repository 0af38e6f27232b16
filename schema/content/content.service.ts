import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../server/context';
import type { PendingEvents } from '../../server/events';
import { processReads } from '../../server/db/read-query';
import { toConnection, type ConnectionShape } from '../../server/pagination';
import { MemberRow, Role } from '../identity/member.entity';
import { Content, ContentRow, ContentStatus, ContentType } from './content.entity';
import { ContentErrors } from './content.errors';
import type { CreateContentInput, FeedArgs, UpdateContentInput } from './content.inputs';
import { Theme } from './theme.entity';
import { ThemeService, type ThemeServiceDeps } from './theme.service';
import { rejectNulls } from '../../server/validation';
import { isSuspended, moderates } from '../moderation/visibility';
import { feedPage, type FeedSelection } from './content.queries';

const feedKey = (content: ContentRow) => [content.publishedAt!.toISOString(), content.id];

/**
 * A feed page's authors when they hold only the fields the operation asked for: they must not
 * prime the request's shared member loader, where another field could read what they lack.
 */
const partialAuthors = new WeakMap<ContentRow, MemberRow>();

export const embeddedAuthor = (content: ContentRow): MemberRow | undefined => partialAuthors.get(content);

/**
 * Drafts are for their author and admins; published and archived items (archived ones were
 * published first: `archive` and content_published_at_check see to it) for every member, unless
 * moderation hid them: then for their author and moderators. (An author's suspension is checked
 * by ContentService.get, which can load the author.)
 */
export function canSee(viewer: MemberRow | null, content: ContentRow): boolean {
  const own = !!viewer && content.author.id === viewer.id;
  if (content.hiddenAt && !own && !moderates(viewer)) return false;
  if (content.status !== ContentStatus.DRAFT) return true;
  return !!viewer && (viewer.role === Role.ADMIN || own);
}

const canEdit = (viewer: MemberRow, content: ContentRow) => viewer.role === Role.ADMIN || content.author.id === viewer.id;

/** A finished live session's recording, as the live domain hands it over. */
export interface ReplayInput {
  title: string;
  summary: string | null;
  /** Checked by the caller as createContent checks one (isMediaUrl). */
  mediaUrl: string;
  authorId: string;
  themeIds: readonly string[];
}

/**
 * A recording published as a REPLAY item at once, in the caller's transaction (`em`: the live
 * domain records the webhook event and links the session in the same one). Its CONTENT_PUBLISHED
 * joins the caller's pending events, emitted once that transaction commits: members hear of it as
 * of any first publication.
 */
export async function publishReplay(
  em: EntityManager,
  pending: PendingEvents,
  input: ReplayInput,
  now: Date,
): Promise<{ content: Content }> {
  const content = em.create(Content, {
    type: ContentType.REPLAY,
    title: input.title,
    summary: input.summary,
    mediaUrl: input.mediaUrl,
    author: input.authorId,
    status: ContentStatus.PUBLISHED,
    publishedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  content.themes.set(input.themeIds.map((id) => em.getReference(Theme, id)));
  await em.flush();
  pending.add('CONTENT_PUBLISHED', { contentId: content.id, actorId: input.authorId });
  return { content };
}

export type ContentServiceDeps = Pick<Context, 'clock' | 'em' | 'orm' | 'events' | 'loaders'> & ThemeServiceDeps;

/** Content items: authoring, the publication workflow and the feed. */
export class ContentService {
  constructor(private readonly ctx: ContentServiceDeps) {}

  /** An item the viewer may see; NOT_FOUND otherwise (a draft's existence does not leak). */
  async get(viewer: MemberRow | null, id: string): Promise<Content> {
    const content = await this.ctx.loaders.contentById.load(id);
    if (!content || !canSee(viewer, content) || (await this.authorSuspendedFor(viewer, content))) throw ContentErrors.contentNotFound();
    return content;
  }

  /** While its author is suspended an item is hidden from all but them and moderators. */
  private async authorSuspendedFor(viewer: MemberRow | null, content: ContentRow): Promise<boolean> {
    if (moderates(viewer) || viewer?.id === content.author.id) return false;
    return isSuspended(await this.ctx.loaders.memberById.load(content.author.id), this.ctx.clock.now());
  }

  async create(author: MemberRow, input: CreateContentInput): Promise<Content> {
    const themes = await new ThemeService(this.ctx).bySlugs(input.themeSlugs, 'themeSlugs');
    const now = this.ctx.clock.now();
    const content = this.ctx.em.create(Content, {
      type: input.type,
      title: input.title.trim(),
      summary: input.summary?.trim() || null,
      body: input.body ?? null,
      mediaUrl: input.mediaUrl ?? null,
      author: author.id,
      createdAt: now,
      updatedAt: now,
    });
    content.themes.set(themes);
    await this.ctx.em.flush();
    return content;
  }

  /** Only the fields given change; `null` clears summary, body, media and themes. */
  async update(viewer: MemberRow, input: UpdateContentInput): Promise<Content> {
    rejectNulls(input, ['title', 'type']);
    const content = await this.editable(viewer, input.id);
    if (input.themeSlugs !== undefined) {
      await content.themes.init();
      content.themes.set(await new ThemeService(this.ctx).bySlugs(input.themeSlugs ?? [], 'themeSlugs'));
    }
    if (input.type) content.type = input.type;
    if (input.title) content.title = input.title.trim();
    if (input.summary !== undefined) content.summary = input.summary?.trim() || null;
    if (input.body !== undefined) content.body = input.body;
    if (input.mediaUrl !== undefined) content.mediaUrl = input.mediaUrl;
    content.updatedAt = this.ctx.clock.now();
    await this.ctx.em.flush();
    return content;
  }

  /**
   * Publishes a draft (or re-publishes an archived item). Only the first publication is an event:
   * re-publishing does not notify members again. The row decides, under its lock: of concurrent
   * calls (a double click, a retry) one publishes and announces it, and every call answers the
   * stored row.
   */
  async publish(viewer: MemberRow, id: string): Promise<Content> {
    const content = await this.editable(viewer, id);
    if (content.status === ContentStatus.PUBLISHED) return content;
    const now = this.ctx.clock.now();
    const [published] = await this.ctx.em.execute<Record<string, unknown>[]>(
      `with prior as (select id, published_at from content where id = ? and status <> 'PUBLISHED' for update)
       update content c set status = 'PUBLISHED', published_at = coalesce(prior.published_at, ?), updated_at = ?
       from prior where c.id = prior.id
       returning c.*, prior.published_at is null as first_publication`,
      [content.id, now, now],
    );
    if (!published) {
      await this.ctx.em.refresh(content); // published by another call meanwhile
      return content;
    }
    if (published.first_publication) this.ctx.events.emit('CONTENT_PUBLISHED', { contentId: content.id, actorId: viewer.id });
    return this.ctx.em.map(Content, published);
  }

  /**
   * Takes a published item out of the feed; its page and comments stay readable. A draft cannot be
   * archived: every member may read an archived item, and a draft is for its author and admins.
   */
  async archive(viewer: MemberRow, id: string): Promise<Content> {
    const content = await this.editable(viewer, id);
    if (content.publishedAt === null) throw ContentErrors.neverPublished();
    content.status = ContentStatus.ARCHIVED;
    content.updatedAt = this.ctx.clock.now();
    await this.ctx.em.flush();
    return content;
  }

  /**
   * Newest published first; keyset on (publishedAt, id) so pages stay stable while items are
   * published. The page (content.queries.ts) comes with its themes, authors and the viewer's
   * seenByMe, which feed the field resolvers through the request's loaders without another round trip.
   */
  async feed(viewer: MemberRow, args: FeedArgs, selection: FeedSelection): Promise<ConnectionShape<ContentRow>> {
    const page = await feedPage(processReads(this.ctx.orm), viewer.id, args, selection, this.ctx.clock.now());
    const { themesByContentId, memberById, seenByMe: seen } = this.ctx.loaders;
    const items = page.items.map(({ content, themes, author, seenByMe }) => {
      if (themes) themesByContentId.prime(content.id, themes);
      if (seenByMe !== null) seen.prime(content.id, seenByMe);
      if (author) {
        if (page.authorsComplete) memberById.prime(author.id, author);
        else partialAuthors.set(content, author);
      }
      return content;
    });
    return toConnection(items, args.first, feedKey, args.after);
  }

  /** For subscribers: the item if it is (still) published and, when asked, on that theme. */
  async publishedOnTheme(id: string, themeSlug: string | null): Promise<Content | null> {
    const content = await this.ctx.loaders.contentById.load(id);
    if (content?.status !== ContentStatus.PUBLISHED || content.hiddenAt || (await this.authorSuspendedFor(null, content))) return null;
    if (themeSlug && !(await this.ctx.loaders.themesByContentId.load(id)).some((theme) => theme.slug === themeSlug)) return null;
    return content;
  }

  private async editable(viewer: MemberRow, id: string): Promise<Content> {
    const content = await this.get(viewer, id);
    if (!canEdit(viewer, content)) throw ContentErrors.notAuthor();
    return content;
  }
}
