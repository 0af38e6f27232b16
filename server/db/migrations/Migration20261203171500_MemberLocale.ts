import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 20, localisation: each member's language and time zone. Null follows the community's
 * (COMMUNITY_LOCALE, COMMUNITY_TIMEZONE), so changing those moves every member who never chose.
 */
export class Migration20261203171500_MemberLocale extends Migration {

  override name = 'Migration20261203171500_MemberLocale';

  override up(): void | Promise<void> {
    this.addSql(`alter table "member" add column "locale" text null, add column "time_zone" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "member" drop column "locale", drop column "time_zone";`);
  }

}
