/**
 * The benchmarks keep working: `npm run bench -- --quick --json` as a user runs it (a child process), checked for
 * the JSON shape and the invariants that do not depend on the machine's speed (every eligible customer messaged
 * once, every request accepted, bundles built as the CDK stack builds them). No timing is asserted. Also the
 * pure helpers the figures come from, and the simulator's per-client rate limit the pacing scenario relies on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendRateChart } from '../../bench/chart.ts'
import { summariseRates } from '../../bench/rates.ts'
import { checkDeliveries, recipientOfBody, recipientOfWorkloadCustomer } from '../../bench/recipients.ts'
import { parseArgs, QUICK, type BenchReport } from '../../bench/run.ts'
import { quantile } from '../../bench/stats.ts'
import { FUNCTIONS, sendConcurrencyFor } from '#lib/topology.ts'
import { runCommand } from '../support/run-command.ts'
import { AGENTLESS_PATH, startGenesysSimulator, TOKEN_PATH, type GenesysSimulator, type RecordedRequest } from '../../local/genesys-simulator/index.ts'

const runBenchCli = (args: readonly string[]) => runCommand(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args])

describe('npm run bench -- --quick --json', () => {
  let report: BenchReport
  let stdout: string

  beforeAll(async () => {
    const result = await runBenchCli(['--quick', '--json'])
    stdout = result.stdout
    expect(result.code, result.stderr.slice(-2000)).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    report = JSON.parse(lines.at(-1) ?? '') as BenchReport
  }, 240_000)

  it('prints the table before the JSON line, and the JSON names the machine and the command', () => {
    expect(stdout).toMatch(/^scenario +\| figure/m)
    expect(stdout).toContain('targets:')
    expect(report.quick).toBe(true)
    expect(report.command).toBe('npm run bench -- --quick')
    expect(report.machine.cores).toBeGreaterThan(0)
    expect(report.machine.node).toMatch(/^v\d+/)
  })

  it('fan-out: every eligible session is requested, and the Scan reference finds the same recipients', () => {
    expect(report.fanOut?.map((r) => r.n)).toEqual(QUICK.fanOutN)
    for (const r of report.fanOut ?? []) {
      expect(r.requested).toBe(r.n)
      expect(r.scanRecipients).toBe(r.n)
      // One table grown in two steps, the agent holding 10% then 2%; the top-level figures are the largest's.
      expect(r.targeting.map((t) => [t.tableItems, t.agentShare, t.scanRecipients])).toEqual([
        [r.n * 10, 0.1, r.n],
        [r.n * 50, 0.02, r.n],
      ])
      expect(r.tableItems).toBe(r.n * 50)
      expect(r.scanReadUnits).toBeGreaterThan(r.targeting[0]?.scanReadUnits ?? Infinity)
      expect(r.ratio).toBeCloseTo(r.recipientsPerSecond / r.scanRecipientsPerSecond, 6)
    }
  })

  it('trigger cost: each trigger requests its limit for the same few requests whatever the history; two agents at one instant share out 6 customers', () => {
    const costs = report.triggerCost?.perTrigger ?? []
    expect(costs.map((c) => [c.scope, c.sessions])).toEqual(
      QUICK.triggerCostSessions.flatMap((n) => [
        ['agent', n],
        ['queue', n],
      ]),
    )
    for (const c of costs) {
      expect(c.requested).toBe(4)
      expect(c.genesysCalls).toBe(0)
      expect(c.dynamodbRequests).toBeLessThanOrEqual(40)
      expect(c.readUnits).toBeGreaterThan(0)
    }
    const bySize = (scope: string) => costs.filter((c) => c.scope === scope).map((c) => c.dynamodbRequests)
    expect(new Set(bySize('queue')).size).toBe(1)
    expect(report.triggerCost?.concurrent).toEqual({ requested: 6, distinctCustomers: 6 })
    expect(report.targets.filter((t) => t.scenario === 'trigger-cost').map((t) => t.name)).toContain('two agents at the same instant: distinct customers requested')
  })

  it('pacing: every request of the backlog is accepted, for 1, 2 and 4 workers', () => {
    expect(report.pacing?.map((r) => r.workers)).toEqual([1, 2, 4])
    for (const r of report.pacing ?? []) {
      expect(r.accepted).toBe(QUICK.pacing.backlog)
      expect(r.requests).toBe(r.accepted + r.rateLimited)
      expect(r.share429).toBeGreaterThanOrEqual(0)
      expect(r.share429).toBeLessThan(1)
      expect(r.perSecond.reduce((sum, n) => sum + n, 0)).toBe(r.accepted)
    }
  })

  it('adaptive pacing: the competing consumer and the limit change drain every request, the limit as charted', () => {
    const competing = report.competing
    expect(competing?.share).toBe(QUICK.adaptive.competing.share)
    expect(competing?.accepted).toBe(QUICK.adaptive.competing.backlog)
    expect(competing?.requests).toBe((competing?.accepted ?? 0) + (competing?.rateLimited ?? 0))
    expect(report.limitChanges?.map((c) => [c.newLimit, c.accepted])).toEqual(QUICK.adaptive.limitChanges.map((c) => [c.newLimit, c.backlog]))
    for (const change of report.limitChanges ?? []) {
      expect(change.acceptedPerWindow.reduce((sum, n) => sum + n, 0)).toBe(change.accepted)
      // The reported limit's rate: the old one before the change's second, the new one from it.
      const rate = (limit: number) => limit / (change.windowMs / 1000)
      expect(change.limitPerSecond.slice(0, change.changeSecond).every((r) => r === rate(change.oldLimit))).toBe(true)
      expect(change.limitPerSecond.slice(change.changeSecond).every((r) => r === rate(change.newLimit))).toBe(true)
      expect(report.targets.some((t) => t.name === `limit changed mid-run ${change.oldLimit} → ${change.newLimit}: windows to follow`)).toBe(true)
    }
    expect(report.targets.some((t) => t.name === 'competing consumer at 30 %: rate ÷ remaining limit')).toBe(true)
  })

  it('latency: percentiles are ordered over the triggers that had recipients', () => {
    const l = report.latency
    expect(l?.samples).toBeGreaterThan(0)
    expect(l?.samples).toBeLessThanOrEqual(QUICK.latencyTriggers)
    expect(l?.p50Ms).toBeLessThanOrEqual(l?.p95Ms ?? 0)
    expect(l?.p95Ms).toBeLessThanOrEqual(l?.p99Ms ?? 0)
    expect(l?.p99Ms).toBeLessThanOrEqual(l?.maxMs ?? 0)
  })

  it('login storm: every eligible customer messaged exactly once, nobody else', () => {
    const s = report.storm
    expect(s).toMatchObject({ duplicates: 0, missing: 0, unexpected: 0, sessionsRecorded: QUICK.storm.conversations })
    expect(s?.messaged).toBe(s?.expected)
    expect(s?.expected).toBeGreaterThan(0)
    expect(s?.floorMs).toBeCloseTo(((s?.messaged ?? 0) / QUICK.storm.budgetPerMinute) * 60_000, 6)
    // As many send workers as the stack deploys for the budget (1,800 × 0.95 a minute: 8), not Lambda's minimum.
    expect(s?.workers).toBe(sendConcurrencyFor(QUICK.storm.budgetPerMinute * 0.95))
    expect(s?.workers).toBeGreaterThan(2)
  })

  it('login storm under agent-capacity: fewer messaged, the rest deferred, still nobody twice and nobody ineligible', () => {
    const limited = report.stormAgentCapacity
    expect(limited).toMatchObject({ duplicates: 0, unexpected: 0, maxMessagesPerTrigger: 'agent-capacity', expected: report.storm?.expected })
    expect(report.storm?.maxMessagesPerTrigger).toBe(String(QUICK.storm.customers))
    expect(report.storm?.deferred).toBe(0)
    // 8 agents of about 10 customers each, 4 a trigger: some are deferred, and only they go unmessaged.
    expect(limited?.deferred).toBeGreaterThan(0)
    expect(limited?.messaged).toBeLessThan(limited?.expected ?? 0)
    expect(limited?.missing).toBe((limited?.expected ?? 0) - (limited?.messaged ?? 0))
    // Presence looks each agent's capacity up once (then cached), on the allowance the sends use; without the
    // limit it makes no Genesys call at all (agent scope).
    expect(limited?.otherGenesysCalls).toBeGreaterThan(0)
    expect(limited?.otherGenesysCalls).toBeLessThanOrEqual(QUICK.storm.agents)
    expect(report.storm?.otherGenesysCalls).toBe(0)
    expect(limited?.drainOverFloorWithOtherCalls).toBeLessThan(limited?.drainOverFloor ?? 0)
    expect(limited?.missing).toBeLessThanOrEqual(limited?.deferred ?? 0)
  })

  it('cold start: every queue-fed function bundled as the CDK stack does, and the SDK variants are smaller', () => {
    const functions = report.coldStart?.functions ?? []
    expect(functions.map((f) => f.function).sort()).toEqual(Object.keys(FUNCTIONS).sort())
    for (const f of functions) {
      expect(f.mirrorIdentical).toBe(true)
      expect(f.cdk.bytes).toBeGreaterThan(100_000)
      expect(f.cdk.importMsRaw).toHaveLength(QUICK.coldStartRuns)
    }
    // Only send carries the Genesys SDK; presence calls Genesys over fetch (docs/benchmarks.md).
    const send = functions.find((candidate) => candidate.function === 'send')
    expect(send?.variants.withoutSdk?.bytes).toBeLessThan(send?.cdk.bytes ?? 0)
    expect(send?.variants.plainFetch?.bytes).toBeLessThan(send?.cdk.bytes ?? 0)
    expect(send?.variants.deepImport?.bytes).toBeLessThan(send?.cdk.bytes ?? 0)
    expect(send?.sdkShare.bytes).toBeGreaterThan(0)
    for (const name of ['presence', 'sessionRecorder']) {
      const f = functions.find((candidate) => candidate.function === name)
      expect(f?.variants).toEqual({})
      expect(f?.cdk.bytes).toBeLessThan(1_000_000)
    }
  })

  it('reports each target with whether it was met', () => {
    expect(report.targets.length).toBeGreaterThan(0)
    for (const target of report.targets) expect(typeof target.met).toBe('boolean')
    expect(report.targets.filter((t) => t.name.includes('duplicate') || t.name.includes('mirror')).every((t) => t.met)).toBe(true)
  })
})

describe('bench helpers', () => {
  it('quantile interpolates between closest ranks', () => {
    expect(quantile([], 0.5)).toBeUndefined()
    expect(quantile([5, 1, 3], 0.5)).toBe(3)
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBeCloseTo(9.55, 10)
  })

  it('the steady rate leaves out the partial first and last seconds; 429s are a share of all requests', () => {
    const request = (receivedAt: number, status: number): RecordedRequest => ({ method: 'POST', path: AGENTLESS_PATH, query: {}, body: {}, receivedAt, status })
    const log = [request(1_900, 200), ...[2_000, 2_100, 2_200, 3_000, 3_500, 3_900].map((t) => request(t, 200)), request(3_950, 429), request(4_100, 200)]
    const rates = summariseRates(log)
    expect(rates.perSecond).toEqual([1, 3, 3, 1])
    expect(rates.steadyPerSecond).toBe(3)
    expect(rates.steadySeconds).toBe(2)
    expect(rates.share429).toBeCloseTo(1 / 9, 10)
  })

  it('matches Genesys request bodies to workload customers, counting duplicates and strangers', () => {
    const bodies = [
      { toAddressMessengerType: 'webmessaging', externalContactId: recipientOfWorkloadCustomer(0).split(':')[1] },
      { toAddressMessengerType: 'sms', toAddress: '+13175000001' },
      { toAddressMessengerType: 'sms', toAddress: '+13175000001' },
      { toAddressMessengerType: 'whatsapp', toAddress: '13175000002' },
      { toAddressMessengerType: 'open', toAddress: 'someone-else@open.example' },
    ]
    expect(recipientOfBody(bodies[1])).toBe(recipientOfWorkloadCustomer(1))
    expect(recipientOfBody(bodies[3])).toBe(recipientOfWorkloadCustomer(2))
    const log = bodies.map((body): RecordedRequest => ({ method: 'POST', path: AGENTLESS_PATH, query: {}, body, receivedAt: 0, status: 200 }))
    const expected = new Set([0, 1, 2, 3].map(recipientOfWorkloadCustomer))
    expect(checkDeliveries(log, expected)).toEqual({ expected: 4, messaged: 4, duplicates: 1, missing: 1, unexpected: 1 })
  })

  it('draws the budget line, the headroom line and one line per run', () => {
    const svg = sendRateChart({
      title: 'a < b',
      series: [
        { label: '1 worker', perSecond: [3, 19, 19] },
        { label: '2 workers', perSecond: [19, 19] },
      ],
      budgetPerSecond: 20,
      headroom: 0.95,
    })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('a &lt; b')
    expect(svg.match(/<polyline/g)).toHaveLength(2)
    expect(svg).toContain('budget 20/s')
  })

  it('parses the command line', () => {
    expect(parseArgs(['--json', '--quick'])).toMatchObject({ json: true, quick: true, chart: undefined })
    expect(parseArgs(['--only=pacing,storm', '--chart=none']).only).toEqual(['pacing', 'storm'])
    expect(parseArgs(['--chart=none']).chart).toBeUndefined()
    expect(parseArgs([]).chart).toMatch(/docs\/benchmarks\/send-rate\.svg$/)
    expect(() => parseArgs(['--only=warp'])).toThrow(/unknown scenario warp/)
  })
})

describe('Genesys simulator rateLimitScope', () => {
  const simulators: GenesysSimulator[] = []
  afterAll(async () => {
    for (const simulator of simulators) await simulator.close()
  })

  async function tokens(simulator: GenesysSimulator, count: number): Promise<string[]> {
    const basic = Buffer.from('local-client:local-secret').toString('base64')
    return Promise.all(
      Array.from({ length: count }, async () => {
        const response = await fetch(`${simulator.url}${TOKEN_PATH}`, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        })
        return ((await response.json()) as { access_token: string }).access_token
      }),
    )
  }

  async function statuses(simulator: GenesysSimulator): Promise<number[]> {
    const [first, second] = await tokens(simulator, 2)
    const body = JSON.stringify({
      fromAddress: '00000000-0000-4000-8000-00000000d3b1',
      toAddressMessengerType: 'webmessaging',
      externalContactId: '00000000-0000-4000-8000-000000000001',
      textBody: 'hi',
      useExistingActiveConversation: true,
    })
    const results: number[] = []
    for (const token of [first, second, first, second]) {
      const response = await fetch(`${simulator.url}${AGENTLESS_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })
      results.push(response.status)
    }
    return results
  }

  it("counts each token alone by default, and all of a client's tokens together with 'client'", async () => {
    const perToken = await startGenesysSimulator({ rateLimitPerMinute: 2 })
    const perClient = await startGenesysSimulator({ rateLimitPerMinute: 2, rateLimitScope: 'client' })
    simulators.push(perToken, perClient)
    expect(await statuses(perToken)).toEqual([200, 200, 200, 200])
    expect(await statuses(perClient)).toEqual([200, 200, 429, 429])
  })
})
