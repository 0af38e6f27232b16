import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand (analytics, issue 18 / P4): each member's latest visit activity, so the KPIs that
 * need every member's latest visit before a window's end (contentReach's eligible members, at-risk
 * members, company engagement) read one narrow row per member instead of probing the visit index
 * per member (a heap visit each wherever the visibility map is not set: ~310k buffers at 5M visits).
 *
 * `visit_latest` holds per member with visits: `last_activity_at`, exactly the latest activity of
 * their visits, and `started_at`, never earlier than the latest start of their visits (an update
 * that moves a start earlier leaves it; a deletion, or an activity moved earlier, counts the member
 * again from the visits). So when `started_at` is before a window's end, every visit started before
 * it and the latest visit before it ends at `last_activity_at`; otherwise readers probe the visits.
 * Kept by statement-level triggers on `visit`, in the statement that writes the visits. No ORM
 * entity on purpose: nothing but these triggers may write it.
 */
export class Migration20261204192000_VisitLatest extends Migration {

  override name = 'Migration20261204192000_VisitLatest';

  override up(): void | Promise<void> {
    this.addSql(`create table "visit_latest" (
      "member_id" uuid not null references "member" ("id") on delete cascade,
      "started_at" timestamptz not null,
      "last_activity_at" timestamptz not null,
      primary key ("member_id")
    );`);

    // Counts the given members again from their visits; one without visits left loses its row.
    this.addSql(`create function visit_latest_recount(members uuid[]) returns void language sql as $$
      delete from visit_latest l where l.member_id = any (members) and not exists (select 1 from visit v where v.member_id = l.member_id);
      insert into visit_latest (member_id, started_at, last_activity_at)
      select v.member_id, max(v.started_at), max(v.last_activity_at) from visit v where v.member_id = any (members)
      group by v.member_id order by v.member_id
      on conflict (member_id) do update set started_at = excluded.started_at, last_activity_at = excluded.last_activity_at;
    $$;`);

    this.addSql(`create function visit_latest_sync() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          perform visit_latest_recount(array(select distinct member_id from old_visits));
          return null;
        end if;
        insert into visit_latest (member_id, started_at, last_activity_at)
        select member_id, max(started_at), max(last_activity_at) from new_visits group by member_id order by member_id
        on conflict (member_id) do update set
          started_at = greatest(visit_latest.started_at, excluded.started_at),
          last_activity_at = greatest(visit_latest.last_activity_at, excluded.last_activity_at)
        where excluded.started_at > visit_latest.started_at or excluded.last_activity_at > visit_latest.last_activity_at;
        if tg_op = 'UPDATE' then
          -- an activity moved earlier, or a visit moved to another member: counted again
          perform visit_latest_recount(array(
            select o.member_id from old_visits o join new_visits n on n.id = o.id
            where n.last_activity_at < o.last_activity_at or n.member_id <> o.member_id
          ));
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create function visit_latest_clear() returns trigger language plpgsql as $$
      begin
        truncate visit_latest;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "visit_latest_insert" after insert on "visit" referencing new table as new_visits for each statement execute function visit_latest_sync();`);
    this.addSql(`create trigger "visit_latest_update" after update on "visit" referencing old table as old_visits new table as new_visits for each statement execute function visit_latest_sync();`);
    this.addSql(`create trigger "visit_latest_delete" after delete on "visit" referencing old table as old_visits for each statement execute function visit_latest_sync();`);
    this.addSql(`create trigger "visit_latest_truncate" after truncate on "visit" for each statement execute function visit_latest_clear();`);

    this.addSql(`insert into visit_latest (member_id, started_at, last_activity_at)
      select member_id, max(started_at), max(last_activity_at) from visit group by member_id order by member_id;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "visit_latest_truncate" on "visit";`);
    this.addSql(`drop trigger "visit_latest_delete" on "visit";`);
    this.addSql(`drop trigger "visit_latest_update" on "visit";`);
    this.addSql(`drop trigger "visit_latest_insert" on "visit";`);
    this.addSql(`drop function visit_latest_clear();`);
    this.addSql(`drop function visit_latest_sync();`);
    this.addSql(`drop function visit_latest_recount(uuid[]);`);
    this.addSql(`drop table "visit_latest";`);
  }

}
