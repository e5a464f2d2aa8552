import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints the closing line CI reads: `Tests: N passed, N failed, N skipped`. Type tests (vitest typecheck mode:
 * checked by tsc, never run) are reported on their own line and not counted as passed runtime tests; a failed
 * type test is counted as failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    const types = { passed: 0, failed: 0 }
    for (const module of testModules) {
      const tests = [...module.children.allTests()]
      for (const test of tests) {
        const state = test.result().state
        if (test.meta().typecheck === true) {
          if (state === 'passed') types.passed++
          else if (state === 'failed') types.failed++
          continue
        }
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      // The file failed to load, or a hook failed and its tests were skipped: a failure, not skips.
      if (module.state() === 'failed' && !tests.some((test) => test.result().state === 'failed')) failed++
    }
    failed += unhandledErrors.length + types.failed
    if (types.passed + types.failed > 0) process.stdout.write(`\nType tests (tsc, not run): ${types.passed} passed, ${types.failed} failed\n`)
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
