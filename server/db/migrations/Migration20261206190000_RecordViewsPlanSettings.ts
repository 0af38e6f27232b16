import { Migration } from '@mikro-orm/migrations';

/**
 * The content view writer's function (Migration20261206003000_RecordContentViews) runs its
 * statements with sequential scans and JIT off. Its connection keeps the generic plan it made,
 * while content_view grows under it:
 * - made on a small table (a community starting out, or a table just emptied), the plan found the
 *   views to extend by a scan of all of content_view, and a batch of 100 views came to take 50 ms
 *   once the table held 100,000 views;
 * - made on a large one, the plan's estimated cost passed jit_above_cost, and PostgreSQL compiled
 *   the statement with LLVM for every batch (40 ms of compiling for 5 ms of writing). The API's
 *   pools already turn JIT off for their sessions (server/db/pool.ts); this was seen on a writer
 *   built without them, and covers any connection that does not (a URL's own `options`).
 * Every read the function makes is a probe by key: an index serves each at any size.
 */
export class Migration20261206190000_RecordViewsPlanSettings extends Migration {

  override name = 'Migration20261206190000_RecordViewsPlanSettings';

  override up(): void | Promise<void> {
    this.addSql(`alter function hearth_record_content_views(jsonb, int) set enable_seqscan = off;`);
    this.addSql(`alter function hearth_record_content_views(jsonb, int) set jit = off;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter function hearth_record_content_views(jsonb, int) reset jit;`);
    this.addSql(`alter function hearth_record_content_views(jsonb, int) reset enable_seqscan;`);
  }

}
