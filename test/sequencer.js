// The order Jest starts test files in (jest.config.js `testSequencer`).
//
// Jest starts the files that took longest last time first, so no long one starts last. On a fresh
// clone (CI) it has no durations yet and starts the largest files first instead; the simulator's
// (a small file, 45 s of two cores) then started last and ran alone for most of a minute. These
// files, the longest on 2 cores, go first, in this order; the rest keep Jest's order. A file
// missing from the list only loses that head start.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = [
  'simulator/simulate.test.ts',
  'test/admin/console.test.ts',
  'test/shutdown.test.ts',
  'client/package.test.ts',
  'schema/pages/pages.test.ts',
  'schema/engagement/digest.test.ts',
  'schema/live/reminders/session-reminders.test.ts',
  'test/admin/moderation.test.ts',
  'schema/analytics/visit-day-rollup.test.ts',
  'server/db/embedded.test.ts',
  'schema/analytics/content-view-day.test.ts',
  'test/authorization.test.ts',
  'schema/engagement/digest-batch.test.ts',
  'test/worker.test.ts',
  'test/realtime.test.ts',
];

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const index = LONGEST_FIRST.indexOf(path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/'));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the files not listed keep the order Jest chose.
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
