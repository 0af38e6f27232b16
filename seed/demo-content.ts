import type { Client } from 'pg';
import { copyRows } from './copy';
import type { Random } from './random';

const THEMES: [string, string][] = [
  ['demand-generation', 'Demand generation'],
  ['account-based-marketing', 'Account-based marketing'],
  ['customer-marketing', 'Customer marketing'],
  ['marketing-ops', 'Marketing operations'],
  ['events-webinars', 'Events and webinars'],
  ['brand', 'Brand and positioning'],
];
const TYPES = ['ARTICLE', 'ARTICLE', 'ARTICLE', 'VIDEO', 'PODCAST', 'DOCUMENT', 'REPLAY'];
/** Each subject with what an item about it actually tells the reader. */
const SUBJECTS: [string, string][] = [
  ['pipeline reviews', 'the weekly agenda three revenue teams cut to 30 minutes, and the one report they all kept'],
  ['intent data', 'which signals predicted a meeting within 30 days, and which were noise, across 400 accounts'],
  ['webinar follow-up', 'the sequence that turned 18% of attendees into a sales conversation within two weeks'],
  ['partner co-marketing', 'how to split budget, leads and reporting with a partner without a quarterly dispute'],
  ['renewal campaigns', 'the 90-day plan our customer success team runs before every paid renewal'],
  ['attribution', 'why last-touch undercounted events by half for us, and the simple model we use instead'],
  ['community onboarding', 'the first-week emails and introductions that doubled how many new members come back'],
  ['field events', 'choosing cities, rooms and guest lists for 40-person dinners that fill the pipeline'],
];
const ANGLES: [string, (subject: string, detail: string) => string][] = [
  ['A practical guide to', (subject, detail) => `A step-by-step guide to ${subject}: ${detail}.`],
  ['What we learned from', (subject, detail) => `A year of ${subject} at three member companies: ${detail}.`],
  ['Five mistakes in', (subject, detail) => `The five mistakes we see most in ${subject}, and what to do instead: ${detail}.`],
  ['The 2026 playbook for', (subject, detail) => `Our updated playbook for ${subject}, with templates: ${detail}.`],
  ['Benchmarks for', (subject, detail) => `Numbers from 60 B2B teams on ${subject}: ${detail}.`],
  ['How our customers run', (subject, detail) => `Customers walk through how they run ${subject}: ${detail}.`],
];

export interface DemoItem {
  id: string;
  publishedAt: number;
  authorId: string;
}

/**
 * When items come out: about three a week, on weekdays during working hours, now and then two
 * in a day. A steady two a day (the first demo) gave anyone away for a week 14 unseen new items, so
 * every digest was all hot and never showed the cold section PRODUCT.md promises.
 */
function publicationTimes(random: Random, start: number, end: number): number[] {
  const times: number[] = [];
  const day = 86_400_000;
  for (let dayStart = Math.floor(start / day) * day; dayStart < end; dayStart += day) {
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0 || weekday === 6 || !random.chance(0.6)) continue;
    for (let n = random.chance(0.1) ? 2 : 1; n > 0; n--) {
      const at = dayStart + random.int(8 * 60, 17 * 60) * 60_000;
      if (at > start && at < end) times.push(at);
    }
  }
  return times;
}

/**
 * Themes, members' interests and the published items (every type, over the whole period, by the
 * speaker and the admin). Returns the items sorted by publication time, for the views.
 */
export async function seedDemoContent(
  client: Client,
  random: Random,
  options: { start: number; end: number; memberIds: string[]; authorIds: string[] },
): Promise<DemoItem[]> {
  const themes = THEMES.map(([slug, name]) => ({ id: random.uuid(), slug, name }));
  const created = new Date(options.start);
  await copyRows(
    client,
    'theme',
    ['id', 'slug', 'name', 'created_at'],
    themes.map((t) => [t.id, t.slug, t.name, created]),
  );
  await copyRows(
    client,
    'member_interest',
    ['member_id', 'theme_id', 'created_at'],
    (function* () {
      for (const member of options.memberIds) for (const theme of themes) if (random.chance(0.35)) yield [member, theme.id, created];
    })(),
  );
  const items = publicationTimes(random, options.start, options.end)
    .map((publishedAt) => {
      const [angle, summarize] = random.pick(ANGLES);
      const [subject, detail] = random.pick(SUBJECTS);
      const title = `${angle} ${subject}`;
      const summary = summarize(subject, detail);
      const itemThemes = random.chance(0.3) ? [random.pick(themes), random.pick(themes)] : [random.pick(themes)];
      return {
        id: random.uuid(),
        type: random.pick(TYPES),
        title,
        summary,
        author: random.pick(options.authorIds),
        publishedAt,
        themes: [...new Set(itemThemes)],
      };
    })
    .sort((a, b) => a.publishedAt - b.publishedAt);
  await copyRows(
    client,
    'content',
    ['id', 'type', 'title', 'summary', 'body', 'author_id', 'status', 'published_at', 'created_at', 'updated_at'],
    items.map((item) => {
      const at = new Date(item.publishedAt);
      const body = `## ${item.title}\n\n${item.summary}\n\nEverything here comes from members' own experience; ask your questions in the comments.`;
      return [item.id, item.type, item.title, item.summary, body, item.author, 'PUBLISHED', at, at, at];
    }),
  );
  await copyRows(
    client,
    'content_theme',
    ['content_id', 'theme_id'],
    items.flatMap((item) => item.themes.map((theme) => [item.id, theme.id])),
  );
  return items.map(({ id, publishedAt, author }) => ({ id, publishedAt, authorId: author }));
}

/** How many items were published at or before `at` (items sorted by time). */
export function publishedBy(items: DemoItem[], at: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid].publishedAt <= at) low = mid + 1;
    else high = mid;
  }
  return low;
}
