import { Migration } from '@mikro-orm/migrations';

export class Migration20261123111245_Engagement extends Migration {

  override name = 'Migration20261123111245_Engagement';

  override up(): void | Promise<void> {
    this.addSql(`create type "digest_status" as enum ('PENDING', 'SENT', 'HELD_OUT', 'SKIPPED_EMPTY', 'FAILED');`);
    this.addSql(`create table "digest" ("id" uuid not null, "rule_id" uuid not null, "member_id" uuid not null, "period_key" text not null, "status" "digest_status" not null, "items" uuid[] not null, "hot_count" int not null default 0, "message_id" text null, "attempts" int not null default 0, "lease_until" timestamptz null, "last_error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "digest_rule_id_created_at_index" on "digest" ("rule_id", "created_at");`);
    this.addSql(`create index "digest_member_id_created_at_index" on "digest" ("member_id", "created_at");`);
    this.addSql(`alter table "digest" add constraint "digest_rule_id_member_id_period_key_unique" unique ("rule_id", "member_id", "period_key");`);

    this.addSql(`create table "digest_click" ("id" uuid not null, "digest_id" uuid not null, "member_id" uuid not null, "content_id" uuid not null, "clicked_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "digest_click_digest_id_index" on "digest_click" ("digest_id");`);
    this.addSql(`create index "digest_click_member_id_clicked_at_index" on "digest_click" ("member_id", "clicked_at");`);

    this.addSql(`create table "engagement_rule" ("id" uuid not null, "name" text not null, "trigger" text not null, "inactivity_days" int not null, "every_days" int not null, "min_unseen" int not null, "max_items" int not null, "audience_roles" text[] not null, "audience_themes" text[] not null, "audience_memberships" text[] not null, "holdout_percent" int not null, "enabled" boolean not null default false, "created_by_id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "engagement_rule_enabled_index" on "engagement_rule" ("enabled");`);

    this.addSql(`alter table "member" add "digest_emails" boolean not null default true;`);

    // Cold content is ranked by its viewers among members interested in the same theme; refreshed
    // by each evaluation of the rules (a unique index allows refreshing concurrently).
    this.addSql(`create materialized view "content_theme_popularity" as
      select ct.theme_id, ct.content_id, count(distinct v.member_id)::int as viewers
      from content_theme ct
      join content_view v on v.content_id = ct.content_id
      join member_interest mi on mi.member_id = v.member_id and mi.theme_id = ct.theme_id
      group by ct.theme_id, ct.content_id;`);
    this.addSql(`create unique index "content_theme_popularity_key" on "content_theme_popularity" ("theme_id", "content_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop materialized view if exists "content_theme_popularity";`);
    this.addSql(`drop table if exists "digest" cascade;`);
    this.addSql(`drop table if exists "digest_click" cascade;`);
    this.addSql(`drop table if exists "engagement_rule" cascade;`);

    this.addSql(`alter table "member" drop column "digest_emails";`);

    this.addSql(`drop type "digest_status";`);
  }

}
