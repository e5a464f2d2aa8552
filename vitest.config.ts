/**
 * The test suite in four projects (docs/testing.md): `npm test` runs them all, `npm run test:unit` (and
 * `npx vitest run --project integration`, `infra`, `chaos`) one. The bench smoke test has its own config
 * (vitest.bench-smoke.config.ts, `npm run test:bench-smoke`).
 */
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'

/** Pure tests in and around the domain: no local service, no child process. */
const unit: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'unit',
    include: ['test/unit/**/*.test.ts', 'test/fuzz/events.fuzz.test.ts', 'test/fuzz/log-masking.fuzz.test.ts', 'test/fuzz/template.fuzz.test.ts'],
    // Nothing here keeps state between files: one module graph per worker saves re-importing it for each file.
    pool: 'threads',
    isolate: false,
  },
}

/**
 * Type tests (test/types/*.test-d.ts): checked by tsc, never executed. The summary reporter counts them apart
 * from the runtime tests; a failing one fails the run.
 */
const types: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'types',
    include: [],
    typecheck: { enabled: true, only: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './test/types/tsconfig.json' },
  },
}

/** The real handlers against the local cloud, the simulator and the CLI as a user runs it. */
const integration: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'integration',
    include: ['test/integration/**/*.test.ts', 'test/fuzz/handlers.fuzz.test.ts'],
  },
}

/** The synthesized CloudFormation templates. */
const infra: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'infra', include: ['test/infra/**/*.test.ts'] },
}

/** The delivery guarantees under injected faults: the whole local pipeline, several seeds and fault mixes. */
const chaos: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'chaos', include: ['test/chaos/**/*.test.ts'] },
}

export default defineConfig({
  test: {
    setupFiles: ['./test/setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [unit, types, integration, infra, chaos],
  },
})
