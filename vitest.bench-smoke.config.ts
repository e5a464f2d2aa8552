/**
 * `npm run test:bench-smoke`: the benchmarks run at their smallest sizes as a user runs them, and their helpers.
 * Apart from `npm test` because it bundles the functions and starts many local clouds; CI runs both.
 */
import { defineConfig } from 'vitest/config'
import { shared } from './vitest.config.ts'

export default defineConfig({
  test: {
    ...shared,
    name: 'bench-smoke',
    include: ['test/bench/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
})
