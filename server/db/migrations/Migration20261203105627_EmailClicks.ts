import { Migration } from '@mikro-orm/migrations';

/**
 * Generated, then trimmed to this change (the diff also listed the hand-written objects of the
 * earlier migrations). Clicks on links of emails that are not digests ("you missed it" and its
 * replay) are recorded like digest clicks, naming their session instead of a digest.
 */
export class Migration20261203105627_EmailClicks extends Migration {

  override name = 'Migration20261203105627_EmailClicks';

  override up(): void | Promise<void> {
    this.addSql(`alter table "digest_click" add "session_id" uuid null;`);
    this.addSql(`alter table "digest_click" alter column "digest_id" drop not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "digest_click" where "digest_id" is null;`);
    this.addSql(`alter table "digest_click" drop column "session_id";`);
    this.addSql(`alter table "digest_click" alter column "digest_id" set not null;`);
  }

}
