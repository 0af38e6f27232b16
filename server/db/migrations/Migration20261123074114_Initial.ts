import { Migration } from '@mikro-orm/migrations';

export class Migration20261123074114_Initial extends Migration {

  override name = 'Migration20261123074114_Initial';

  override up(): void | Promise<void> {
    this.addSql(`create type "member_role" as enum ('MEMBER', 'SPEAKER', 'PARTNER', 'ADMIN');`);
    this.addSql(`create type "membership" as enum ('FREE', 'PAID');`);
    this.addSql(`create type "visit_source" as enum ('DIRECT', 'EMAIL', 'NOTIFICATION', 'LIVE');`);
    this.addSql(`create table "member" ("id" uuid not null, "email" text not null, "password_hash" text not null, "display_name" text not null, "company" text null, "job_title" text null, "role" "member_role" not null default 'MEMBER', "membership" "membership" not null default 'FREE', "renewal_date" date null, "created_at" timestamptz not null, "last_visit_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "member" add constraint "member_email_unique" unique ("email");`);
    this.addSql(`create index "member_company_index" on "member" ("company");`);

    this.addSql(`create table "refresh_token" ("id" uuid not null, "member_id" uuid not null, "family_id" uuid not null, "secret_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "refresh_token_family_id_index" on "refresh_token" ("family_id");`);

    this.addSql(`create table "visit" ("id" uuid not null, "member_id" uuid not null, "started_at" timestamptz not null, "last_activity_at" timestamptz not null, "source" "visit_source" not null default 'DIRECT', "attributed_digest_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "visit_started_at_index" on "visit" ("started_at");`);
    this.addSql(`create index "visit_member_id_started_at_index" on "visit" ("member_id", "started_at");`);

    this.addSql(`alter table "refresh_token" add constraint "refresh_token_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`);

    this.addSql(`alter table "visit" add constraint "visit_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "refresh_token" drop constraint "refresh_token_member_id_foreign";`);
    this.addSql(`alter table "visit" drop constraint "visit_member_id_foreign";`);

    this.addSql(`drop table if exists "member" cascade;`);
    this.addSql(`drop table if exists "refresh_token" cascade;`);
    this.addSql(`drop table if exists "visit" cascade;`);

    this.addSql(`drop type "member_role";`);
    this.addSql(`drop type "membership";`);
    this.addSql(`drop type "visit_source";`);
  }

}
