import { Migration } from '@mikro-orm/migrations';

export class Migration20261123075300_ContentConversationNotification extends Migration {

  override name = 'Migration20261123075300_ContentConversationNotification';

  override up(): void | Promise<void> {
    this.addSql(`create type "content_type" as enum ('ARTICLE', 'VIDEO', 'PODCAST', 'DOCUMENT', 'REPLAY');`);
    this.addSql(`create type "content_status" as enum ('DRAFT', 'PUBLISHED', 'ARCHIVED');`);
    this.addSql(`create type "view_source" as enum ('FEED', 'SEARCH', 'EMAIL', 'NOTIFICATION', 'LIVE', 'DIRECT');`);
    this.addSql(`create table "conversation" ("id" uuid not null, "pair_key" text not null, "created_at" timestamptz not null, "last_message_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "conversation" add constraint "conversation_pair_key_unique" unique ("pair_key");`);
    this.addSql(`create index "conversation_last_message_at_index" on "conversation" ("last_message_at");`);

    this.addSql(`create table "conversation_participant" ("conversation_id" uuid not null, "member_id" uuid not null, "last_read_at" timestamptz null, "left_at" timestamptz null, primary key ("conversation_id", "member_id"));`);
    this.addSql(`create index "conversation_participant_member_id_conversation_id_index" on "conversation_participant" ("member_id", "conversation_id");`);

    this.addSql(`create table "content" ("id" uuid not null, "type" "content_type" not null, "title" text not null, "summary" text null, "body" text null, "media_url" text null, "author_id" uuid not null, "status" "content_status" not null default 'DRAFT', "published_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "comment_count" int not null default 0, "view_count" int not null default 0, primary key ("id"));`);
    this.addSql(`create index "content_author_id_index" on "content" ("author_id");`);
    this.addSql(`create index "content_feed_index" on "content" ("status", "published_at", "id");`);

    this.addSql(`create table "content_view" ("id" uuid not null, "member_id" uuid not null, "content_id" uuid not null, "visit_id" uuid null, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, "seconds" int not null default 0, "source" "view_source" not null default 'DIRECT', primary key ("id"));`);
    this.addSql(`create index "content_view_first_seen_at_index" on "content_view" ("first_seen_at");`);
    this.addSql(`create index "content_view_content_id_first_seen_at_index" on "content_view" ("content_id", "first_seen_at");`);
    this.addSql(`create index "content_view_member_id_content_id_index" on "content_view" ("member_id", "content_id");`);

    this.addSql(`create table "comment" ("id" uuid not null, "content_id" uuid not null, "author_id" uuid not null, "parent_id" uuid null, "body" text null, "created_at" timestamptz not null, "edited_at" timestamptz null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "comment_parent_id_created_at_id_index" on "comment" ("parent_id", "created_at", "id");`);
    this.addSql(`create index "comment_content_id_created_at_id_index" on "comment" ("content_id", "created_at", "id");`);

    this.addSql(`create table "member_block" ("blocker_id" uuid not null, "blocked_id" uuid not null, "created_at" timestamptz not null, primary key ("blocker_id", "blocked_id"));`);

    this.addSql(`create table "message" ("id" uuid not null, "conversation_id" uuid not null, "sender_id" uuid not null, "body" text not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "message_conversation_id_created_at_id_index" on "message" ("conversation_id", "created_at", "id");`);

    this.addSql(`create table "notification" ("id" uuid not null, "recipient_id" uuid not null, "kind" text not null, "actor_id" uuid null, "subject_type" text not null, "subject_id" uuid not null, "subject_title" text not null, "context_id" uuid null, "read_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "notification_recipient_id_created_at_id_index" on "notification" ("recipient_id", "created_at", "id");`);

    this.addSql(`create table "theme" ("id" uuid not null, "slug" text not null, "name" text not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "theme" add constraint "theme_slug_unique" unique ("slug");`);

    this.addSql(`create table "member_interest" ("member_id" uuid not null, "theme_id" uuid not null, "created_at" timestamptz not null, primary key ("member_id", "theme_id"));`);
    this.addSql(`create index "member_interest_theme_id_member_id_index" on "member_interest" ("theme_id", "member_id");`);

    this.addSql(`create table "content_theme" ("content_id" uuid not null, "theme_id" uuid not null, primary key ("content_id", "theme_id"));`);
    // Hand-added: the pivot is read by theme (feed filter, reach by theme); unread counts scan only unread rows.
    this.addSql(`create index "content_theme_theme_id_index" on "content_theme" ("theme_id", "content_id");`);
    this.addSql(`create index "notification_unread_index" on "notification" ("recipient_id") where "read_at" is null;`);

    this.addSql(`alter table "conversation_participant" add constraint "conversation_participant_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "conversation_participant" add constraint "conversation_participant_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "content" add constraint "content_author_id_foreign" foreign key ("author_id") references "member" ("id") on delete restrict;`);

    this.addSql(`alter table "content_view" add constraint "content_view_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`);
    this.addSql(`alter table "content_view" add constraint "content_view_content_id_foreign" foreign key ("content_id") references "content" ("id") on delete cascade;`);

    this.addSql(`alter table "comment" add constraint "comment_content_id_foreign" foreign key ("content_id") references "content" ("id") on delete cascade;`);
    this.addSql(`alter table "comment" add constraint "comment_author_id_foreign" foreign key ("author_id") references "member" ("id") on delete cascade;`);
    this.addSql(`alter table "comment" add constraint "comment_parent_id_foreign" foreign key ("parent_id") references "comment" ("id") on delete cascade;`);

    this.addSql(`alter table "member_block" add constraint "member_block_blocker_id_foreign" foreign key ("blocker_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "member_block" add constraint "member_block_blocked_id_foreign" foreign key ("blocked_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "message" add constraint "message_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on delete cascade;`);
    this.addSql(`alter table "message" add constraint "message_sender_id_foreign" foreign key ("sender_id") references "member" ("id") on delete cascade;`);

    this.addSql(`alter table "notification" add constraint "notification_recipient_id_foreign" foreign key ("recipient_id") references "member" ("id") on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_actor_id_foreign" foreign key ("actor_id") references "member" ("id") on delete set null;`);

    this.addSql(`alter table "member_interest" add constraint "member_interest_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "member_interest" add constraint "member_interest_theme_id_foreign" foreign key ("theme_id") references "theme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "content_theme" add constraint "content_theme_content_id_foreign" foreign key ("content_id") references "content" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "content_theme" add constraint "content_theme_theme_id_foreign" foreign key ("theme_id") references "theme" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "conversation_participant" drop constraint "conversation_participant_conversation_id_foreign";`);
    this.addSql(`alter table "message" drop constraint "message_conversation_id_foreign";`);
    this.addSql(`alter table "content_view" drop constraint "content_view_content_id_foreign";`);
    this.addSql(`alter table "comment" drop constraint "comment_content_id_foreign";`);
    this.addSql(`alter table "content_theme" drop constraint "content_theme_content_id_foreign";`);
    this.addSql(`alter table "comment" drop constraint "comment_parent_id_foreign";`);
    this.addSql(`alter table "member_interest" drop constraint "member_interest_theme_id_foreign";`);
    this.addSql(`alter table "content_theme" drop constraint "content_theme_theme_id_foreign";`);

    this.addSql(`drop table if exists "conversation" cascade;`);
    this.addSql(`drop table if exists "conversation_participant" cascade;`);
    this.addSql(`drop table if exists "content" cascade;`);
    this.addSql(`drop table if exists "content_view" cascade;`);
    this.addSql(`drop table if exists "comment" cascade;`);
    this.addSql(`drop table if exists "member_block" cascade;`);
    this.addSql(`drop table if exists "message" cascade;`);
    this.addSql(`drop table if exists "notification" cascade;`);
    this.addSql(`drop table if exists "theme" cascade;`);
    this.addSql(`drop table if exists "member_interest" cascade;`);
    this.addSql(`drop table if exists "content_theme" cascade;`);

    this.addSql(`drop type "content_type";`);
    this.addSql(`drop type "content_status";`);
    this.addSql(`drop type "view_source";`);
  }

}
