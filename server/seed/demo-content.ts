import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Random } from './random';

const THEMES: [string, string][] = [
  ['demand-generation', 'Demand generation'],
  ['account-based-marketing', 'Account-based marketing'],
  ['customer-marketing', 'Customer marketing'],
  ['marketing-ops', 'Marketing operations'],
  ['events-webinars', 'Events and webinars'],
  ['brand', 'Brand and positioning'],
];
const TYPES = ['ARTICLE', 'ARTICLE', 'ARTICLE', 'VIDEO', 'PODCAST', 'DOCUMENT'];
const SUBJECTS = ['pipeline reviews', 'intent data', 'webinar follow-up', 'partner co-marketing', 'renewal campaigns', 'attribution', 'community onboarding', 'field events'];
const ANGLES = ['A practical guide to', 'What we learned from', 'Five mistakes in', 'The 2026 playbook for', 'Benchmarks for', 'How our customers run'];

export interface DemoContentOptions {
  days: number;
  now: Date;
  /** Published items per day of the period. */
  perDay: number;
}

const bulk = (em: EntityManager, sql: string, rows: object[]) => em.execute(sql, [JSON.stringify(rows)]);

/**
 * Themes, members' interests, published items spread over the period by the speaker and admins,
 * and views and comments by members who visited after each item appeared. Bulk SQL: fast at any size.
 */
export async function seedDemoContent(em: EntityManager, random: Random, options: DemoContentOptions): Promise<{ items: number }> {
  const themes = THEMES.map(([slug, name]) => ({ id: randomUUID(), slug, name }));
  await bulk(em, `insert into theme (id, slug, name, created_at) select id, slug, name, now() from jsonb_to_recordset(?::jsonb) as t(id uuid, slug text, name text)`, themes);
  const members = await em.execute<{ id: string; role: string }[]>('select id, role from member order by email');
  const interests = members.flatMap((member) => themes.filter(() => random.chance(0.35)).map((theme) => ({ m: member.id, t: theme.id })));
  await bulk(em, `insert into member_interest (member_id, theme_id, created_at) select m, t, now() from jsonb_to_recordset(?::jsonb) as r(m uuid, t uuid)`, interests);

  const authors = members.filter((member) => member.role === 'SPEAKER' || member.role === 'ADMIN').map((member) => member.id);
  const start = options.now.getTime() - options.days * 86_400_000;
  const items = Array.from({ length: options.days * options.perDay }, () => {
    const publishedAt = new Date(start + random.next() * (options.now.getTime() - start));
    const title = `${random.pick(ANGLES)} ${random.pick(SUBJECTS)}`;
    return { id: randomUUID(), type: random.pick(TYPES), title, summary: `Notes from the community on ${title.toLowerCase()}.`, author: random.pick(authors), at: publishedAt, theme: random.pick(themes).id };
  });
  await bulk(
    em,
    `insert into content (id, type, title, summary, body, author_id, status, published_at, created_at, updated_at)
     select id, type::content_type, title, summary, '## ' || title || E'\n\n' || summary, author, 'PUBLISHED', at, at, at
       from jsonb_to_recordset(?::jsonb) as r(id uuid, type text, title text, summary text, author uuid, at timestamptz)`,
    items,
  );
  await bulk(em, `insert into content_theme (content_id, theme_id) select id, theme from jsonb_to_recordset(?::jsonb) as r(id uuid, theme uuid)`, items);
  await seedViews(em);
  // Fresh statistics after a bulk load, so the first queries get index plans.
  await em.execute('analyze');
  return { items: items.length };
}

/** Each visit looks at one or two items published before it; view counts follow. */
async function seedViews(em: EntityManager): Promise<void> {
  await em.execute(
    `insert into content_view (id, member_id, content_id, visit_id, first_seen_at, last_seen_at, seconds, source)
     select gen_random_uuid(), v.member_id, c.id, v.id, v.started_at, v.started_at + interval '2 minutes', 120, 'FEED'
       from visit v
       cross join lateral (
         select id from content where published_at <= v.started_at
          order by md5(v.id::text || content.id::text) limit (1 + (hashtext(v.id::text) & 1))
       ) c`,
  );
  await em.execute(`update content set view_count = v.n from (select content_id, count(*) as n from content_view group by content_id) v where v.content_id = content.id`);
}
