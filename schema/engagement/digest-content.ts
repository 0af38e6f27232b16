import type { EntityManager } from '@mikro-orm/postgresql';

/** Recomputes the popularity used to rank cold content (a materialized view, refreshed without blocking readers). */
export async function refreshContentPopularity(em: EntityManager): Promise<void> {
  await em.execute('refresh materialized view concurrently content_theme_popularity');
}
