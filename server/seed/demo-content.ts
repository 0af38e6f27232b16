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
const SUBJECTS = ['pipeline reviews', 'intent data', 'webinar follow-up', 'partner co-marketing', 'renewal campaigns', 'attribution', 'community onboarding', 'field events'];
const ANGLES = ['A practical guide to', 'What we learned from', 'Five mistakes in', 'The 2026 playbook for', 'Benchmarks for', 'How our customers run'];

export interface DemoItem {
  id: string;
  publishedAt: number;
}

/**
 * Themes, members' interests and the published items (every type, over the whole period, by the
 * speaker and the admin). Returns the items sorted by publication time, for the views.
 */
export async function seedDemoContent(
  client: Client,
  random: Random,
  options: { start: number; end: number; perDay: number; days: number; memberIds: string[]; authorIds: string[] },
): Promise<DemoItem[]> {
  const themes = THEMES.map(([slug, name]) => ({ id: random.uuid(), slug, name }));
  const created = new Date(options.start);
  await copyRows(client, 'theme', ['id', 'slug', 'name', 'created_at'], themes.map((t) => [t.id, t.slug, t.name, created]));
  await copyRows(
    client,
    'member_interest',
    ['member_id', 'theme_id', 'created_at'],
    (function* () {
      for (const member of options.memberIds) for (const theme of themes) if (random.chance(0.35)) yield [member, theme.id, created];
    })(),
  );
  const items = Array.from({ length: options.days * options.perDay }, () => {
    const title = `${random.pick(ANGLES)} ${random.pick(SUBJECTS)}`;
    const publishedAt = options.start + Math.floor(random.next() * (options.end - options.start));
    const itemThemes = random.chance(0.3) ? [random.pick(themes), random.pick(themes)] : [random.pick(themes)];
    return { id: random.uuid(), type: random.pick(TYPES), title, author: random.pick(options.authorIds), publishedAt, themes: [...new Set(itemThemes)] };
  }).sort((a, b) => a.publishedAt - b.publishedAt);
  await copyRows(
    client,
    'content',
    ['id', 'type', 'title', 'summary', 'body', 'author_id', 'status', 'published_at', 'created_at', 'updated_at'],
    items.map((item) => {
      const at = new Date(item.publishedAt);
      const summary = `Notes from the community on ${item.title.toLowerCase()}.`;
      return [item.id, item.type, item.title, summary, `## ${item.title}\n\n${summary}`, item.author, 'PUBLISHED', at, at, at];
    }),
  );
  await copyRows(client, 'content_theme', ['content_id', 'theme_id'], items.flatMap((item) => item.themes.map((theme) => [item.id, theme.id])));
  return items.map(({ id, publishedAt }) => ({ id, publishedAt }));
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
