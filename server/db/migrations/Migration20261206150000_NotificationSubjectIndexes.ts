import { Migration } from '@mikro-orm/migrations';

/**
 * The notifications by subject, and the unread ones by actor. Every moderation decision looks
 * them up in its event's handler (schema/notification/notification.queries.ts): deleting a message,
 * comment or item drops the notifications quoting it, read or not (dropNotificationsAbout); hiding
 * or showing it again recounts its unread readers, and a suspension or its lifting those of the
 * notifications the member caused or that are about what they wrote (readersAffectedBy). Without
 * these, each read the whole table, or all its unread rows. Only the unread ones by actor: that
 * recount is the one read by actor (members are never deleted, so the foreign key's `set null`
 * does not need it), and read notifications are most of the table.
 */
export class Migration20261206150000_NotificationSubjectIndexes extends Migration {

  override name = 'Migration20261206150000_NotificationSubjectIndexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "notification_subject_index" on "notification" ("subject_type", "subject_id");`);
    this.addSql(`create index "notification_actor_unread_index" on "notification" ("actor_id") where "read_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "notification_actor_unread_index";`);
    this.addSql(`drop index "notification_subject_index";`);
  }

}
