import { Migration } from '@mikro-orm/migrations';

/**
 * Where a recurring sweep job got to, by job name: announce-suspension-ends tells the readers of
 * suspensions that ended between its last run and now, so a run missed (the worker down, a
 * deploy) is made up by the next one and a run repeated tells nobody twice.
 */
export class Migration20261206180000_JobWatermark extends Migration {

  override name = 'Migration20261206180000_JobWatermark';

  override up(): void | Promise<void> {
    this.addSql(`create table "job_watermark" ("job" text not null, "swept_until" timestamptz not null, constraint "job_watermark_pkey" primary key ("job"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table "job_watermark";`);
  }

}
