import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand (analytics, issue 18 / P4): the per-item, per-day rollup of content views that
 * contentReach reads instead of every view of the period's items.
 *
 * `content_view_day` holds, per item and UTC day of the views' first_seen_at: the views that began
 * that day, their seconds, and the members whose first view of the item began that day. Summed over
 * the days before a window's end, these are exactly the raw views, seconds and unique viewers
 * recorded before it (a member is counted on one day only: their first). Reach has no notion of
 * days, so the rollup's days are UTC whatever the community's zone: the day a window's end cuts
 * through is read from the views themselves (see reachStatement).
 *
 * The view writer applies its own batch's changes in its transaction, in one statement ordered by
 * key after it has locked the items (schema/tracking/view-writer.ts): it says so with the local
 * setting hearth.content_view_day = 'writer', and the triggers below then leave it alone. Every
 * other writer (COPY of the seed, tests' inserts, a member's or an item's deletion by cascade) is
 * kept equal by these statement-level triggers, which count the touched (item, day) rows again
 * from the views. No ORM entity on purpose: nothing else may write it.
 */
export class Migration20261204190000_ContentViewDays extends Migration {

  override name = 'Migration20261204190000_ContentViewDays';

  override up(): void | Promise<void> {
    this.addSql(`create table "content_view_day" (
      "content_id" uuid not null references "content" ("id") on delete cascade,
      "day" date not null,
      "views" int not null,
      "viewers" int not null,
      "seconds" bigint not null,
      primary key ("content_id", "day")
    );`);

    // Counts (item, day) rows again from the views: views and seconds of the views that began that
    // UTC day, viewers those among them whose member has no earlier view of the item. A row left
    // without views is deleted; an item deleted meanwhile gets none.
    this.addSql(`create function content_view_day_recount(contents uuid[], days date[]) returns void language sql as $$
      with keys as (select distinct k.content_id, k.day from unnest(contents, days) as k(content_id, day)),
      counted as (
        select k.content_id, k.day, count(v.id)::int as views, coalesce(sum(v.seconds), 0)::bigint as seconds,
               count(distinct v.member_id) filter (where not exists (
                 select 1 from content_view e
                 where e.content_id = v.content_id and e.member_id = v.member_id and e.first_seen_at < k.day::timestamp at time zone 'UTC'
               ))::int as viewers
        from keys k
        left join content_view v on v.content_id = k.content_id
          and v.first_seen_at >= k.day::timestamp at time zone 'UTC' and v.first_seen_at < (k.day + 1)::timestamp at time zone 'UTC'
        group by k.content_id, k.day
      ),
      emptied as (
        delete from content_view_day d using counted c where d.content_id = c.content_id and d.day = c.day and c.views = 0
      )
      insert into content_view_day (content_id, day, views, viewers, seconds)
      select c.content_id, c.day, c.views, c.viewers, c.seconds from counted c
      where c.views > 0 and exists (select 1 from content i where i.id = c.content_id)
      order by c.content_id, c.day
      on conflict (content_id, day) do update set views = excluded.views, viewers = excluded.viewers, seconds = excluded.seconds;
    $$;`);

    // Builds the rows of the given items (null: every item) from their views at once, each
    // (member, item)'s first view counting its member on its day: the backfill, and the bulk writes
    // (a COPY of millions), for which counting each touched day again would probe every view.
    this.addSql(`create function content_view_day_rebuild(contents uuid[]) returns void language sql as $$
      delete from content_view_day where contents is null or content_id = any (contents);
      insert into content_view_day (content_id, day, views, viewers, seconds)
      select content_id, day, count(*)::int, count(*) filter (where first_of_member)::int, sum(seconds)::bigint
      from (
        select content_id, (first_seen_at at time zone 'UTC')::date as day, seconds,
               row_number() over (partition by content_id, member_id order by first_seen_at) = 1 as first_of_member
        from content_view where contents is null or content_id = any (contents)
      ) views
      group by content_id, day order by content_id, day;
    $$;`);

    // The touched (item, day) rows: the days of the changed views, and for each (member, item) the
    // days of their first view before and after the statement (a first view inserted earlier, or
    // deleted, moves that member to another day).
    this.addSql(`create function content_view_day_sync() returns trigger language plpgsql as $$
      declare
        contents uuid[];
        days date[];
        changed_rows bigint;
      begin
        if current_setting('hearth.content_view_day', true) = 'writer' then
          return null;
        end if;
        if tg_op = 'INSERT' then
          select count(*) into changed_rows from new_views;
        else
          select count(*) into changed_rows from old_views;
        end if;
        if changed_rows > ${BULK_ROWS} then
          if tg_op = 'INSERT' then
            perform content_view_day_rebuild(array(select distinct content_id from new_views));
          elsif tg_op = 'UPDATE' then
            -- an update may move a view to another item: both items' rows are rebuilt
            perform content_view_day_rebuild(array(select content_id from old_views union select content_id from new_views));
          else
            perform content_view_day_rebuild(array(select distinct content_id from old_views));
          end if;
          return null;
        end if;
        if tg_op = 'INSERT' then
          with changed as (select id, content_id, member_id, first_seen_at, false as gone from new_views),
          ${TOUCHED_KEYS}
          select array_agg(content_id), array_agg(day) into contents, days from touched;
        elsif tg_op = 'UPDATE' then
          with changed as (
            select id, content_id, member_id, first_seen_at, true as gone from old_views
            union all
            select id, content_id, member_id, first_seen_at, false from new_views
          ),
          ${TOUCHED_KEYS}
          select array_agg(content_id), array_agg(day) into contents, days from touched;
        else
          with changed as (select id, content_id, member_id, first_seen_at, true as gone from old_views),
          ${TOUCHED_KEYS}
          select array_agg(content_id), array_agg(day) into contents, days from touched;
        end if;
        if contents is not null then
          perform content_view_day_recount(contents, days);
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create function content_view_day_clear() returns trigger language plpgsql as $$
      begin
        truncate content_view_day;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "content_view_day_insert" after insert on "content_view" referencing new table as new_views for each statement execute function content_view_day_sync();`);
    this.addSql(`create trigger "content_view_day_update" after update on "content_view" referencing old table as old_views new table as new_views for each statement execute function content_view_day_sync();`);
    this.addSql(`create trigger "content_view_day_delete" after delete on "content_view" referencing old table as old_views for each statement execute function content_view_day_sync();`);
    this.addSql(`create trigger "content_view_day_truncate" after truncate on "content_view" for each statement execute function content_view_day_clear();`);

    this.addSql(`select content_view_day_rebuild(null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "content_view_day_truncate" on "content_view";`);
    this.addSql(`drop trigger "content_view_day_delete" on "content_view";`);
    this.addSql(`drop trigger "content_view_day_update" on "content_view";`);
    this.addSql(`drop trigger "content_view_day_insert" on "content_view";`);
    this.addSql(`drop function content_view_day_clear();`);
    this.addSql(`drop function content_view_day_sync();`);
    this.addSql(`drop function content_view_day_recount(uuid[], date[]);`);
    this.addSql(`drop function content_view_day_rebuild(uuid[]);`);
    this.addSql(`drop table "content_view_day";`);
  }

}

/** Above this many rows, a statement's items are rebuilt whole rather than their touched days counted again. */
const BULK_ROWS = 10_000;

/**
 * After a `changed` CTE (the statement's old rows with gone = true, its new rows with false):
 * `touched`, the (content_id, day) rows to count again. Besides the changed views' days, a member's
 * first view of an item may move between two unchanged days (a view inserted before it, or it
 * deleted): the day of the first view among those the statement kept is touched too. Set-based,
 * for a COPY of millions as for one insert.
 */
const TOUCHED_KEYS = `
          pairs as (select distinct content_id, member_id from changed),
          kept_firsts as (
            select v.content_id, min(v.first_seen_at) as first_seen_at
            from content_view v join pairs p on p.content_id = v.content_id and p.member_id = v.member_id
            where not exists (select 1 from changed c where not c.gone and c.id = v.id)
            group by v.content_id, v.member_id
          ),
          touched as (
            select content_id, (first_seen_at at time zone 'UTC')::date as day from changed
            union
            select content_id, (first_seen_at at time zone 'UTC')::date from kept_firsts
          )`;
