/**
 * Latency: presence event → the Genesys request for the first recipient of that trigger, over many triggers,
 * one at a time through the whole local pipeline (agent-events queue, presence, app bus, send queue, send).
 * The budget is set high so the pacer never holds the first request: this is the pipeline's own latency.
 */
import { LocalCloud } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { availabilityFlip, buildWorkload } from '../../local/load.ts'
import { recordInMemory, writeSessions } from '../sessions.ts'
import { quantile } from '../stats.ts'

export interface LatencyOptions {
  readonly triggers: number
}

export interface LatencyResult {
  readonly triggers: number
  readonly samples: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  /** Requests per trigger, on average. */
  readonly recipientsPerTrigger: number
}

const AT = Date.parse('2026-03-02T09:00:00Z')

export async function runLatency(options: LatencyOptions): Promise<LatencyResult> {
  const cloud = await LocalCloud.start({ config: { GENESYS_BUDGET_PER_MINUTE: '60000' } })
  try {
    // Three conversations per agent on average; every customer distinct, so each trigger has recipients.
    const workload = buildWorkload({ customers: options.triggers * 3, agents: options.triggers, at: AT - 60_000, seed: 7 })
    await writeSessions(cloud, await recordInMemory(workload.conversationEvents, 24 * 3_600_000))
    const simulator = cloud.simulator
    if (!simulator) throw new Error('latency: needs the simulator')
    const samples: number[] = []
    let requests = 0
    for (const [i, agentId] of workload.agentIds.entries()) {
      const [offline, available] = availabilityFlip(agentId, AT + i * 1_000) as unknown as [EventEnvelope, EventEnvelope]
      cloud.clock.set(Date.parse(offline.time))
      await cloud.deliverGenesysEvent(offline)
      await cloud.drain()
      const before = simulator.agentlessRequests().length
      cloud.clock.set(Date.parse(available.time))
      const started = Date.now()
      await cloud.deliverGenesysEvent(available)
      await cloud.drain()
      const mine = simulator.agentlessRequests().slice(before)
      requests += mine.length
      const first = Math.min(...mine.map((request) => request.receivedAt))
      if (mine.length > 0) samples.push(first - started)
    }
    const at = (q: number): number => quantile(samples, q) ?? Number.NaN
    return {
      triggers: options.triggers,
      samples: samples.length,
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      p99Ms: at(0.99),
      maxMs: Math.max(...samples),
      recipientsPerTrigger: requests / Math.max(1, samples.length),
    }
  } finally {
    await cloud.close()
  }
}
