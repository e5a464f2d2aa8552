/** The `adaptive` bench scenario: the competing consumer and the limit changes, their targets and chart. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { sendRateChart } from './chart.ts'
import { runCompeting, runLimitChange, type CompetingResult, type LimitChangeResult } from './scenarios/pacing-adaptive.ts'

export interface AdaptiveSizes {
  readonly workers: number
  readonly budgetPerMinute: number
  readonly competing: { readonly share: number; readonly backlog: number }
  readonly limitChanges: readonly { readonly newLimit: number; readonly backlog: number; readonly changeAfterMs: number }[]
}

type TargetFn = (scenario: 'adaptive', name: string, goal: string, value: number | undefined, met: boolean) => void

const percent = (share: number): string => `${Math.round(share * 100)} %`

export async function runAdaptive(sizes: AdaptiveSizes, report: Record<string, unknown>, target: TargetFn, log: (line: string) => void, chart: string | undefined): Promise<void> {
  log(`adaptive pacing: a competing consumer taking ${percent(sizes.competing.share)}, ${sizes.workers} workers…`)
  const competing = await runCompeting({ workers: sizes.workers, budgetPerMinute: sizes.budgetPerMinute, backlog: sizes.competing.backlog, share: sizes.competing.share })
  report.competing = competing
  const name = `competing consumer at ${percent(competing.share)}`
  target('adaptive', `${name}: rate ÷ remaining limit`, '≥ 0.90', competing.rateOverRemaining, competing.rateOverRemaining >= 0.9)
  target('adaptive', `${name}: 429 share`, '< 0.01', competing.share429, competing.share429 < 0.01)

  const changes: LimitChangeResult[] = []
  for (const change of sizes.limitChanges) {
    log(`adaptive pacing: the limit changed mid-run to ${change.newLimit} a window, ${sizes.workers} workers…`)
    const result = await runLimitChange({ workers: sizes.workers, budgetPerMinute: sizes.budgetPerMinute, ...change })
    changes.push(result)
    const which = `limit changed mid-run ${result.oldLimit} → ${result.newLimit}`
    target('adaptive', `${which}: windows to follow`, '≤ 1', result.windowsToFollow, result.windowsToFollow !== undefined && result.windowsToFollow <= 1)
    target('adaptive', `${which}: 429 share`, '< 0.01', result.share429, result.share429 < 0.01)
  }
  report.limitChanges = changes

  if (chart) {
    mkdirSync(dirname(chart), { recursive: true })
    for (const [i, result] of changes.entries()) {
      writeFileSync(
        join(dirname(chart), `limit-change-${i + 1}.svg`),
        sendRateChart({
          title: `Send rate against the reported limit: ${result.oldLimit} → ${result.newLimit} per ${result.windowMs / 1000} s window`,
          series: [{ label: `${result.workers} send workers`, perSecond: result.perSecond }],
          budgetPerSecond: sizes.budgetPerMinute / 60,
          headroom: 0.95,
          limitPerSecond: result.limitPerSecond,
        }),
      )
    }
  }
}

/** The report's table rows for this scenario: figure, reference and ratio. */
export function adaptiveRows(competing: CompetingResult | undefined, changes: readonly LimitChangeResult[] | undefined): [string, string, string, string][] {
  const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '–' : value.toFixed(digits))
  const rows: [string, string, string, string][] = []
  if (competing) {
    rows.push([
      `competing consumer ${percent(competing.share)}`,
      `${fixed(competing.steadyPerSecond, 2)} req/s, 429s ${competing.rateLimited}/${competing.requests}`,
      `what is left of the reported limit`,
      fixed(competing.rateOverRemaining, 3),
    ])
  }
  for (const change of changes ?? []) {
    rows.push([
      `limit ${change.oldLimit} → ${change.newLimit} mid-run`,
      `accepted per window ${change.acceptedPerWindow.join(', ')} (changed in window ${change.changeWindow + 1}), 429s ${change.rateLimited}/${change.requests}`,
      `reset window ${fixed(change.windowMs / 1000, 0)} s`,
      `${fixed(change.windowsToFollow, 2)} windows`,
    ])
  }
  return rows
}
