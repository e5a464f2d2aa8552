/**
 * The test suite in projects (docs/testing.md): `npm test` runs them all; `npm run test:unit` or
 * `npx vitest run --project integration` (types, infra, chaos) one. The bench smoke test runs on its own
 * (vitest.bench-smoke.config.ts, `npm run test:bench-smoke`).
 */
import { availableParallelism } from 'node:os'
import { defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config'

/** What every project and the bench smoke config share. */
export const shared = {
  setupFiles: ['./test/setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 30_000,
  pool: 'forks',
} satisfies NonNullable<ViteUserConfig['test']>

/** The local clouds of one test file share their dynalite and SQS (test/support/shared-local-services.ts). */
const SHARED_LOCAL_SERVICES = './test/support/shared-local-services.ts'

/** Unit files that replace a module with `vi.mock`: a mock needs a module graph of its own, so each file is isolated. */
const MOCKING_UNIT_FILES = ['test/unit/settings-registry.test.ts']

/** Pure tests in and around the domain: no local service, no child process. */
const unit: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'unit',
    include: ['test/unit/**/*.test.ts', 'test/fuzz/events.fuzz.test.ts', 'test/fuzz/log-masking.fuzz.test.ts', 'test/fuzz/template.fuzz.test.ts'],
    exclude: MOCKING_UNIT_FILES,
    // Nothing here keeps state between files: one module graph per worker instead of one per file.
    pool: 'threads',
    isolate: false,
  },
}

const unitIsolated: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'unit-isolated', include: MOCKING_UNIT_FILES, pool: 'threads', isolate: true },
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
    setupFiles: [SHARED_LOCAL_SERVICES],
    // A test here runs a pipeline on real timers: room for a machine busy with other work.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
}

/** The synthesized CloudFormation templates. */
const infra: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'infra',
    include: ['test/infra/**/*.test.ts'],
    // One aws-cdk-lib and one stack module graph per worker instead of one per file; every test builds its own
    // App. Forks, not threads: bundling.test.ts runs esbuild with the process's stdio.
    isolate: false,
  },
}

/** The delivery guarantees under injected faults: the whole local pipeline, several seeds and fault mixes. */
const chaos: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: 'chaos', include: ['test/chaos/**/*.test.ts'], setupFiles: [SHARED_LOCAL_SERVICES] },
}

export default defineConfig({
  test: {
    ...shared,
    reporters: ['default', './test/summary-reporter.ts'],
    // One worker more than cores (vitest's default is one fewer: a single worker on CI's 2 cores). Most local
    // cloud tests wait on timers and local services rather than compute.
    maxWorkers: availableParallelism() + 1,
    projects: [unit, unitIsolated, types, integration, infra, chaos],
  },
})
