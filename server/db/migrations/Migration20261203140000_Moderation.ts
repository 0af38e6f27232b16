import { Migration } from '@mikro-orm/migrations';

/** Issue 20, moderation: reports grouped in cases, the moderation log, hiding, suspension and the MODERATOR role. */
export class Migration20261203140000_Moderation extends Migration {

  override name = 'Migration20261203140000_Moderation';

  override up(): void | Promise<void> {
    this.addSql(`alter type "member_role" add value if not exists 'MODERATOR' before 'ADMIN';`);
    this.addSql(`alter table "member" add column "suspended_until" timestamptz null, add column "suspension_reason" text null;`);
    this.addSql(`alter table "content" add column "hidden_at" timestamptz null;`);
    this.addSql(`alter table "comment" add column "hidden_at" timestamptz null;`);
    this.addSql(`alter table "message" add column "hidden_at" timestamptz null;`);
    this.addSql(`create table "moderation_case" ("id" uuid not null, "subject_kind" text not null, "subject_id" uuid not null, "status" text not null default 'OPEN', "report_count" int not null default 0, "auto_hidden" boolean not null default false, "opened_at" timestamptz not null, "resolved_at" timestamptz null, "resolved_by_id" uuid null, "action" text null, "note" text null, constraint "moderation_case_pkey" primary key ("id"));`);
    this.addSql(`create index "moderation_case_status_opened_at_id_index" on "moderation_case" ("status", "opened_at", "id");`);
    // One open case per subject: concurrent first reports meet here.
    this.addSql(`create unique index "moderation_case_open_subject_unique" on "moderation_case" ("subject_id") where "status" = 'OPEN';`);
    this.addSql(`create table "report" ("id" uuid not null, "case_id" uuid not null, "reporter_id" uuid not null, "kind" text not null, "subject_id" uuid not null, "reason" text not null, "note" text null, "created_at" timestamptz not null, constraint "report_pkey" primary key ("id"));`);
    this.addSql(`alter table "report" add constraint "report_reporter_id_subject_id_unique" unique ("reporter_id", "subject_id");`);
    this.addSql(`create index "report_case_id_index" on "report" ("case_id");`);
    this.addSql(`alter table "report" add constraint "report_case_id_foreign" foreign key ("case_id") references "moderation_case" ("id") on delete cascade;`);
    this.addSql(`alter table "report" add constraint "report_reporter_id_foreign" foreign key ("reporter_id") references "member" ("id") on delete cascade;`);
    this.addSql(`create table "moderation_log_entry" ("id" uuid not null, "actor_id" uuid null, "action" text not null, "subject_kind" text not null, "subject_id" uuid not null, "case_id" uuid null, "note" text null, "created_at" timestamptz not null, constraint "moderation_log_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "moderation_log_entry_created_at_id_index" on "moderation_log_entry" ("created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "moderation_log_entry" cascade;`);
    this.addSql(`drop table if exists "report" cascade;`);
    this.addSql(`drop table if exists "moderation_case" cascade;`);
    this.addSql(`alter table "message" drop column "hidden_at";`);
    this.addSql(`alter table "comment" drop column "hidden_at";`);
    this.addSql(`alter table "content" drop column "hidden_at";`);
    this.addSql(`alter table "member" drop column "suspended_until", drop column "suspension_reason";`);
    // PostgreSQL cannot drop an enum value; MODERATOR stays in member_role.
  }
}
