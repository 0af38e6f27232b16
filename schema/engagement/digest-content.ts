import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, uuidArray, type Sql } from '../../server/db/sql';
import { visibleToOthers } from '../moderation/visibility';

export interface DigestSelection {
  hot: string[];
  cold: string[];
}

/**
 * PRODUCT.md content selection for one member, in one statement.
 * Hot: published since the member's last digest or last visit (whichever is later; joining if
 * neither), unseen, newest day first and most viewed within a day. Cold: older, unseen, on the
 * member's themes (declared interests plus the three themes they view most), ranked by viewers
 * among members interested in the same themes. Hot first, then cold, up to `maxItems`.
 */
function selectionSql(member: Sql, maxItems: number, now: Date) {
  return sql`
    with me as (
      select m.id, coalesce(greatest(m.last_visit_at,
        (select max(d.sent_at) from digest d where d.member_id = m.id and d.status = 'SENT')), m.created_at) as hot_since
      from member m where m.id = ${member}
    ), unseen as (
      select c.id, c.published_at, c.view_count from content c
      where c.status = 'PUBLISHED' and c.published_at <= ${now}::timestamptz and ${visibleToOthers('c', 'author_id', now)}
        and not exists (select 1 from content_view v where v.member_id = ${member} and v.content_id = c.id)
    ), hot as (
      select u.id from unseen u, me where u.published_at > me.hot_since
      order by date_trunc('day', u.published_at) desc, u.view_count desc, u.published_at desc, u.id
      limit ${maxItems}::int
    ), my_themes as (
      select mi.theme_id from member_interest mi where mi.member_id = ${member}
      union
      (select ct.theme_id from content_view v join content_theme ct on ct.content_id = v.content_id
       where v.member_id = ${member} group by ct.theme_id order by count(*) desc, ct.theme_id limit 3)
    ), cold as (
      select u.id from unseen u
      cross join me
      join content_theme ct on ct.content_id = u.id
      left join content_theme_popularity p on p.theme_id = ct.theme_id and p.content_id = ct.content_id
      where ct.theme_id in (select theme_id from my_themes) and u.published_at <= me.hot_since
      group by u.id, u.published_at
      order by sum(coalesce(p.viewers, 0)) desc, u.published_at desc, u.id
      limit ${maxItems}::int
    )
    select id, true as hot from hot
    union all
    select id, false as hot from cold`;
}

function toSelection(rows: { id: string; hot: boolean }[], maxItems: number): DigestSelection {
  const hot = rows.filter((row) => row.hot).map((row) => row.id);
  const cold = rows
    .filter((row) => !row.hot)
    .map((row) => row.id)
    .slice(0, Math.max(0, maxItems - hot.length));
  return { hot, cold };
}

export async function selectDigestContent(em: EntityManager, memberId: string, maxItems: number, now: Date): Promise<DigestSelection> {
  const query = selectionSql(sql`${memberId}::uuid`, maxItems, now);
  return toSelection(await em.execute<{ id: string; hot: boolean }[]>(query.text, [...query.params]), maxItems);
}

/**
 * The same selection for many members in one statement (a LATERAL per member): a digest batch
 * plans and round-trips once instead of once per member.
 */
export async function selectDigestContentFor(
  em: EntityManager,
  memberIds: readonly string[],
  maxItems: number,
  now: Date,
): Promise<Map<string, DigestSelection>> {
  const selection = selectionSql(sql`b.member_id`, maxItems, now);
  const query = sql`select b.member_id, s.id, s.hot from unnest(${uuidArray(memberIds)}::uuid[]) as b(member_id)
    cross join lateral (${selection}) s`;
  const rows = memberIds.length ? await em.execute<{ member_id: string; id: string; hot: boolean }[]>(query.text, [...query.params]) : [];
  const byMember = new Map<string, { id: string; hot: boolean }[]>(memberIds.map((id) => [id, []]));
  for (const row of rows) byMember.get(row.member_id)!.push(row);
  return new Map([...byMember].map(([memberId, memberRows]) => [memberId, toSelection(memberRows, maxItems)]));
}

/** Recomputes the popularity used to rank cold content (a materialized view, refreshed without blocking readers). */
export async function refreshContentPopularity(em: EntityManager): Promise<void> {
  await em.execute('refresh materialized view concurrently content_theme_popularity');
}
