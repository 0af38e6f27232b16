import { OwnPostgres } from './cluster';
import { Resources } from './hearth';
import { npmStartDrill } from './npm-start.drill';
import { postgresFreezeDrill, postgresKillDrill } from './postgres.drill';
import { redisKillDrill } from './redis.drill';
import { sigtermDrill } from './sigterm.drill';
import { smtpDownDrill, workerKillDrill } from './worker.drill';

export interface DrillResult {
  ok: boolean;
  /** One line of figures: requests tried, answered, lost, recovery seconds... */
  figures: string;
}

type Drill = (cluster: OwnPostgres, resources: Resources) => Promise<DrillResult>;

/**
 * `npm run drills [name…]`: every fault drill of issue 23 against real processes (dist/server/*.js,
 * `npm start`) and services of their own (a PostgreSQL cluster, redis-servers, an SMTP sink), one
 * line per drill with its figures; exits 1 when one fails.
 */
const DRILLS: [string, Drill][] = [
  ['postgres-kill', postgresKillDrill],
  ['postgres-freeze', postgresFreezeDrill],
  ['redis-kill', redisKillDrill],
  ['sigterm', sigtermDrill],
  ['worker-kill', workerKillDrill],
  ['smtp-down', smtpDownDrill],
  ['npm-start', npmStartDrill],
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !DRILLS.some(([known]) => known === name));
  if (unknown.length) throw new Error(`unknown drill(s) ${unknown.join(', ')}; drills: ${DRILLS.map(([name]) => name).join(', ')}`);
  const chosen = DRILLS.filter(([name]) => !wanted.length || wanted.includes(name));
  const cluster = await OwnPostgres.create();
  let failed = 0;
  try {
    for (const [name, drill] of chosen) {
      const started = Date.now();
      const resources = new Resources();
      let result: DrillResult;
      try {
        result = await drill(cluster, resources);
      } catch (error) {
        result = { ok: false, figures: `error: ${error instanceof Error ? error.message : String(error)}` };
      } finally {
        await resources.release();
      }
      // A drill that froze or killed the cluster leaves it running for the next one.
      cluster.thaw();
      if (!cluster.processes().length) await cluster.start();
      if (!result.ok) failed++;
      console.log(
        `${result.ok ? 'PASS' : 'FAIL'} ${name.padEnd(16)} ${`${Math.round((Date.now() - started) / 1000)} s`.padStart(5)}  ${result.figures}`,
      );
    }
  } finally {
    await cluster.destroy();
  }
  console.log(failed ? `${failed} of ${chosen.length} drills failed` : `all ${chosen.length} drills passed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
