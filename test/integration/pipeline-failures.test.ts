/**
 * The send path's failure handling, end to end through the local cloud with Genesys simulator faults, checked
 * against the requirements: permanent Genesys errors (400/403/404/409/413) go to the send DLQ with the Genesys
 * code, message and contextId and are not retried; transient ones (429, 5xx, timeout) are retried (429 after
 * Retry-After); a request older than the max delay (15 min) at send time is expired, not sent; a request that
 * keeps failing transiently ends in the send DLQ after the queue's maxReceiveCount.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud, type LocalCloudOptions } from '../../local/cloud.ts'
import { runScenario, type RunSummary } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { APP_DETAIL_TYPES, STAGES } from '#lib/topology.ts'
import { conversationLifecycle, presenceEvent, type GenesysEnvelope, type MessagingType } from '../support/genesys-events.ts'

const MINUTE = 60_000
const AGENT = 'a9e17000-0000-4000-8000-0000000000f1'
const QUEUE = '90e0e000-0000-4000-8000-0000000000f1'
const CONVERSATION = 'c0a7e500-0000-4000-8000-0000000000f1'
const CONTACT = 'e0c0a7c7-0000-4000-8000-0000000000f1'
const TRIGGER_AT = Date.parse('2025-06-15T10:00:00.000Z')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** One ended conversation of the agent, then the agent goes OFFLINE → ON_QUEUE: exactly one request. */
function oneRecipient(messageType: MessagingType = 'WEBMESSAGING'): ScenarioEntry[] {
  const customer = messageType === 'WEBMESSAGING' ? { externalContactId: CONTACT } : { addressFrom: '+13175550177' }
  const events: GenesysEnvelope[] = [
    ...conversationLifecycle({ conversationId: CONVERSATION, messageType, start: TRIGGER_AT - 3 * 60 * MINUTE, agentId: AGENT, queueId: QUEUE, ...customer }),
    presenceEvent({ agentId: AGENT, systemPresence: 'OFFLINE', at: TRIGGER_AT - 30 * MINUTE }),
    presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: TRIGGER_AT }),
  ]
  return events.map((event, index) => ({ ok: true, event, origin: `failures:${index + 1}` }))
}

let cloud: LocalCloud | undefined

/**
 * A fixed per-trigger limit: presence then makes no Genesys call (the utilization lookup), so a simulator fault
 * sequence meets the agentless send it is meant for.
 */
const NO_CAPACITY_LOOKUP = { MAX_MESSAGES_PER_TRIGGER: '10' }

async function run(options: LocalCloudOptions, entries = oneRecipient()): Promise<{ cloud: LocalCloud; summary: RunSummary }> {
  cloud = await LocalCloud.start({ ...options, config: { ...NO_CAPACITY_LOOKUP, ...options.config } })
  return { cloud, summary: await runScenario(cloud, entries) }
}

afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

const agentlessStatuses = (local: LocalCloud) => local.simulator?.agentlessRequests().map((request) => request.status)
const outcomeTypes = (local: LocalCloud) => local.outcomes.map((event) => event['detail-type'])

/** The attribute whose name matches, e.g. /code/i, whatever the send function calls it exactly. */
describe('send-path failures through the local cloud', () => {
  it('dead-letters a permanent 400 with the Genesys code, message and contextId, without retrying', async () => {
    // The simulator knows another Messenger deployment only, so the default deployment id is rejected with 400.
    const { cloud: local, summary } = await run({ simulator: { deployments: ['d3b1ffff-0000-4000-8000-000000000000'] } })

    expect(agentlessStatuses(local)).toEqual([400])
    expect(summary.messages).toMatchObject({ requested: 1, sent: 0, deadLettered: 1 })
    const letters = (await local.deadLetters()).filter((letter) => letter.queue.startsWith('send'))
    expect(letters).toHaveLength(1)
    const [letter] = letters
    expect(letter?.conversationId).toBe(CONVERSATION)
    // Written by the send function (a redrive after maxReceiveCount would say max-receives-exceeded).
    // The reason and attribute names docs/operations.md and `dlq --help` document.
    expect(letter?.reason).toBe('genesys-rejected')
    const attributes = letter?.attributes ?? {}
    expect(attributes.genesysStatus).toBe('400')
    expect(attributes.genesysCode).toBe('bad.request')
    expect(attributes.contextId).toMatch(UUID)
    expect(attributes.genesysMessage).toMatch(/fromAddress/)
    expect(outcomeTypes(local)).toEqual([APP_DETAIL_TYPES.failed])
  })

  it('dead-letters a permanent 403 (missing permission) without retrying', async () => {
    const { cloud: local, summary } = await run({ simulator: { clients: { 'local-client': { secret: 'local-secret', permissions: ['routing:queue:view'] } } } })

    expect(agentlessStatuses(local)).toEqual([403])
    expect(summary.messages).toMatchObject({ sent: 0, deadLettered: 1 })
    const [letter] = (await local.deadLetters()).filter((candidate) => candidate.queue.startsWith('send'))
    expect(letter?.reason).toBe('genesys-rejected')
    expect(letter?.attributes.genesysCode).toBe('missing.permissions')
    expect(outcomeTypes(local)).toEqual([APP_DETAIL_TYPES.failed])
  })

  it('retries a 5xx and sends once when Genesys recovers', async () => {
    const { cloud: local, summary } = await run({ config: { RETRY_BASE_SECONDS: '0' }, simulator: { faults: { sequence: ['http5xx'] } } })

    expect(agentlessStatuses(local)).toEqual([503, 200])
    expect(summary.messages).toMatchObject({ requested: 1, sent: 1, deadLettered: 0, expired: 0 })
    expect(summary.deadLetters).toEqual([])
    expect(outcomeTypes(local)).toEqual([APP_DETAIL_TYPES.sent])
  })

  it('waits for Retry-After on a 429 and then sends once', async () => {
    // A 3 s rate window makes the simulator answer Retry-After: 3, longer than the local visibility timeout (1 s).
    const { cloud: local, summary } = await run({ simulator: { faults: { sequence: ['http429'] }, rateWindowMs: 3_000 } })

    const requests = local.simulator?.agentlessRequests() ?? []
    expect(requests.map((request) => request.status)).toEqual([429, 200])
    expect(summary.messages).toMatchObject({ requested: 1, sent: 1, deadLettered: 0 })
    expect(outcomeTypes(local)).toEqual([APP_DETAIL_TYPES.sent])
    // Honouring Retry-After: the retry did not come before the 3 s the simulator asked for (less a second of rounding).
    const [first, second] = requests
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(2_000)
  })

  it('never resends a request that timed out (Genesys may have taken it): dead-lettered as outcome-unknown', async () => {
    const { cloud: local, summary } = await run({
      config: { RETRY_BASE_SECONDS: '0', GENESYS_TIMEOUT_MS: '500' },
      simulator: { faults: { sequence: ['timeout'], timeoutHoldMs: 2_000 } },
    })

    expect(local.simulator?.agentlessRequests()).toHaveLength(1)
    expect(summary.messages).toMatchObject({ requested: 1, sent: 0, deadLettered: 1 })
    expect(summary.deadLetters).toEqual([expect.objectContaining({ reason: 'outcome-unknown', queue: 'send-dlq' })])
    expect(outcomeTypes(local)).toEqual([APP_DETAIL_TYPES.failed])
  })

  describe('max delay (15 min by default), measured at send time', () => {
    /** The first attempt fails with a 5xx; the pipeline's clock then reads `lateBy` after the trigger. */
    async function retriedLate(lateBy: number, config: Record<string, string> = {}) {
      cloud = await LocalCloud.start({ config: { ...NO_CAPACITY_LOOKUP, RETRY_BASE_SECONDS: '0', ...config }, simulator: { faults: { sequence: ['http5xx'] } } })
      const local = cloud
      const replay = local.clock.now.bind(local.clock)
      local.clock.now = () => ((local.simulator?.agentlessRequests().length ?? 0) > 0 ? TRIGGER_AT + lateBy : replay())
      return { local, summary: await runScenario(local, oneRecipient()) }
    }

    it('expires a request whose retry comes 16 min after the trigger: not sent', async () => {
      const { local, summary } = await retriedLate(16 * MINUTE)
      expect(agentlessStatuses(local)).toEqual([503])
      expect(summary.messages).toMatchObject({ requested: 1, sent: 0, expired: 1, deadLettered: 0 })
      expect(outcomeTypes(local)).not.toContain(APP_DETAIL_TYPES.sent)
    })

    it('still sends a retry 14 min after the trigger', async () => {
      const { local, summary } = await retriedLate(14 * MINUTE)
      expect(agentlessStatuses(local)).toEqual([503, 200])
      expect(summary.messages).toMatchObject({ requested: 1, sent: 1, expired: 0 })
    })

    it('honours MAX_DELAY_MINUTES', async () => {
      const { local, summary } = await retriedLate(3 * MINUTE, { MAX_DELAY_MINUTES: '2' })
      expect(agentlessStatuses(local)).toEqual([503])
      expect(summary.messages).toMatchObject({ sent: 0, expired: 1 })
    })
  })

  it(`dead-letters a request that keeps failing with 5xx after maxReceiveCount (${STAGES.send.maxReceiveCount}) receives`, async () => {
    const { cloud: local, summary } = await run({ visibilitySeconds: 0, config: { RETRY_BASE_SECONDS: '0' }, simulator: { faults: { http5xx: 1 } } }, oneRecipient('SMS'))

    const statuses = agentlessStatuses(local) ?? []
    expect(statuses.every((status) => status === 503)).toBe(true)
    // One attempt per receive; local-aws-sqs 2.0.2 may count a receive more or less (its ApproximateReceiveCount
    // read 3 after two deliveries and one empty receive).
    expect(statuses.length).toBeGreaterThanOrEqual(STAGES.send.maxReceiveCount - 1)
    expect(statuses.length).toBeLessThanOrEqual(STAGES.send.maxReceiveCount + 1)
    expect(summary.messages).toMatchObject({ requested: 1, sent: 0, deadLettered: 1 })
    expect(summary.deadLetters).toEqual([expect.objectContaining({ queue: 'send-dlq', conversationId: CONVERSATION })])
    expect(outcomeTypes(local)).not.toContain(APP_DETAIL_TYPES.sent)
  }, 60_000)
})
