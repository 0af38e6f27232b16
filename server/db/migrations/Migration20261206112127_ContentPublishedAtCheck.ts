import { Migration } from '@mikro-orm/migrations';

/**
 * Only drafts lack a publication date. archiveContent used to accept a draft, and every reader
 * takes an item that is not a draft for one every member may read: a draft archived that way was
 * readable by all (content(id), search, views, reports, its page). Such items go back to being
 * drafts, for their author and admins, and the check keeps any other path from making one again.
 */
export class Migration20261206112127_ContentPublishedAtCheck extends Migration {

  override name = 'Migration20261206112127_ContentPublishedAtCheck';

  override up(): void | Promise<void> {
    this.addSql(`update "content" set "status" = 'DRAFT' where "status" <> 'DRAFT' and "published_at" is null;`);
    this.addSql(`alter table "content" add constraint "content_published_at_check" check (status = 'DRAFT' or published_at is not null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "content" drop constraint "content_published_at_check";`);
  }

}
