import { Migration } from '@mikro-orm/migrations';

/**
 * The suspended members, by the end of their suspension (few; every other row is null and not in
 * it). A search leaves out the items of suspended authors by reading that set first
 * (schema/search/search-visibility.ts): without this index, a scan of the whole member table in
 * every search, which grows with the community.
 */
export class Migration20261204193000_MemberSuspendedIndex extends Migration {

  override name = 'Migration20261204193000_MemberSuspendedIndex';

  override up(): void | Promise<void> {
    this.addSql(`create index "member_suspended_index" on "member" ("suspended_until") where "suspended_until" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "member_suspended_index";`);
  }

}
