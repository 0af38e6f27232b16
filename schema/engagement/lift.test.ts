import { estimateArm, estimateLift, minimumDetectableLift, normalQuantile, studentTQuantile } from './lift';

const single = (values: number[]) => values.map((value) => ({ selections: 1, outcomeSum: value }));

describe('the lift estimator', () => {
  it('is Welch’s interval when every member was selected once (values from scipy.stats.ttest_ind(equal_var=False))', () => {
    const lift = estimateLift(estimateArm(single([3, 1, 4, 1, 5])), estimateArm(single([2, 7, 1, 8])));
    expect(lift.lift).toBeCloseTo(-1.7, 12);
    expect(lift.degreesOfFreedom).toBeCloseTo(4.237723784152805, 9);
    expect(lift.interval!.low).toBeCloseTo(-6.940943228813271, 9);
    expect(lift.interval!.high).toBeCloseTo(3.540943228813271, 9);
  });

  it('counts a member selected several times as one unit of variance', () => {
    // Treated: A two selections (3 + 2 visit days), B one (2), C one (0); by hand:
    // mean 7/4; residuals 5 - 2 × 1.75 = 1.5, 0.25, -1.75; variance 3/2 × (2.25 + 0.0625 + 3.0625) / 4² = 0.50390625.
    const treated = estimateArm([
      { selections: 2, outcomeSum: 5 },
      { selections: 1, outcomeSum: 2 },
      { selections: 1, outcomeSum: 0 },
    ]);
    expect(treated).toEqual({ members: 3, selections: 4, mean: 1.75, variance: 0.50390625 });
    // Pretending the four selections were four members gives a smaller variance: the dependence matters.
    expect(estimateArm(single([3, 2, 2, 0])).variance).toBeCloseTo((1.25 ** 2 + 0.25 ** 2 + 0.25 ** 2 + 1.75 ** 2) / 3 / 4, 12);
    expect(estimateArm(single([3, 2, 2, 0])).variance!).toBeLessThan(treated.variance!);
  });

  it('has no interval with fewer than two members in an arm, and no relative lift over a zero baseline', () => {
    expect(estimateLift(estimateArm(single([2])), estimateArm(single([1, 0])))).toMatchObject({
      lift: 1.5,
      interval: null,
      relativeLift: 3,
    });
    expect(estimateLift(estimateArm(single([2, 1])), estimateArm(single([0, 0])))).toMatchObject({
      lift: 1.5,
      relativeLift: null,
      relativeInterval: null,
    });
    expect(estimateLift(estimateArm([]), estimateArm(single([0, 0]))).lift).toBeNull();
  });

  it('quantiles match the tables (scipy.stats.t.ppf, norm.ppf)', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 8);
    expect(studentTQuantile(0.975, 3.7)).toBeCloseTo(2.8675207071911895, 9);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0422724563012378, 9);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228138851986274, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 7);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 7);
  });

  it('minimum detectable lift: (z.975 + z.8) σ √(1/n₁ + 1/n₀)', () => {
    expect(minimumDetectableLift(2, 80, 20)).toBeCloseTo(1.4007926090564842, 9);
    expect(minimumDetectableLift(2, 80, 0)).toBeNull();
  });
});
