import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureBootstrapAdmin } from '../schema/identity/bootstrap';
import { Member } from '../schema/identity/member.entity';
import type { Hearth } from '../server/app';
import type { Config } from '../server/env';
import { DEMO_SIZE, seedDemoCommunity, type DemoCommunity } from './demo-community';

/** On an empty database: the bootstrap admin (if configured) and, when enabled, the demo community. */
export async function prepareCommunity(hearth: Hearth, config: Config): Promise<DemoCommunity | null> {
  const em = hearth.deps.orm.em.fork() as EntityManager;
  const empty = (await em.count(Member, {})) === 0;
  const now = hearth.deps.clock.now();
  if (config.adminEmail && config.adminPassword) {
    const admin = await ensureBootstrapAdmin(em, config.adminEmail, config.adminPassword, now);
    if (admin) hearth.deps.logger.info({ memberId: admin.id }, 'created the bootstrap admin');
  }
  if (!empty || !config.seedDemo) return null;
  return seedDemoCommunity(em, { ...DEMO_SIZE, now });
}
