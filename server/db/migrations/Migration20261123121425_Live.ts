import { Migration } from '@mikro-orm/migrations';

export class Migration20261123121425_Live extends Migration {

  override name = 'Migration20261123121425_Live';

  override up(): void | Promise<void> {
    this.addSql(`create type "live_session_status" as enum ('SCHEDULED', 'LIVE', 'ENDED', 'CANCELLED');`);
    this.addSql(`create type "meeting_status" as enum ('REQUESTED', 'ACCEPTED', 'DECLINED');`);
    this.addSql(`create table "attendance_segment" ("id" uuid not null, "session_id" uuid not null, "member_id" uuid not null, "participant_sid" text not null, "joined_at" timestamptz null, "left_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "attendance_segment_member_id_index" on "attendance_segment" ("member_id");`);
    this.addSql(`create index "attendance_segment_session_id_member_id_index" on "attendance_segment" ("session_id", "member_id");`);
    this.addSql(`alter table "attendance_segment" add constraint "attendance_segment_session_id_participant_sid_unique" unique ("session_id", "participant_sid");`);

    this.addSql(`create table "lead" ("id" uuid not null, "partner_id" uuid not null, "member_id" uuid not null, "sources" text[] not null, "first_at" timestamptz not null, "last_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "lead_partner_id_last_at_index" on "lead" ("partner_id", "last_at");`);
    this.addSql(`alter table "lead" add constraint "lead_partner_id_member_id_unique" unique ("partner_id", "member_id");`);

    this.addSql(`create table "livekit_event" ("id" text not null, "event" text not null, "room_name" text null, "created_at" timestamptz not null, "received_at" timestamptz not null, primary key ("id"));`);

    this.addSql(`create table "live_session" ("id" uuid not null, "title" text not null, "description" text not null default '', "starts_at" timestamptz not null, "ends_at" timestamptz not null, "capacity" int null, "status" "live_session_status" not null default 'SCHEDULED', "partner_id" uuid null, "auto_record" boolean not null default false, "replay_id" uuid null, "created_by_id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "started_at" timestamptz null, "ended_at" timestamptz null, "cancelled_at" timestamptz null, "recording_egress_id" text null, primary key ("id"));`);
    this.addSql(`create index "live_session_partner_id_index" on "live_session" ("partner_id");`);
    this.addSql(`create index "live_session_starts_at_id_index" on "live_session" ("starts_at", "id");`);
    // Replay views make leads: find a replay's session.
    this.addSql(`create unique index "live_session_replay_id_unique" on "live_session" ("replay_id") where replay_id is not null;`);

    this.addSql(`create table "meeting" ("id" uuid not null, "requester_id" uuid not null, "recipient_id" uuid not null, "session_id" uuid null, "message" text null, "proposed_start" timestamptz not null, "status" "meeting_status" not null default 'REQUESTED', "created_at" timestamptz not null, "responded_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "meeting_session_id_index" on "meeting" ("session_id");`);
    this.addSql(`create index "meeting_recipient_id_created_at_index" on "meeting" ("recipient_id", "created_at");`);
    this.addSql(`create index "meeting_requester_id_created_at_index" on "meeting" ("requester_id", "created_at");`);
    // One open request per pair and direction: asking twice is answered with the pending one.
    this.addSql(`create unique index "meeting_open_request_unique" on "meeting" ("requester_id", "recipient_id") where status = 'REQUESTED';`);

    this.addSql(`create table "live_session_speaker" ("session_id" uuid not null, "member_id" uuid not null, primary key ("session_id", "member_id"));`);

    this.addSql(`create table "session_chat_message" ("id" uuid not null, "session_id" uuid not null, "author_id" uuid not null, "body" text not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "session_chat_message_session_id_created_at_id_index" on "session_chat_message" ("session_id", "created_at", "id");`);

    this.addSql(`create table "session_registration" ("id" uuid not null, "session_id" uuid not null, "member_id" uuid not null, "share_contact_with_partner" boolean not null, "registered_at" timestamptz not null, "cancelled_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "session_registration_member_id_index" on "session_registration" ("member_id");`);
    this.addSql(`alter table "session_registration" add constraint "session_registration_session_id_member_id_unique" unique ("session_id", "member_id");`);

    this.addSql(`create table "session_reminder" ("session_id" uuid not null, "member_id" uuid not null, "kind" text not null, "starts_at" timestamptz not null, "claimed_at" timestamptz not null, "sent_at" timestamptz null, "message_id" text null, primary key ("session_id", "member_id", "kind", "starts_at"));`);

    this.addSql(`create table "live_session_theme" ("session_id" uuid not null, "theme_id" uuid not null, primary key ("session_id", "theme_id"));`);

    this.addSql(`alter table "live_session_speaker" add constraint "live_session_speaker_session_id_foreign" foreign key ("session_id") references "live_session" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "live_session_speaker" add constraint "live_session_speaker_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "live_session_theme" add constraint "live_session_theme_session_id_foreign" foreign key ("session_id") references "live_session" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "live_session_theme" add constraint "live_session_theme_theme_id_foreign" foreign key ("theme_id") references "theme" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "live_session_speaker" drop constraint "live_session_speaker_session_id_foreign";`);
    this.addSql(`alter table "live_session_theme" drop constraint "live_session_theme_session_id_foreign";`);

    this.addSql(`drop table if exists "attendance_segment" cascade;`);
    this.addSql(`drop table if exists "lead" cascade;`);
    this.addSql(`drop table if exists "livekit_event" cascade;`);
    this.addSql(`drop table if exists "live_session" cascade;`);
    this.addSql(`drop table if exists "meeting" cascade;`);
    this.addSql(`drop table if exists "live_session_speaker" cascade;`);
    this.addSql(`drop table if exists "session_chat_message" cascade;`);
    this.addSql(`drop table if exists "session_registration" cascade;`);
    this.addSql(`drop table if exists "session_reminder" cascade;`);
    this.addSql(`drop table if exists "live_session_theme" cascade;`);

    this.addSql(`drop type "live_session_status";`);
    this.addSql(`drop type "meeting_status";`);
  }

}
