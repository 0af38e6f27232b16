import type { EntityManager } from '@mikro-orm/postgresql';

/** A row of a statement over `visit_day` that selects ROLLUP_ZONE. */
export interface RollupRead {
  rollup_zone: string | null;
}

/**
 * Runs `read`, a statement over the `visit_day` rollup, with the rollup in the community's time
 * zone. Visit days are local days, so the rollup is built in one zone (visit_day_zone). When that
 * is not `zone` (COMMUNITY_TIMEZONE changed, or every table was truncated), the statement's rows
 * say so (they carry the zone read in the same snapshot as the figures): the rollup is rebuilt
 * from the visits, in one transaction that holds visit writers back, and the statement runs again.
 */
export async function readVisitDays<Row extends RollupRead>(em: EntityManager, zone: string, read: () => Promise<Row[]>): Promise<Row[]> {
  for (let attempt = 1; ; attempt++) {
    const rows = await read();
    if (rows.every((row) => row.rollup_zone === zone)) return rows;
    // Two instances rebuilding it in turn: they disagree on COMMUNITY_TIMEZONE.
    if (attempt === 3) throw new Error(`visit_day keeps leaving ${zone}: do all instances share COMMUNITY_TIMEZONE?`);
    await rebuildVisitDays(em, zone);
  }
}

/**
 * Builds the rollup from the visits in `zone` unless it is in that zone already; from then on the
 * triggers on visit keep it (a bulk load right after fills it as it goes).
 */
export async function rebuildVisitDays(em: EntityManager, zone: string): Promise<void> {
  await em.execute('select visit_day_rebuild(?)', [zone]);
}
