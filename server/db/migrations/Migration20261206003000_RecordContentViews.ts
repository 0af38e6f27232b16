import { Migration } from '@mikro-orm/migrations';

/**
 * One statement for a set of views with distinct (member, item) keys, under their items' locks:
 * each extends the member's view of the item if it was last seen less than 30 minutes ago (so
 * within the current visit, by the visit definition: each call is activity), else starts a new
 * view. The credit is capped by the real time since the previous call. In the same statement, new
 * views count on their items and the views' changes go to the per-item, per-UTC-day rollup
 * (content_view_day, see the ContentViewDays migration): a new view is one more view, the seconds
 * credited go to the day its view began, and a member is a viewer on the day of their first view
 * of the item (the writer never starts a view before an existing one, so a new view is the
 * member's first exactly when they had not seen the item before).
 *
 * The first row of each item carries the item's row as JSON (`to_jsonb`, without its search
 * vector), as the statement left it: the API answers with the item's count as of the commit
 * without reading it again. `views` is the views as JSON (idx, member_id, content_id, at,
 * seconds, source, new_id), `cap` what a first call may credit. The function's first version;
 * Migration20261206200000_RecordViewsOneProbe has the current one.
 */
export const recordViewsStatement = (views: string, cap: string) => `
with params as (
  select * from jsonb_to_recordset(${views})
    as p(idx int, member_id uuid, content_id uuid, at timestamptz, seconds int, source view_source, new_id uuid)
), matched as (
  -- each view with the member's current view of the item, if any (one index probe per view), and
  -- for a new view whether the member saw the item before (content_view_day counts each viewer once)
  select p.*, cv.id as view_id, cv.credit, cv.id is null and before.seen is not null as seen_before
  from params p
  left join lateral (
    select v.id, least(p.seconds, greatest(0, floor(extract(epoch from (p.at - v.last_seen_at))))::int) as credit from content_view v
    where v.member_id = p.member_id and v.content_id = p.content_id and v.last_seen_at > p.at - interval '30 minutes'
    order by v.last_seen_at desc limit 1
  ) cv on true
  -- a lateral probe, not \`exists\`: PostgreSQL may run an \`exists\` as one hashed scan of the whole
  -- table, which a cached generic plan (planned for 100 views) kept doing as the table grew: two
  -- full scans of content_view per batch made a batch cost about 1 ms per view
  left join lateral (
    select true as seen from content_view e where e.content_id = p.content_id and e.member_id = p.member_id limit 1
  ) before on true
), extended as (
  -- the views to extend found by primary key (\`= any\`), for the same reason: a join on \`id\`
  -- alone was planned as a hash join over a full scan of content_view
  update content_view v set seconds = v.seconds + m.credit, last_seen_at = greatest(v.last_seen_at, m.at)
  from matched m where v.id = m.view_id and v.id = any(array(select view_id from matched where view_id is not null))
  returning m.idx, m.content_id, v.seconds, v.first_seen_at, false as new_view, m.credit, false as seen_before
), visit_now as (
  -- once per member and time (a call's views share both), not once per view
  select m.member_id, m.at, (select vi.id from visit vi where vi.member_id = m.member_id and vi.last_activity_at > m.at - interval '30 minutes'
    order by vi.started_at desc limit 1) as id
  from (select distinct member_id, at from params) m
), inserted as (
  insert into content_view (id, member_id, content_id, visit_id, first_seen_at, last_seen_at, seconds, source)
  select m.new_id, m.member_id, m.content_id, w.id, m.at, m.at, least(m.seconds, ${cap}),
    -- opened from a digest link in the last 30 minutes: the view comes from that email
    case when exists (select 1 from digest_click c where c.member_id = m.member_id and c.content_id = m.content_id
      and c.clicked_at > m.at - interval '30 minutes' and c.clicked_at <= m.at) then 'EMAIL'::view_source else m.source end
  from matched m join visit_now w on w.member_id = m.member_id and w.at = m.at
  where m.view_id is null
  returning id, content_id, seconds, first_seen_at
), recorded as (
  select idx, content_id, seconds, first_seen_at, new_view, credit, seen_before from extended
  union all
  select m.idx, i.content_id, i.seconds, i.first_seen_at, true, i.seconds, m.seen_before from inserted i join matched m on m.new_id = i.id
), counted as (
  update content c set view_count = c.view_count + x.n
  from (select content_id, count(*)::int as n from recorded where new_view group by content_id) x
  where c.id = x.content_id
  returning c.id, to_jsonb(c) - 'search_vector' as item
), days as (
  insert into content_view_day (content_id, day, views, viewers, seconds)
  select content_id, (first_seen_at at time zone 'UTC')::date, count(*) filter (where new_view),
    count(*) filter (where new_view and not seen_before), sum(credit)
  from recorded
  group by 1, 2
  having count(*) filter (where new_view) > 0 or sum(credit) > 0
  on conflict (content_id, day) do update set
    views = content_view_day.views + excluded.views,
    viewers = content_view_day.viewers + excluded.viewers,
    seconds = content_view_day.seconds + excluded.seconds
), answered as (
  select r.*, row_number() over (partition by r.content_id order by r.idx) = 1 as first_of_item from recorded r
)
-- an item without a new view in the statement is as the statements before it left it
select a.idx, a.seconds, a.first_seen_at, a.new_view, a.content_id,
  case when a.first_of_item then coalesce(u.item, (select to_jsonb(c) - 'search_vector' from content c where c.id = a.content_id)) end as item
from answered a left join counted u on u.id = a.content_id`;

/**
 * The function around a version of the statement: `create` (with `replace`, a later version) and
 * its `set` clauses (`settings`).
 */
export const recordViewsFunction = (statement: (views: string, cap: string) => string, replace = false, settings = '') => `create ${replace ? 'or replace ' : ''}function hearth_record_content_views(rounds jsonb, first_call_max int)
      returns table (idx int, seconds int, first_seen_at timestamptz, new_view boolean, content_id uuid, item jsonb)
      language plpgsql volatile${settings} as $function$
      #variable_conflict use_column
      declare
        round_views jsonb;
      begin
        perform set_config('hearth.content_view_day', 'writer', true);
        perform pg_advisory_xact_lock(hashtextextended('content-views:' || item, 0))
        from (select distinct v->>'content_id' as item from jsonb_array_elements(rounds) r, jsonb_array_elements(r) v) items
        order by item;
        for round_views in select r from jsonb_array_elements(rounds) r loop
          return query ${statement('round_views', 'first_call_max')};
        end loop;
      end
      $function$;`;

/**
 * The content view writer's batch in one round trip, commit included (schema/tracking/view-writer.ts).
 *
 * It tells content_view's triggers that it keeps content_view_day itself, then takes a lock per
 * item, in one global order, for the rest of the transaction: batches sharing an item run one
 * after the other (the item's count and rollup rows change in each), others side by side, and
 * none can deadlock. Then it writes the batch in rounds of distinct (member, item) keys (two
 * heartbeats of one view in a batch extend one row, not open two; usually one round), each
 * statement with a snapshot taken after the locks (a volatile function's statements each take
 * their own). Called in a transaction of its own, it holds no lock while the application reads an
 * answer and sends the next statement: sent one statement per step (begin, locks, views, count,
 * rollup, commit), a batch kept a popular item's rows locked across several turns of the API's
 * busy event loop, and every other batch of the item waited.
 */
export class Migration20261206003000_RecordContentViews extends Migration {

  override name = 'Migration20261206003000_RecordContentViews';

  override up(): void | Promise<void> {
    this.addSql(recordViewsFunction(recordViewsStatement));
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function hearth_record_content_views(jsonb, int);`);
  }

}
