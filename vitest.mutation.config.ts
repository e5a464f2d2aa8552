/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`): the unit tests of lib/domain and
 * the stage folders (lib/presence, lib/send, lib/session-recorder). Integration tests start local services and would make a run take hours on 2 cores; the unit
 * tests of the CLI, the simulator and the CDK wiring do not exercise the mutated code and only slow each run.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: [
      'test/unit/explain*.test.ts',
      'test/unit/genesys-simulator.test.ts',
      'test/unit/event-bus.test.ts',
      'test/unit/event-pattern.test.ts',
      'test/unit/rule-patterns.test.ts',
      'test/unit/concurrency.test.ts',
      'test/unit/settings-docs.test.ts',
      'test/unit/setting-names.test.ts',
    ],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
})
