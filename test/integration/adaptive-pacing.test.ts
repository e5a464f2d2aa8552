/**
 * Adaptive pacing through the real wiring: the send handlers' agentless responses carry
 * Genesys's `inin-ratelimit-*` headers, and functions/send/dependencies.ts hands them to the shared limiter. The
 * configured budget here is 16 times what the simulator allows, so a limiter that never heard the headers paces to
 * the budget, bursts the backlog and is answered 429 until Retry-After (3 times in this test with the wiring cut,
 * 0 with it). The limiter's own tests (delivery-guarantees.test.ts) feed `observe` directly; this one proves the
 * headers reach it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { backlogRequests, enqueueRequests } from '../../bench/scenarios/pacing.ts'
import { LocalCloud } from '../../local/cloud.ts'

const ALLOWED_PER_WINDOW = 20
const WINDOW_MS = 2_000
const BACKLOG = 45

describe('adaptive pacing, end to end', () => {
  let cloud: LocalCloud | undefined
  afterEach(async () => {
    await cloud?.close()
    cloud = undefined
  })

  it('paces two send workers to the limit Genesys reports, not to the configured budget, 16 times higher', async () => {
    cloud = await LocalCloud.start({
      sendWorkers: 2,
      // Batches are held while paced: a 1 s visibility timeout would hand them to the other worker meanwhile.
      visibilitySeconds: 60,
      // 9,500 a minute with the 0.95 headroom: about 158 a second, against 20 per 2 s (10 a second) allowed.
      config: { GENESYS_BUDGET_PER_MINUTE: '10000' },
      simulator: { rateLimitPerMinute: ALLOWED_PER_WINDOW, rateWindowMs: WINDOW_MS, rateLimitScope: 'client' },
    })
    await enqueueRequests(cloud, backlogRequests(BACKLOG, cloud.clock.now(), 'adaptive-wiring'))
    await cloud.drain({ timeoutMs: 120_000 })

    const agentless = cloud.simulator?.agentlessRequests() ?? []
    const accepted = agentless.filter((request) => request.status !== undefined && request.status < 300)
    const rateLimited = agentless.filter((request) => request.status === 429)
    expect(accepted).toHaveLength(BACKLOG)
    // The first call is paced by the budget alone (no headers yet); from its answer on, by what is left.
    expect(rateLimited.length, `answered 429: ${rateLimited.length}`).toBeLessThanOrEqual(1)
    // The simulator's windows open at the first call: never more accepted in one than it allows.
    const first = Math.min(...accepted.map((request) => request.receivedAt))
    const perWindow = new Map<number, number>()
    for (const request of accepted) {
      const window = Math.floor((request.receivedAt - first) / WINDOW_MS)
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1)
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(ALLOWED_PER_WINDOW)
  })
})
