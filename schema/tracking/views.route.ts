import { requireViewer } from '../identity/authorization';
import { badInput } from '../../server/errors';
import type { JsonRoute } from '../../server/json-route';
import { ViewSource } from './content-view.entity';
import { ContentViewService } from './content-view.service';
import { MAX_HEARTBEAT_SECONDS, MAX_VIEWS_PER_CALL, type RecordContentViewInput } from './tracking.inputs';

/** Where a reader's app sends its buffered heartbeats: README, "Tracking". */
export const VIEWS_PATH = '/views';

/** 100 views of about 90 bytes each, with room for whitespace. */
const MAX_BODY_BYTES = 32 * 1024;

const SOURCES = new Set<string>(Object.values(ViewSource));
const VIEW_KEYS = new Set(['contentId', 'seconds', 'source']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body as recordContentViews' input, or BAD_USER_INPUT naming each field that is wrong
 * (`views.2.seconds`), as GraphQL's input checks name them. Only the fields GraphQL's
 * RecordContentViewInput has are taken: an unknown one is refused, not ignored, so a typo in an
 * app (`second`) does not silently credit nothing.
 */
export function parseViews(body: unknown): RecordContentViewInput[] {
  if (!isObject(body) || !Array.isArray(body.views) || Object.keys(body).some((key) => key !== 'views'))
    throw badInput('The body must be {"views": [{"contentId", "seconds", "source"}, …]}.', { views: 'required, a list' });
  const { views } = body;
  if (views.length > MAX_VIEWS_PER_CALL)
    throw badInput(`At most ${MAX_VIEWS_PER_CALL} views per call.`, { views: `at most ${MAX_VIEWS_PER_CALL}` });
  const fields: Record<string, string> = {};
  const inputs = views.map((view: unknown, i): RecordContentViewInput => {
    if (!isObject(view)) {
      fields[`views.${i}`] = 'must be an object';
      return undefined!;
    }
    for (const key of Object.keys(view)) if (!VIEW_KEYS.has(key)) fields[`views.${i}.${key}`] = 'unknown field';
    const { contentId, seconds, source = ViewSource.DIRECT } = view;
    if (typeof contentId !== 'string' || !contentId) fields[`views.${i}.contentId`] = 'required, an ID';
    if (!Number.isInteger(seconds) || (seconds as number) < 0 || (seconds as number) > MAX_HEARTBEAT_SECONDS)
      fields[`views.${i}.seconds`] = `required, an integer from 0 to ${MAX_HEARTBEAT_SECONDS}`;
    if (typeof source !== 'string' || !SOURCES.has(source)) fields[`views.${i}.source`] = `one of ${[...SOURCES].join(', ')}`;
    return { contentId: contentId as string, seconds: seconds as number, source: source as ViewSource };
  });
  const wrong = Object.keys(fields);
  if (wrong.length) throw badInput(`Invalid input: ${wrong.join(', ')}.`, fields);
  return inputs;
}

/**
 * POST /views: recordContentViews without GraphQL, for the heartbeats a reader's app buffers and
 * sends every few seconds (client: `recordViews`). The same service, checks and answers: each view
 * is answered after its commit, with the item's `viewCount` as of that commit. What it saves is
 * the GraphQL pipeline (parse cache, validation, coercion, class-validator, execution), which cost
 * more than the write on this, the most frequent call an app makes.
 */
export const viewsRoute: JsonRoute = {
  method: 'POST',
  path: VIEWS_PATH,
  maxBodyBytes: MAX_BODY_BYTES,
  async handle(body, context) {
    const viewer = requireViewer(context);
    const views = parseViews(body);
    const recorded = await new ContentViewService(context).recordMany(viewer, views, { primeLoaders: false });
    return {
      views: recorded.map((view) => ({
        contentId: view.contentId,
        totalSeconds: view.totalSeconds,
        firstSeenAt: view.firstSeenAt.toISOString(),
        newView: view.newView,
        content: { id: view.contentId, seenByMe: true, viewCount: view.viewCount },
      })),
    };
  },
};
