/**
 * `npm run bench`: every benchmark scenario in the local cloud, printed as a table; `-- --json` makes the last
 * line of standard output one JSON object with each figure. `--quick` runs tiny sizes (the smoke test's),
 * `--only=fanout,trigger-cost,pacing,adaptive,latency,storm,coldstart` a subset, `--chart=path.svg` writes the send-rate chart of the
 * pacing runs there and the login storm's as login-storm.svg beside it (a full run writes them to
 * docs/benchmarks/ unless `--chart=none`).
 * What each scenario measures and why: docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, platform, release, arch } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sendRateChart } from './chart.ts'
import { runColdStart, type ColdStartResult } from './scenarios/coldstart.ts'
import { MAX_OUTBOX_REQUESTS } from '#lib/presence/fan-out.ts'
import { runFanOut, type FanOutResult } from './scenarios/fanout.ts'
import { runTriggerCost, type TriggerCostResult } from './scenarios/trigger-cost.ts'
import { runLatency, type LatencyResult } from './scenarios/latency.ts'
import { runPacing, type PacingResult } from './scenarios/pacing.ts'
import { adaptiveRows, runAdaptive, type AdaptiveSizes } from './adaptive.ts'
import type { CompetingResult, LimitChangeResult } from './scenarios/pacing-adaptive.ts'
import { runStorm, stormSendWorkers, type StormResult } from './scenarios/storm.ts'
import { round } from './stats.ts'

export const SCENARIOS = ['fanout', 'trigger-cost', 'pacing', 'adaptive', 'latency', 'storm', 'coldstart'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export interface BenchSizes {
  readonly fanOutN: readonly number[]
  /** Sessions of distinct customers in the window, for the cost of one trigger. */
  readonly triggerCostSessions: readonly number[]
  readonly pacing: { readonly workers: readonly number[]; readonly budgetPerMinute: number; readonly backlog: number }
  /** Adaptive pacing: a competing consumer on the same OAuth client, and the limit changed mid-run. */
  readonly adaptive: AdaptiveSizes
  readonly latencyTriggers: number
  /** Send workers: what the stack deploys for the budget (bench/scenarios/storm.ts, `stormSendWorkers`). */
  readonly storm: { readonly agents: number; readonly conversations: number; readonly customers: number; readonly budgetPerMinute: number }
  readonly coldStartRuns: number
}

export const FULL: BenchSizes = {
  fanOutN: [1_000, 10_000],
  triggerCostSessions: [100, 1_000, 10_000, 50_000],
  pacing: { workers: [1, 2, 4], budgetPerMinute: 1_200, backlog: 480 },
  adaptive: {
    workers: 2,
    budgetPerMinute: 1_200,
    competing: { share: 0.3, backlog: 480 },
    limitChanges: [
      { newLimit: 450, backlog: 1_100, changeAfterMs: 8_000 },
      { newLimit: 200, backlog: 480, changeAfterMs: 8_000 },
    ],
  },
  latencyTriggers: 200,
  storm: { agents: 200, conversations: 5_000, customers: 3_000, budgetPerMinute: 1_800 },
  coldStartRuns: 5,
}

export const QUICK: BenchSizes = {
  fanOutN: [20, 100],
  triggerCostSessions: [20, 100],
  pacing: { workers: [1, 2, 4], budgetPerMinute: 1_200, backlog: 60 },
  adaptive: { workers: 2, budgetPerMinute: 1_200, competing: { share: 0.3, backlog: 40 }, limitChanges: [{ newLimit: 450, backlog: 120, changeAfterMs: 1_000 }] },
  latencyTriggers: 8,
  storm: { agents: 8, conversations: 80, customers: 50, budgetPerMinute: 1_800 },
  coldStartRuns: 1,
}

export interface Target {
  readonly scenario: ScenarioName
  readonly name: string
  readonly target: string
  readonly value: number | undefined
  readonly met: boolean
}

export interface BenchReport {
  readonly command: string
  readonly quick: boolean
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly os: string; readonly node: string }
  readonly startedAt: string
  readonly durationSeconds: number
  readonly fanOut?: FanOutResult[]
  readonly triggerCost?: TriggerCostResult
  readonly pacing?: (Omit<PacingResult, 'perSecond'> & { perSecond: number[] })[]
  readonly competing?: CompetingResult
  readonly limitChanges?: LimitChangeResult[]
  readonly latency?: LatencyResult
  readonly storm?: Omit<StormResult, 'rates'> & { perSecond: number[]; steadyPerSecond: number }
  /** The same storm under MAX_MESSAGES_PER_TRIGGER=agent-capacity (the default). */
  readonly stormAgentCapacity?: Omit<StormResult, 'rates'> & { perSecond: number[]; steadyPerSecond: number }
  readonly coldStart?: ColdStartResult
  readonly targets: Target[]
}

export function parseArgs(argv: readonly string[]): { json: boolean; quick: boolean; only: ScenarioName[]; chart: string | undefined } {
  const value = (name: string): string | undefined => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)
  const only = (value('only')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...SCENARIOS]) as ScenarioName[]
  for (const name of only) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}: use ${SCENARIOS.join(', ')}`)
  const quick = argv.includes('--quick')
  const chartArg = value('chart')
  const chart = chartArg === 'none' ? undefined : (chartArg ?? (quick ? undefined : resolve(dirname(fileURLToPath(import.meta.url)), '../docs/benchmarks/send-rate.svg')))
  return { json: argv.includes('--json'), quick, only, chart }
}

export async function runBench(options: { quick: boolean; only: readonly ScenarioName[]; chart?: string; log?: (line: string) => void }): Promise<BenchReport> {
  const sizes = options.quick ? QUICK : FULL
  const log = options.log ?? (() => {})
  const started = Date.now()
  const targets: Target[] = []
  const target = (scenario: ScenarioName, name: string, goal: string, value: number | undefined, met: boolean): void => {
    targets.push({ scenario, name, target: goal, value: value === undefined ? undefined : round(value, 4), met })
  }
  const report: Record<string, unknown> = {}

  if (options.only.includes('fanout')) {
    const results: FanOutResult[] = []
    for (const n of sizes.fanOutN) {
      log(`fan-out: N = ${n}…`)
      results.push(await runFanOut({ n, log }))
    }
    report.fanOut = results
    const largest = results.at(-1)
    if (largest) {
      target('fanout', `recipients/s at N = ${largest.n}`, '≥ 2000', largest.recipientsPerSecond, largest.recipientsPerSecond >= 2_000)
      // Like for like: the presence function's targeting (index Query + selectRecipients) against the same
      // targeting by Scan. Fan-out ÷ Scan (r.ratio) sets N publishes against a read-only Scan, and is reported only.
      // Judged over the largest table, where the agent holds 2% (docs/benchmarks.md, Findings); the 10% table's
      // ratio is in the table beside it.
      target(
        'fanout',
        `Scan targeting time ÷ index Query targeting time at N = ${largest.n} (table ${largest.tableItems} items, agent ${pct(largest.agentShare, 0)})`,
        '≥ 10',
        largest.targetingRatio,
        largest.targetingRatio >= 10,
      )
    }
    for (const r of results) {
      const largestFanOut = Math.min(r.n, MAX_OUTBOX_REQUESTS)
      target('fanout', `the largest fan-out one trigger makes requested at N = ${r.n}`, `= ${largestFanOut}`, r.requested, r.requested === largestFanOut)
    }
  }

  if (options.only.includes('trigger-cost')) {
    const result = await runTriggerCost({ sizes: sizes.triggerCostSessions, log })
    report.triggerCost = result
    const queue = (n: number) => result.perTrigger.find((cost) => cost.scope === 'queue' && cost.sessions === n)
    const largestN = sizes.triggerCostSessions.at(-1) as number
    const smallN = sizes.triggerCostSessions.find((n) => n >= 1_000) ?? (sizes.triggerCostSessions[0] as number)
    const label = (n: number) => n.toLocaleString('en-US')
    const largest = queue(largestN)
    target('trigger-cost', `trigger cost, queue scope, ${label(largestN)} sessions: DynamoDB requests per trigger`, '≤ 40', largest?.dynamodbRequests, (largest?.dynamodbRequests ?? Infinity) <= 40)
    target('trigger-cost', `trigger cost, queue scope, ${label(largestN)} sessions: read units per trigger`, '≤ 100', largest?.readUnits, (largest?.readUnits ?? Infinity) <= 100)
    const growth = largest && queue(smallN) ? largest.dynamodbRequests / (queue(smallN) as { dynamodbRequests: number }).dynamodbRequests : undefined
    target('trigger-cost', `trigger cost growth, queue scope, ${label(smallN)} to ${label(largestN)} sessions`, '≤ 1.5', growth, (growth ?? Infinity) <= 1.5)
    target('trigger-cost', 'two agents at the same instant: distinct customers requested', '= 6', result.concurrent.distinctCustomers, result.concurrent.distinctCustomers === 6)
  }

  if (options.only.includes('pacing')) {
    const results: PacingResult[] = []
    for (const workers of sizes.pacing.workers) {
      log(`pacing: ${workers} send worker(s)…`)
      results.push(await runPacing({ workers, budgetPerMinute: sizes.pacing.budgetPerMinute, backlog: sizes.pacing.backlog }))
    }
    report.pacing = results
    for (const r of results) {
      target('pacing', `rate ÷ budget, ${r.workers} worker(s)`, '≥ 0.90', r.rateOverBudget, r.rateOverBudget >= 0.9)
      target('pacing', `429 share, ${r.workers} worker(s)`, '< 0.01', r.share429, r.share429 < 0.01)
      target('pacing', `rate ÷ reported limit, ${r.workers} worker${r.workers > 1 ? 's' : ''}`, '≥ 0.97', r.rateOverReportedLimit, r.rateOverReportedLimit >= 0.97)
      target('pacing', `429 share (adaptive), ${r.workers} worker${r.workers > 1 ? 's' : ''}`, '< 0.005', r.share429, r.share429 < 0.005)
    }
    if (options.chart) {
      mkdirSync(dirname(options.chart), { recursive: true })
      writeFileSync(
        options.chart,
        sendRateChart({
          title: `Send rate against the budget (${sizes.pacing.budgetPerMinute}/min, simulator limit counted per OAuth client)`,
          series: results.map((r) => ({ label: `${r.workers} send worker${r.workers > 1 ? 's' : ''}`, perSecond: r.perSecond })),
          budgetPerSecond: sizes.pacing.budgetPerMinute / 60,
          headroom: results[0]?.headroom ?? 0.95,
        }),
      )
    }
  }

  if (options.only.includes('adaptive')) await runAdaptive(sizes.adaptive, report, target, log, options.chart)

  if (options.only.includes('latency')) {
    log(`latency: ${sizes.latencyTriggers} triggers…`)
    const latency = await runLatency({ triggers: sizes.latencyTriggers })
    report.latency = latency
    // Agents with no conversation in the generated workload trigger nothing: they give no sample.
    target('latency', `triggers measured (of ${latency.triggers}; agents with recipients)`, '> 0', latency.samples, latency.samples > 0)
  }

  if (options.only.includes('storm')) {
    log(
      `login storm: ${sizes.storm.agents} agents over ${sizes.storm.conversations} sessions, ${stormSendWorkers(sizes.storm.budgetPerMinute)} send workers (the stack's for ${sizes.storm.budgetPerMinute}/min)…`,
    )
    // No limit: every eligible customer in one trigger (the limit is above any agent's customers).
    const { rates, ...storm } = await runStorm({ ...sizes.storm, maxMessagesPerTrigger: String(sizes.storm.customers) })
    report.storm = { ...storm, perSecond: rates.perSecond, steadyPerSecond: rates.steadyPerSecond }
    log('login storm under the defaults (MAX_MESSAGES_PER_TRIGGER=agent-capacity, the simulator answers 4)…')
    const { rates: limitedRates, ...limited } = await runStorm({ ...sizes.storm, maxMessagesPerTrigger: 'agent-capacity' })
    report.stormAgentCapacity = { ...limited, perSecond: limitedRates.perSecond, steadyPerSecond: limitedRates.steadyPerSecond }
    target('storm', 'agent-capacity: duplicate recipients', '= 0', limited.duplicates, limited.duplicates === 0)
    target('storm', 'agent-capacity: customers messaged who were not eligible', '= 0', limited.unexpected, limited.unexpected === 0)
    // An eligible customer not messaged was deferred by at least one trigger (a customer can be deferred by several).
    target('storm', 'agent-capacity: eligible customers not messaged, at most the deferrals', `≤ ${limited.deferred}`, limited.missing, limited.missing <= limited.deferred)
    if (options.chart) {
      mkdirSync(dirname(options.chart), { recursive: true })
      writeFileSync(
        join(dirname(options.chart), 'login-storm.svg'),
        sendRateChart({
          title: `Login storm: ${storm.agents} agents, ${storm.messaged} recipients, budget ${storm.budgetPerMinute}/min`,
          series: [{ label: `${storm.workers} send workers`, perSecond: rates.perSecond }],
          budgetPerSecond: storm.budgetPerMinute / 60,
          headroom: 0.95,
        }),
      )
    }
    target('storm', 'drain time ÷ floor', '≤ 1.03', storm.drainOverFloor, storm.drainOverFloor <= 1.03)
    target('storm', 'duplicate recipients', '= 0', storm.duplicates, storm.duplicates === 0)
    target('storm', 'eligible customers not messaged', '= 0', storm.missing, storm.missing === 0)
    target('storm', 'customers messaged who were not eligible', '= 0', storm.unexpected, storm.unexpected === 0)
  }

  if (options.only.includes('coldstart')) {
    log(`cold start: bundling as the CDK stack does, ${sizes.coldStartRuns} import run(s) each…`)
    const coldStart = await runColdStart({ runs: sizes.coldStartRuns })
    report.coldStart = coldStart
    const presence = coldStart.functions.find((f) => f.function === 'presence')
    if (presence) target('coldstart', 'presence bundle bytes', '< 1,000,000', presence.cdk.bytes, presence.cdk.bytes < 1_000_000)
    for (const f of coldStart.functions) target('coldstart', `${f.function}: esbuild mirror identical to the CDK build`, 'true', f.mirrorIdentical ? 1 : 0, f.mirrorIdentical)
  }

  return {
    command: `npm run bench --${options.quick ? ' --quick' : ''}${options.only.length < SCENARIOS.length ? ` --only=${options.only.join(',')}` : ''}`.replace(/ --$/, ''),
    quick: options.quick,
    machine: machine(),
    startedAt: new Date(started).toISOString(),
    durationSeconds: round((Date.now() - started) / 1000, 1),
    ...report,
    targets,
  } as BenchReport
}

function machine(): BenchReport['machine'] {
  const list = cpus()
  return { cpu: list[0]?.model.trim() ?? 'unknown', cores: list.length, memoryGb: round(totalmem() / 2 ** 30, 1), os: `${platform()} ${release()} ${arch()}`, node: process.version }
}

// ------------------------------------------------------------------------------------------ the table

const fmt = (value: number | undefined, digits = 0): string =>
  value === undefined || Number.isNaN(value) ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const pct = (value: number, digits = 2): string => `${(value * 100).toFixed(digits)}%`
const kb = (bytes: number): string => `${fmt(bytes / 1024)} KiB`

export function formatTable(report: BenchReport): string {
  const rows: [string, string, string, string][] = [['scenario', 'figure', 'reference', 'ratio']]
  for (const c of report.triggerCost?.perTrigger ?? []) {
    rows.push([
      `trigger cost, ${c.scope} scope, ${fmt(c.sessions)} sessions`,
      `${fmt(c.dynamodbRequests)} DynamoDB requests, ${fmt(c.readUnits, 1)} RCU, ${fmt(c.writeUnits, 1)} WCU, ${fmt(c.genesysCalls)} Genesys calls, ${fmt(c.latencyMs)} ms, ${fmt(c.requested)} requested`,
      'targets: queue scope ≤ 40 requests, ≤ 100 RCU',
      '',
    ])
  }
  if (report.triggerCost) rows.push(['two agents at the same instant (10 customers, limit 3)', `${report.triggerCost.concurrent.distinctCustomers} distinct customers requested`, '= 6', ''])
  for (const r of report.fanOut ?? []) {
    rows.push([
      `fan-out N=${fmt(r.n)}`,
      `${fmt(r.recipientsPerSecond)} recipients/s (${fmt(r.fanOutMs)} ms, ${fmt(r.requested)} requested)`,
      `Scan+filter over ${fmt(r.tableItems)} items: ${fmt(r.scanRecipientsPerSecond)} recipients/s (${fmt(r.scanTargetingMs)} ms)`,
      `${fmt(r.ratio, 2)}×`,
    ])
    for (const t of r.targeting) {
      const table = `${fmt(t.tableItems)} items, agent ${pct(t.agentShare, 0)}`
      rows.push([`  targeting, ${table}`, `index Query: ${fmt(t.queryTargetingMs)} ms`, `Scan: ${fmt(t.scanTargetingMs)} ms`, `${fmt(t.targetingRatio, 1)}× faster`])
      rows.push([`  read capacity, ${table}`, `index Query: ${fmt(t.queryReadUnits, 1)} RCU`, `Scan: ${fmt(t.scanReadUnits, 1)} RCU`, `${fmt(t.readUnitsRatio, 1)}× less`])
    }
  }
  for (const r of report.pacing ?? []) {
    rows.push([
      `pacing ${r.workers} worker${r.workers > 1 ? 's' : ''}`,
      `${fmt(r.steadyPerSecond, 2)} req/s, 429s ${r.rateLimited}/${r.requests} (${pct(r.share429)})`,
      `budget ${fmt(r.budgetPerMinute / 60, 2)} req/s (${fmt(r.budgetPerMinute)}/min)`,
      fmt(r.rateOverBudget, 3),
    ])
  }
  rows.push(...adaptiveRows(report.competing, report.limitChanges))
  if (report.latency) {
    const l = report.latency
    rows.push([
      'latency',
      `p50 ${fmt(l.p50Ms)} ms, p95 ${fmt(l.p95Ms)} ms, p99 ${fmt(l.p99Ms)} ms (max ${fmt(l.maxMs)})`,
      `${l.samples} triggers, ${fmt(l.recipientsPerTrigger, 1)} recipients each`,
      '–',
    ])
  }
  if (report.storm) {
    const s = report.storm
    rows.push([
      `login storm`,
      `${fmt(s.drainMs / 1000, 1)} s for ${fmt(s.messaged)} recipients, ${s.workers} send workers (${fmt(s.requests)} requests, ${fmt(s.cappedBySend)} capped by send); duplicates ${s.duplicates}, missing ${s.missing}, unexpected ${s.unexpected}`,
      `floor ${fmt(s.floorMs / 1000, 1)} s (${fmt(s.messaged)} ÷ ${fmt(s.budgetPerMinute)}/min)`,
      fmt(s.drainOverFloor, 3),
    ])
  }
  if (report.stormAgentCapacity) {
    const s = report.stormAgentCapacity
    rows.push([
      `login storm, agent-capacity`,
      `${fmt(s.drainMs / 1000, 1)} s for ${fmt(s.messaged)} recipients, ${fmt(s.deferred)} deferred; duplicates ${s.duplicates}, unexpected ${s.unexpected}; ${fmt(s.otherGenesysCalls)} capacity lookups on the same allowance (drain ÷ the floor counting them ${fmt(s.drainOverFloorWithOtherCalls, 3)})`,
      `floor ${fmt(s.floorMs / 1000, 1)} s (${fmt(s.messaged)} ÷ ${fmt(s.budgetPerMinute)}/min)`,
      fmt(s.drainOverFloor, 3),
    ])
  }
  if (report.coldStart) {
    const c = report.coldStart
    for (const f of c.functions) {
      rows.push([
        `cold start ${f.function}`,
        `${kb(f.cdk.bytes)}, import ${fmt(f.cdk.importMs)} ms over the floor`,
        `empty module ${fmt(c.floorMs)} ms (median of ${c.runs})`,
        `${fmt((f.cdk.importMs + c.floorMs) / c.floorMs, 1)}×`,
      ])
      for (const [variant, v] of Object.entries(f.variants)) {
        rows.push([
          `  ${variant}`,
          `${kb(v.bytes)}, import ${fmt(v.importMs)} ms`,
          `as built: ${kb(f.cdk.bytes)}, ${fmt(f.cdk.importMs)} ms`,
          `${fmt(v.bytes / f.cdk.bytes, 2)} bytes, ${fmt(v.importMs / f.cdk.importMs, 2)} time`,
        ])
      }
      if (f.sdkShare.bytes > 0) rows.push([`  Genesys SDK share`, `${pct(f.sdkShare.bytes)} of bytes, ${pct(f.sdkShare.importMs)} of import time`, '', ''])
    }
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)))
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd()
  const out = [line(rows[0] as string[]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)]
  out.push('', 'targets:')
  for (const t of report.targets) out.push(`  ${t.met ? 'met   ' : 'MISSED'} ${t.scenario}: ${t.name} ${t.target} (measured ${t.value === undefined ? '–' : t.value})`)
  out.push('', `machine: ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memoryGb} GiB, ${report.machine.os}, node ${report.machine.node}; ${report.durationSeconds} s`)
  return out.join('\n')
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const report = await runBench({ quick: args.quick, only: args.only, chart: args.chart, log: (line) => process.stderr.write(`${line}\n`) })
  process.stdout.write(`${formatTable(report)}\n`)
  if (args.chart && (report.pacing || report.storm)) process.stdout.write(`charts: ${dirname(args.chart)}\n`)
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`)
  // A quick run is a smoke run: its sizes are too small for the targets, which are still listed.
  const missed = report.targets.filter((t) => !t.met)
  if (missed.length > 0 && !args.quick) {
    process.stderr.write(`bench: ${missed.length} target(s) missed:\n${missed.map((t) => `  ${t.scenario}: ${t.name} ${t.target} (measured ${t.value ?? '–'})`).join('\n')}\n`)
    process.exitCode = 1
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 1
  })
}
