import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runSimulation, simulationDatabase, type SimulationOptions, type SimulationResult } from './simulate';

/**
 * `npm run simulate:calibrate [-- --seeds 20 --members 600 --weeks 6 --out simulator/CALIBRATION.md]`
 *
 * 1. Coverage: with a known effect, the 95 % interval covers the true lift in at least 17 of 20 seeds.
 * 2. Null: with effect 0, at most 2 of 20 intervals exclude 0.
 * 3. Power: with the effect set so that the first evaluation's true lift is the minimum detectable
 *    lift the preview stated, the first evaluation's interval excludes 0 in about 80 % of seeds.
 *    The effect is a multiplier, the MDE is in visit days: pilot seeds (1000 to 1000 + pilots - 1)
 *    measure the true first-evaluation lift of a known multiplier and the multiplier is scaled to
 *    their mean MDE (the lift is close to linear in it while p × (1 + effect) stays below 1); one
 *    seed's true lift is itself a draw (which members the effect happens to bring back), so the
 *    pilots' mean is used. The report gives the true lifts reached.
 *
 * The report is rewritten after every run, so an interrupted calibration still leaves its results;
 * the checks take turns seed by seed (after the power check's pilot), so they get as far as each other.
 */
interface Row {
  seed: number;
  result: SimulationResult;
}

function args() {
  const flags = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) flags.set(argv[i].replace(/^--/, ''), argv[i + 1]);
  const number = (name: string, fallback: number) => (flags.has(name) ? Number(flags.get(name)) : fallback);
  return {
    seeds: number('seeds', 20),
    pilotSeeds: number('pilots', 3),
    effect: number('effect', 0.3),
    base: {
      members: number('members', 600),
      weeks: number('weeks', 6),
      warmupWeeks: number('warmup', 2),
      horizonDays: number('horizon', 7),
      holdout: number('holdout', 30),
      concurrency: number('concurrency', 32),
    },
    only: flags.get('only')?.split(',') ?? ['coverage', 'null', 'power'],
    out: flags.get('out') ?? path.join('simulator', 'CALIBRATION.md'),
  };
}

/** The multiplier the power check's pilots run with. */
const PILOT_EFFECT = 1.2;

const f = (value: number | null | undefined) => (value == null ? '—' : value.toFixed(3));

function table(rows: Row[], firstRound: boolean): string[] {
  return [
    '| seed | true lift | estimate | 95 % interval | covers truth | excludes 0 | treated / held out | seconds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(({ seed, result }) => {
      const stats = firstRound ? result.withEffect.firstRound : result.withEffect.stats;
      const truth = firstRound ? result.trueFirstRoundLift : result.trueLift;
      const ci = stats.liftConfidenceInterval;
      const covers = ci && ci.low <= truth && truth <= ci.high;
      const excludes = ci && (ci.low > 0 || ci.high < 0);
      return `| ${seed} | ${f(truth)} | ${f(stats.lift)} | ${f(ci?.low)} to ${f(ci?.high)} | ${covers ? 'yes' : 'no'} | ${excludes ? 'yes' : 'no'} | ${stats.treatedSelections} / ${stats.heldOutSelections} | ${result.seconds.toFixed(0)} |`;
    }),
  ];
}

async function main() {
  const { seeds, pilotSeeds, effect, base, only, out } = args();
  const database = await simulationDatabase();
  const coverage: Row[] = [];
  const nulls: Row[] = [];
  const power: Row[] = [];
  let powerEffect: number | null = null;
  const pilots: SimulationResult[] = [];
  const started = new Date();
  const write = async (note: string) => {
    const covered = coverage.filter((row) => row.result.summary.covered).length;
    const falsePositives = nulls.filter((row) => row.result.summary.ciLow! > 0 || row.result.summary.ciHigh! < 0).length;
    const detected = power.filter(({ result }) => {
      const ci = result.withEffect.firstRound.liftConfidenceInterval;
      return ci && (ci.low > 0 || ci.high < 0);
    }).length;
    const mdes = power.map((row) => row.result.withEffect.minimumDetectableLift.absolute as number);
    const lines = [
      '# Calibration of the lift estimator (`npm run simulate:calibrate`)',
      '',
      `Started ${started.toISOString()}; ${note}. Each run: ${base.members} members, ${base.weeks} weeks (rule from week ${base.warmupWeeks + 1}), ` +
        `INACTIVITY(7), ${base.holdout} % held out, H = ${base.horizonDays} days, through Hearth's real code (see README, "The simulator").`,
      '',
      '| check | target | result |',
      '| --- | --- | --- |',
      `| coverage, effect ${effect} | interval covers the truth in ≥ 17 of 20 | ${covered} of ${coverage.length} |`,
      `| null, effect 0 | interval excludes 0 in ≤ 2 of 20 | ${falsePositives} of ${nulls.length} |`,
      `| power at the minimum detectable lift (first evaluation) | excludes 0 in about 80 % | ${power.length ? `${detected} of ${power.length} (${Math.round((100 * detected) / power.length)} %)` : '—'} |`,
      '',
      `## Coverage (effect ${effect}; all measured selections)`,
      '',
      ...table(coverage, false),
      '',
      '## Null (effect 0: the truth is exactly 0)',
      '',
      ...table(nulls, false),
      '',
      '## Power at the minimum detectable lift',
      '',
      pilots.length
        ? `Pilots (seeds ${pilots.map((pilot) => pilot.options.seed).join(', ')}, effect ${PILOT_EFFECT}): first-evaluation true lifts ${pilots.map((pilot) => f(pilot.trueFirstRoundLift)).join(', ')}, ` +
          `previews' MDE ${pilots.map((pilot) => f(pilot.withEffect.minimumDetectableLift.absolute)).join(', ')}: effect set to ${f(powerEffect)}.`
        : 'Not run yet.',
      mdes.length
        ? `Mean MDE stated by the previews: ${f(mdes.reduce((a, b) => a + b, 0) / mdes.length)} visit days; mean true lift reached: ${f(power.reduce((a, row) => a + row.result.trueFirstRoundLift, 0) / power.length)}.`
        : '',
      '',
      ...table(power, true),
      '',
    ];
    await writeFile(out, lines.join('\n'));
  };
  const run = async (rows: Row[], seed: number, options: Omit<SimulationOptions, 'seed'>) => {
    const result = await runSimulation(database.adminUrl, { ...options, seed, redisUrl: database.redisUrl });
    rows.push({ seed, result });
    console.error(`seed ${seed}, effect ${options.effect}: ${JSON.stringify(result.summary)} (${result.seconds.toFixed(0)} s)`);
    await write('in progress');
  };
  try {
    if (only.includes('power')) {
      for (let seed = 1000; seed < 1000 + pilotSeeds; seed++) {
        pilots.push(await runSimulation(database.adminUrl, { ...base, effect: PILOT_EFFECT, seed, redisUrl: database.redisUrl }));
        console.error(
          `pilot ${seed}: true first-evaluation lift ${pilots.at(-1)!.trueFirstRoundLift}, MDE ${pilots.at(-1)!.withEffect.minimumDetectableLift.absolute}`,
        );
      }
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      powerEffect =
        (PILOT_EFFECT * mean(pilots.map((pilot) => pilot.withEffect.minimumDetectableLift.absolute as number))) /
        mean(pilots.map((pilot) => pilot.trueFirstRoundLift));
    }
    // Seed by seed across the checks, so that a calibration cut short has run all three as far.
    for (let seed = 1; seed <= seeds; seed++) {
      if (only.includes('coverage')) await run(coverage, seed, { ...base, effect });
      if (only.includes('null')) await run(nulls, seed, { ...base, effect: 0 });
      if (powerEffect !== null) await run(power, seed, { ...base, effect: powerEffect });
    }
    await write('finished');
  } finally {
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
