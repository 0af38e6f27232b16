import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 20, moderation: the moderation entities declare their enums as text with a check (as
 * MikroORM generates them); Migration20261203140000_Moderation created the columns without the
 * checks. Every other enum of the house is enforced by the database: these are too.
 */
export class Migration20261203170000_ModerationChecks extends Migration {

  override name = 'Migration20261203170000_ModerationChecks';

  override up(): void | Promise<void> {
    this.addSql(`alter table "moderation_case" add constraint "moderation_case_subject_kind_check" check ("subject_kind" in ('CONTENT', 'COMMENT', 'MESSAGE', 'MEMBER'));`);
    this.addSql(`alter table "moderation_case" add constraint "moderation_case_status_check" check ("status" in ('OPEN', 'RESOLVED'));`);
    this.addSql(`alter table "moderation_case" add constraint "moderation_case_action_check" check ("action" in ('DISMISS', 'HIDE', 'DELETE', 'SUSPEND_AUTHOR'));`);
    this.addSql(`alter table "moderation_log_entry" add constraint "moderation_log_entry_action_check" check ("action" in ('DISMISS', 'HIDE', 'DELETE', 'SUSPEND', 'UNSUSPEND', 'AUTO_HIDE'));`);
    this.addSql(`alter table "moderation_log_entry" add constraint "moderation_log_entry_subject_kind_check" check ("subject_kind" in ('CONTENT', 'COMMENT', 'MESSAGE', 'MEMBER'));`);
    this.addSql(`alter table "report" add constraint "report_kind_check" check ("kind" in ('CONTENT', 'COMMENT', 'MESSAGE', 'MEMBER'));`);
    this.addSql(`alter table "report" add constraint "report_reason_check" check ("reason" in ('SPAM', 'HARASSMENT', 'OFF_TOPIC', 'OTHER'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "report" drop constraint "report_reason_check", drop constraint "report_kind_check";`);
    this.addSql(`alter table "moderation_log_entry" drop constraint "moderation_log_entry_subject_kind_check", drop constraint "moderation_log_entry_action_check";`);
    this.addSql(`alter table "moderation_case" drop constraint "moderation_case_action_check", drop constraint "moderation_case_status_check", drop constraint "moderation_case_subject_kind_check";`);
  }

}
