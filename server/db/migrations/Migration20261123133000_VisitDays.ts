import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand (analytics, issue 5 / P4): the visit-day rollup and the indexes the KPIs read.
 *
 * `visit_day` holds, per member and calendar day in the community's time zone, how many visits
 * touched that day: exactly the visit days PRODUCT.md defines, so revisitFrequency reads one row
 * per member-day instead of turning every visit into days. Triggers on `visit` keep it equal to
 * the visits in the statement that writes them (the tracker's merges, COPY, tests' inserts,
 * member deletion's cascade). It has no ORM entity on purpose: nothing but these triggers and
 * `visit_day_rebuild` may write it.
 *
 * The time zone the rollup is in lives in `visit_day_zone` (one row). Readers compare it with
 * COMMUNITY_TIMEZONE in the same statement as the figures and rebuild on a difference (see
 * schema/analytics/visit-day-rollup.ts); without a row (after a TRUNCATE of everything) the
 * triggers do nothing and the first reader builds it. Starts in UTC, the default zone.
 */
export class Migration20261123133000_VisitDays extends Migration {

  override name = 'Migration20261123133000_VisitDays';

  override up(): void | Promise<void> {
    this.addSql(`create table "visit_day_zone" ("zone" text not null, primary key ("zone"));`);
    this.addSql(`create unique index "visit_day_zone_single_row" on "visit_day_zone" ((true));`);
    this.addSql(`create table "visit_day" ("member_id" uuid not null, "day" date not null, "visits" int not null, primary key ("member_id", "day"));`);

    // The local days [started_at, last_activity_at] touched: the one definition the triggers and the rebuild share.
    this.addSql(`create function visit_day_span(started_at timestamptz, last_activity_at timestamptz, zone text) returns setof date
      language sql stable parallel safe as $$
        select (started_at at time zone zone)::date + n
        from generate_series(0, (last_activity_at at time zone zone)::date - (started_at at time zone zone)::date) n
      $$;`);

    // Statement-level, with transition tables: one COPY of a million visits is one grouped upsert.
    // Old rows' days lose a visit, new rows' days gain one; a day left without visits is deleted.
    // The tracker's merge fires all three triggers, mostly with no day changed: those return early.
    this.addSql(`create function visit_day_sync() returns trigger language plpgsql as $$
      declare
        zone text;
      begin
        if tg_op = 'INSERT' then
          perform from new_visits limit 1;
        else
          perform from old_visits limit 1;
        end if;
        if not found then
          return null;
        end if;
        zone := (select z.zone from visit_day_zone z);
        if zone is null then
          return null;
        end if;
        if tg_op = 'UPDATE' then
          -- Most updates move a visit's end within its last day: no day gained or lost.
          perform from old_visits o full join new_visits n on n.id = o.id
          where o.id is null or n.id is null or n.member_id <> o.member_id
             or (n.started_at at time zone zone)::date <> (o.started_at at time zone zone)::date
             or (n.last_activity_at at time zone zone)::date <> (o.last_activity_at at time zone zone)::date
          limit 1;
          if not found then
            return null;
          end if;
        end if;
        if tg_op = 'INSERT' then
          insert into visit_day (member_id, day, visits)
          select n.member_id, d.day, count(*) from new_visits n cross join lateral visit_day_span(n.started_at, n.last_activity_at, zone) d(day)
          group by 1, 2 order by 1, 2
          on conflict (member_id, day) do update set visits = visit_day.visits + excluded.visits;
          return null;
        end if;
        if tg_op = 'UPDATE' then
          insert into visit_day (member_id, day, visits)
          select member_id, day, sum(change) from (
            select o.member_id, d.day, -1 as change from old_visits o cross join lateral visit_day_span(o.started_at, o.last_activity_at, zone) d(day)
            union all
            select n.member_id, d.day, 1 from new_visits n cross join lateral visit_day_span(n.started_at, n.last_activity_at, zone) d(day)
          ) changes
          group by 1, 2 having sum(change) <> 0 order by 1, 2
          on conflict (member_id, day) do update set visits = visit_day.visits + excluded.visits;
        else
          update visit_day vd set visits = vd.visits - gone.visits
          from (
            select o.member_id, d.day, count(*)::int as visits
            from old_visits o cross join lateral visit_day_span(o.started_at, o.last_activity_at, zone) d(day) group by 1, 2
          ) gone
          where vd.member_id = gone.member_id and vd.day = gone.day;
        end if;
        delete from visit_day vd
        using (select distinct o.member_id, d.day from old_visits o cross join lateral visit_day_span(o.started_at, o.last_activity_at, zone) d(day)) touched
        where vd.member_id = touched.member_id and vd.day = touched.day and vd.visits <= 0;
        return null;
      end
    $$;`);
    this.addSql(`create function visit_day_clear() returns trigger language plpgsql as $$
      begin
        truncate visit_day;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "visit_day_insert" after insert on "visit" referencing new table as new_visits for each statement execute function visit_day_sync();`);
    this.addSql(`create trigger "visit_day_update" after update on "visit" referencing old table as old_visits new table as new_visits for each statement execute function visit_day_sync();`);
    this.addSql(`create trigger "visit_day_delete" after delete on "visit" referencing old table as old_visits for each statement execute function visit_day_sync();`);
    this.addSql(`create trigger "visit_day_truncate" after truncate on "visit" for each statement execute function visit_day_clear();`);

    // Rebuilds the rollup in another zone. Writers of visits wait meanwhile (SHARE lock), so no
    // trigger applies a day of the old zone to the new rollup; a second caller finds it done.
    this.addSql(`create function visit_day_rebuild(target text) returns void language plpgsql as $$
      begin
        lock table visit_day_zone in exclusive mode;
        lock table visit in share mode;
        if exists (select 1 from visit_day_zone where zone = target) then
          return;
        end if;
        delete from visit_day_zone;
        truncate visit_day;
        insert into visit_day_zone (zone) values (target);
        insert into visit_day (member_id, day, visits)
        select v.member_id, d.day, count(*) from visit v cross join lateral visit_day_span(v.started_at, v.last_activity_at, target) d(day)
        group by 1, 2 order by 1, 2;
      end
    $$;`);
    this.addSql(`select visit_day_rebuild('UTC');`);

    // contentReach's eligible members: each member's latest visit before the window's end is the
    // first entry of this index with started_at before it (one probe per member, no heap).
    this.addSql(`create index "visit_member_id_last_activity_at_index" on "visit" ("member_id", "last_activity_at") include ("started_at");`);
    // contentReach's views and unique viewers per item, from the index alone. Only columns a view
    // never changes, so heartbeats (seconds, last_seen_at) stay HOT updates.
    this.addSql(`create index "content_view_content_id_member_id_index" on "content_view" ("content_id", "member_id") include ("first_seen_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "content_view_content_id_member_id_index";`);
    this.addSql(`drop index "visit_member_id_last_activity_at_index";`);
    this.addSql(`drop trigger "visit_day_truncate" on "visit";`);
    this.addSql(`drop trigger "visit_day_delete" on "visit";`);
    this.addSql(`drop trigger "visit_day_update" on "visit";`);
    this.addSql(`drop trigger "visit_day_insert" on "visit";`);
    this.addSql(`drop function visit_day_rebuild(text);`);
    this.addSql(`drop function visit_day_clear();`);
    this.addSql(`drop function visit_day_sync();`);
    this.addSql(`drop function visit_day_span(timestamptz, timestamptz, text);`);
    this.addSql(`drop table "visit_day";`);
    this.addSql(`drop table "visit_day_zone";`);
  }

}
