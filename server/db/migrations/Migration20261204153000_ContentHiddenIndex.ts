import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 20, search speed: the items moderation hid, by id. A search checks each matching comment
 * against the items its viewer may not see; this finds the hidden ones without reading the table
 * (they are few; drafts come from content_feed_index, suspended authors' items from
 * content_author_id_index).
 */
export class Migration20261204153000_ContentHiddenIndex extends Migration {

  override name = 'Migration20261204153000_ContentHiddenIndex';

  override up(): void | Promise<void> {
    this.addSql(`create index "content_hidden_index" on "content" ("id") where "hidden_at" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "content_hidden_index";`);
  }

}
