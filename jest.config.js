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
  testSequencer: '<rootDir>/test/sequencer.js',
  // Jest's runtime with a V8 code cache per worker: each test file compiled the whole server again.
  runtime: '<rootDir>/test/jest-runtime.js',
  testTimeout: 30000,
  // Jest's default on a 2-core machine (CI's) is one worker, and much of a suite's time is spent
  // waiting on PostgreSQL, Redis, Chromium and child processes: two workers left the cores a third
  // idle (8 min of CPU in 5m26s of jest); three ran the same 768 tests in 4m27s. Each suite copies
  // its own database from the template, so workers never share rows.
  maxWorkers: 3,
  // Each test file loads its own copy of the server, and a worker kept every copy it had run (1.2
  // to 1.3 GB of heap, about 2 GB RSS, by its last file): freeing that at exit took 0.55 to 0.75 s,
  // past the 0.5 s Jest allows, so Jest killed the worker and printed "A worker process has failed
  // to exit gracefully" in most runs. A worker above this much heap after a file is replaced (its
  // code cache, test/jest-runtime.js, starts again).
  workerIdleMemoryLimit: '800MB',
};
