import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand (analytics, issue 18 / P4): each member's visit days of a year as one sorted
 * array, so revisitFrequency reads one row per member and year instead of one per visit day.
 *
 * Read by index alone, `visit_day` still costs a heap visit per member-day wherever the visibility
 * map is not set (a table autovacuum has not reached, or autovacuum off): 5M visits were ~5M heap
 * fetches. `visit_year` holds exactly the days of `visit_day` (same zone), kept by statement-level
 * triggers on `visit_day`: a day gained is added, a day lost removed (its visit count changing
 * touches nothing here), a TRUNCATE (visit_day_rebuild) empties it and the rebuild's insert fills
 * it again. A year has at most 366 days: the array stays small enough to live in the row. The count
 * of days between two dates, and the first and last of them, are binary searches (width_bucket).
 * No ORM entity on purpose: nothing but these triggers may write it.
 */
export class Migration20261204191000_VisitYears extends Migration {

  override name = 'Migration20261204191000_VisitYears';

  override up(): void | Promise<void> {
    this.addSql(`create table "visit_year" ("member_id" uuid not null, "year" int not null, "days" date[] not null, primary key ("member_id", "year"));`);

    this.addSql(`create function visit_year_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into visit_year (member_id, year, days)
          select member_id, extract(year from day)::int, array_agg(day order by day) from new_days group by 1, 2 order by 1, 2
          on conflict (member_id, year) do update set
            days = array(select d from unnest(visit_year.days || excluded.days) d group by d order by d);
        else
          update visit_year y set days = array(select d from unnest(y.days) d where d <> all (g.days) order by d)
          from (
            select member_id, extract(year from day)::int as year, array_agg(day) as days from old_days group by 1, 2 order by 1, 2
          ) g
          where y.member_id = g.member_id and y.year = g.year;
          delete from visit_year y where cardinality(y.days) = 0 and y.member_id in (select member_id from old_days);
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create function visit_year_clear() returns trigger language plpgsql as $$
      begin
        truncate visit_year;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "visit_year_insert" after insert on "visit_day" referencing new table as new_days for each statement execute function visit_year_sync();`);
    this.addSql(`create trigger "visit_year_delete" after delete on "visit_day" referencing old table as old_days for each statement execute function visit_year_sync();`);
    this.addSql(`create trigger "visit_year_truncate" after truncate on "visit_day" for each statement execute function visit_year_clear();`);

    this.addSql(`insert into visit_year (member_id, year, days)
      select member_id, extract(year from day)::int, array_agg(day order by day) from visit_day group by 1, 2 order by 1, 2;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "visit_year_truncate" on "visit_day";`);
    this.addSql(`drop trigger "visit_year_delete" on "visit_day";`);
    this.addSql(`drop trigger "visit_year_insert" on "visit_day";`);
    this.addSql(`drop function visit_year_clear();`);
    this.addSql(`drop function visit_year_sync();`);
    this.addSql(`drop table "visit_year";`);
  }

}
