/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.hearth/', '/test/bench/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.hearth/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 30000,
  // Jest's default on a 2-core machine (CI's) is one worker, and much of a suite's time is spent
  // waiting on PostgreSQL, Redis, Chromium and child processes: two workers ran npm test's suites in
  // 3m10s instead of 5m35s there. Each suite copies its own database from the template, so workers
  // never share rows; more than two would mostly add PostgreSQL connections, not speed.
  maxWorkers: 2,
};
