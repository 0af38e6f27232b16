import type { EntityManager } from '@mikro-orm/postgresql';
import { textArray } from '../server/db/sql';
import type { Config } from '../server/env';
import { DEMO_PASSWORD, DEMO_SIZE, demoLogins, type DemoLogin } from './demo-community';

export interface DemoAccess {
  password: string;
  logins: DemoLogin[];
}

/**
 * The demo logins this database has (those of the default demo community), so the start banner
 * and the landing page show them on every start, not only the one that seeded. Never in production.
 */
export async function demoAccess(em: EntityManager, config: Pick<Config, 'nodeEnv'>): Promise<DemoAccess | null> {
  if (config.nodeEnv === 'production') return null;
  const logins = demoLogins(DEMO_SIZE);
  const rows = await em.execute<{ email: string }[]>('select email from member where email = any(?::text[])', [
    textArray(logins.map((login) => login.email)),
  ]);
  const present = new Set(rows.map((row) => row.email));
  const found = logins.filter((login) => present.has(login.email));
  return found.length ? { password: DEMO_PASSWORD, logins: found } : null;
}
