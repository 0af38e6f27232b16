import { Migration } from '@mikro-orm/migrations';

/**
 * The comments by author and the messages by sender. A member's suspension, and its lifting,
 * recounts the unread readers of the notifications about what they wrote (readersAffectedBy, through
 * notificationsByMember in schema/moderation/visibility.ts): its comment and message arms start
 * from the member's comments and messages, and without these each read both whole tables. Every
 * row, deleted and hidden ones too: those arms filter on the author alone (a deleted comment's or
 * hidden message's notifications are still the member's). Content has content_author_id_index.
 */
export class Migration20261206170000_AuthorIndexes extends Migration {

  override name = 'Migration20261206170000_AuthorIndexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "comment_author_id_index" on "comment" ("author_id");`);
    this.addSql(`create index "message_sender_id_index" on "message" ("sender_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "message_sender_id_index";`);
    this.addSql(`drop index "comment_author_id_index";`);
  }

}
