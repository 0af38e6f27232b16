import { Migration } from '@mikro-orm/migrations';

/** The admin console's rule list shows when the worker last evaluated each rule, and whom it selected. */
export class Migration20261203100000_RuleLastRun extends Migration {

  override name = 'Migration20261203100000_RuleLastRun';

  override up(): void | Promise<void> {
    this.addSql(`alter table "engagement_rule" add column "last_run_at" timestamptz null, add column "last_run_members" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "engagement_rule" drop column "last_run_at", drop column "last_run_members";`);
  }
}
