import { Migration } from '@mikro-orm/migrations';

/**
 * The visits that lasted 12 hours or more, by member and latest activity (few: a visit ends after
 * 30 minutes without activity). A KPI window whose first or last day is cut (schema/analytics/
 * visit-days.sql.ts) checks, for each member the rollup has on that day, that a visit touched the
 * window's part of it: those that began in the two days before it are found through
 * visit_member_id_started_at_index, and only a visit of 12 hours or more can have begun earlier and
 * still reach the day. Without this index that check read a member's visits from the day back to
 * the first (about 55 rows each at 5M visits, 0.7 s for a cut year).
 */
export class Migration20261207090000_VisitLongIndex extends Migration {

  override name = 'Migration20261207090000_VisitLongIndex';

  override up(): void | Promise<void> {
    this.addSql(
      `create index "visit_long_member_id_last_activity_at_index" on "visit" ("member_id", "last_activity_at") where "last_activity_at" - "started_at" >= interval '12 hours';`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "visit_long_member_id_last_activity_at_index";`);
  }

}
