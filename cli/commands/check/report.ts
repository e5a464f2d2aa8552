/** The text report of `proactive check`: one line per step, the fix under a FAIL or SKIP, and the totals. */
import type { CheckStep, StepStatus } from './step.ts'

export function renderSteps(steps: readonly CheckStep[]): string[] {
  const width = Math.max(...steps.map((s) => s.step.length))
  const lines: string[] = []
  for (const step of steps) {
    lines.push(`${step.status.padEnd(4)}  ${step.step.padEnd(width)} — ${step.detail}`)
    if (step.fix && step.status !== 'PASS') lines.push(`      ${''.padEnd(width)}   fix: ${step.fix}`)
  }
  const count = (status: StepStatus) => steps.filter((s) => s.status === status).length
  lines.push('', `${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped. No message was sent.`)
  return lines
}
