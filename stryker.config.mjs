// npm run test:mutation: mutation testing of the domain and the use cases against the unit tests.
// The score, the time it takes and every surviving mutant with why it is acceptable: docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['lib/domain/**/*.ts', 'lib/presence/**/*.ts', 'lib/send/**/*.ts', 'lib/session-recorder/**/*.ts', '!lib/domain/ports.ts'],
  // Each mutant runs only the tests that cover it.
  coverageAnalysis: 'perTest',
  // The CI machine and the team's have 2 cores.
  concurrency: 2,
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Below 85 % the run fails.
  thresholds: { high: 90, low: 85, break: 85 },
  ignorePatterns: ['cdk.out', 'reports', '.local-run', 'coverage', '.stryker-tmp'],
  // A rerun tests only the mutants whose code or tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
