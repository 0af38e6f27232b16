import { testDatabaseEnv } from '../test/db';
import { runSimulation, type SimulationOptions } from './simulate';

/**
 * Small communities through Hearth's real code (simulate.ts): the lift's 95 % interval covers the
 * known truth. Sizes are kept small for npm test's time (200 members, the rule on from day 7, H = 6
 * so that its first evaluation is measured by day 14); `npm run simulate:calibrate` runs 20 seeds
 * at a medium size.
 */
const SMALL: Omit<SimulationOptions, 'effect'> = {
  members: 200,
  weeks: 2,
  warmupWeeks: 1,
  horizonDays: 6,
  holdout: 30,
  seed: 1,
  concurrency: 32,
};

describe('npm run simulate', () => {
  it('with an effect: the truth is above 0 and the interval covers it', async () => {
    const { adminUrl, template } = testDatabaseEnv();
    const result = await runSimulation(adminUrl, { ...SMALL, template, effect: 1 });
    expect(result.summary.treated).toBeGreaterThan(50);
    expect(result.summary.heldOut).toBeGreaterThan(15);
    expect(result.trueLift).toBeGreaterThan(0.05);
    expect(result.summary.ciLow).toBeLessThanOrEqual(result.trueLift);
    expect(result.summary.ciHigh).toBeGreaterThanOrEqual(result.trueLift);
    expect(result.summary.covered).toBe(true);
    // Digests went out and members came back through their links.
    expect(result.withEffect.stats.clicked).toBeGreaterThan(0);
    expect(result.withEffect.stats.attributedVisits).toBeGreaterThan(0);
  }, 120_000);

  it('with --effect 0: the truth is exactly 0 and the interval covers 0', async () => {
    const { adminUrl, template } = testDatabaseEnv();
    const result = await runSimulation(adminUrl, { ...SMALL, template, effect: 0 });
    expect(result.withoutEffect).toBeNull();
    expect(result.trueLift).toBe(0);
    expect(result.summary.ciLow).toBeLessThanOrEqual(0);
    expect(result.summary.ciHigh).toBeGreaterThanOrEqual(0);
    expect(result.summary.covered).toBe(true);
  }, 120_000);
});
