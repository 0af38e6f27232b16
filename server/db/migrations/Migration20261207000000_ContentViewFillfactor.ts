import { Migration } from '@mikro-orm/migrations';

/**
 * content_view's pages keep a fifth of their room free for updates. A view is extended by every
 * heartbeat of its reader (seconds, last_seen_at: neither indexed), a few seconds after it was
 * written, when its page is the table's newest and full. With no room on that page, each extension
 * wrote its new version to another page and an entry into each of the table's five indexes (a
 * non-HOT update), and PostgreSQL then spent time deleting those duplicate entries again. With
 * room, the new version stays on its page and no index is touched (a HOT update).
 * Pages written from now on follow the setting; older ones are left as they are.
 */
export class Migration20261207000000_ContentViewFillfactor extends Migration {

  override name = 'Migration20261207000000_ContentViewFillfactor';

  override up(): void | Promise<void> {
    this.addSql(`alter table content_view set (fillfactor = 80);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table content_view reset (fillfactor);`);
  }

}
