/**
 * A send whose answer was lost is settled by asking Genesys, through the real send and track handlers, the local
 * queues and the simulator's analytics details query (over the messages it really accepted): found → sent with no
 * operator; not found → a dead letter with the evidence; RESEND_IF_NOT_FOUND → sent exactly once; a look-up that
 * fails → dead-lettered with that reason, never resent.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud, type LocalCloudOptions } from '../../local/cloud.ts'
import { runScenario, type RunSummary } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { ANALYTICS_DETAILS_PATH, PERMISSION_QUEUES, PERMISSION_SEND, PERMISSION_UTILIZATION } from '../../local/genesys-simulator/index.ts'
import { conversationLifecycle, presenceEvent, type GenesysEnvelope, type MessagingType } from '../support/genesys-events.ts'

const MINUTE = 60_000
const AGENT = 'a9e17000-0000-4000-8000-0000000000e2'
const QUEUE = '90e0e000-0000-4000-8000-0000000000e2'
const CONVERSATION = 'c0a7e500-0000-4000-8000-0000000000e2'
const CONTACT = 'e0c0a7c7-0000-4000-8000-0000000000e2'
const PHONE = '+13175550188'
// Real time: the requests are fresh when send sees them (RESEND_IF_NOT_FOUND checks MAX_DELAY_MINUTES).
const TRIGGER_AT = Date.now()

function oneRecipient(messageType: MessagingType): ScenarioEntry[] {
  const customer = messageType === 'WEBMESSAGING' ? { externalContactId: CONTACT } : { addressFrom: PHONE }
  const events: GenesysEnvelope[] = [
    ...conversationLifecycle({ conversationId: CONVERSATION, messageType, start: TRIGGER_AT - 3 * 60 * MINUTE, agentId: AGENT, queueId: QUEUE, ...customer }),
    presenceEvent({ agentId: AGENT, systemPresence: 'OFFLINE', at: TRIGGER_AT - 30 * MINUTE }),
    presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: TRIGGER_AT }),
  ]
  return events.map((event, index) => ({ ok: true, event, origin: `unknown:${index + 1}` }))
}

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function run(options: LocalCloudOptions, messageType: MessagingType = 'SMS'): Promise<{ local: LocalCloud; summary: RunSummary }> {
  cloud = await LocalCloud.start({ ...options, config: { MAX_MESSAGES_PER_TRIGGER: '10', GENESYS_TIMEOUT_MS: '500', ...options.config } })
  return { local: cloud, summary: await runScenario(cloud, oneRecipient(messageType)) }
}

const accepted = (local: LocalCloud) => local.simulator?.delivered().length ?? 0
const lookups = (local: LocalCloud) => local.simulator?.requests.filter((request) => request.path === ANALYTICS_DETAILS_PATH) ?? []
const sentEvents = (local: LocalCloud) => local.outcomes.filter((event) => event['detail-type'] === APP_DETAIL_TYPES.sent)

describe('unknown outcomes settled by asking Genesys', () => {
  it('timeout, then found: settled sent with the conversation found and recoveredBy lookup; no dead letter, no operator', async () => {
    // Genesys took the message, and the answer was lost on the way back.
    const { local, summary } = await run({ simulator: { faults: { sequence: ['acceptedTimeout'], timeoutHoldMs: 2_000 } } })
    expect(accepted(local)).toBe(1)
    expect(summary.deadLetters).toEqual([])
    expect(summary.reconciliation).toMatchObject({ requested: 1, sent: 1, balanced: true })
    const [sent] = sentEvents(local)
    expect(sent?.detail).toMatchObject({ outcome: 'sent', recoveredBy: 'lookup', genesys: { conversationId: local.simulator?.delivered()[0]?.conversationId } })
    // Found at the first look-up, with the SDK's ConversationQuery: outbound, message media, the recipient.
    expect(lookups(local)).toHaveLength(1)
    const query = lookups(local)[0]?.body as { interval: string; segmentFilters: { predicates: { dimension: string; value: string }[] }[] }
    expect(query.segmentFilters[0]?.predicates).toEqual(
      expect.arrayContaining([expect.objectContaining({ dimension: 'addressTo', value: PHONE }), expect.objectContaining({ dimension: 'mediaType', value: 'message' })]),
    )
    expect(summary.messages).toMatchObject({ sent: 1, recovered: 1 })
  })

  it('timeout, then not found: dead-lettered outcome-unknown with the evidence after every look-up', async () => {
    const { local, summary } = await run({ simulator: { faults: { sequence: ['timeout'], timeoutHoldMs: 2_000 } } })
    expect(accepted(local)).toBe(0)
    expect(lookups(local)).toHaveLength(3)
    const letters = (await local.deadLetters()).filter((letter) => letter.queue === 'send-dlq')
    expect(letters).toHaveLength(1)
    expect(letters[0]?.reason).toBe('outcome-unknown')
    expect(letters[0]?.attributes.detail).toBe('not found in Genesys after 3 look-ups over 3 s')
    expect(summary.reconciliation).toMatchObject({ requested: 1, deadLettered: 1, balanced: true })
    expect(local.simulator?.agentlessRequests()).toHaveLength(1)
  })

  it('RESEND_IF_NOT_FOUND=true: not found after the last look-up, sent again, and Genesys has it exactly once', async () => {
    const { local, summary } = await run({ config: { RESEND_IF_NOT_FOUND: 'true' }, simulator: { faults: { sequence: ['timeout'], timeoutHoldMs: 2_000 } } })
    expect(local.simulator?.agentlessRequests()).toHaveLength(2)
    expect(accepted(local)).toBe(1)
    expect(summary.genesys.duplicateRecipients).toBe(0)
    expect(summary.deadLetters).toEqual([])
    expect(summary.reconciliation).toMatchObject({ requested: 1, sent: 1, balanced: true })
    expect(summary.messages).toMatchObject({ sent: 1, resent: 1 })
  })

  it('RESEND_IF_NOT_FOUND=true never resends Web Messaging (it joins the active conversation): dead-lettered with why', async () => {
    const { local } = await run({ config: { RESEND_IF_NOT_FOUND: 'true' }, simulator: { faults: { sequence: ['timeout'], timeoutHoldMs: 2_000 } } }, 'WEBMESSAGING')
    expect(local.simulator?.agentlessRequests()).toHaveLength(1)
    const [letter] = (await local.deadLetters()).filter((l) => l.queue === 'send-dlq')
    expect(letter?.attributes.detail).toMatch(/^not found in Genesys after 3 look-ups over 3 s; not resent: a Web Messaging send joins the active conversation/)
  })

  it('crash after send, then found: the worker died after Genesys accepted; the look-up settles it sent', async () => {
    const { local, summary } = await run({ chaos: { crashAfterSend: 1 } })
    expect(await local.deadLetters()).toEqual([])
    expect(local.faults.crashed).toBe(1)
    expect(accepted(local)).toBe(1)
    expect(local.simulator?.agentlessRequests()).toHaveLength(1)
    expect(summary.deadLetters).toEqual([])
    expect(summary.reconciliation).toMatchObject({ requested: 1, sent: 1, balanced: true })
    expect(sentEvents(local).at(-1)?.detail).toMatchObject({ recoveredBy: 'lookup' })
  })

  it('a failed look-up (403, the analytics permission missing): stays unknown, dead-lettered with that reason, never resent', async () => {
    const permissions = [PERMISSION_SEND, PERMISSION_QUEUES, PERMISSION_UTILIZATION]
    const { local } = await run({
      config: { RESEND_IF_NOT_FOUND: 'true' },
      simulator: { clients: { 'local-client': { secret: 'local-secret', permissions } }, faults: { sequence: ['acceptedTimeout'], timeoutHoldMs: 2_000 } },
    })
    expect(lookups(local).map((request) => request.status)).toEqual([403, 403, 403])
    expect(local.simulator?.agentlessRequests()).toHaveLength(1)
    const [letter] = (await local.deadLetters()).filter((l) => l.queue === 'send-dlq')
    expect(letter?.reason).toBe('outcome-unknown')
    expect(letter?.attributes.detail).toMatch(/^outcome unknown: 3 look-ups over 3 s, 0 not found, 3 failed \(permanent 403 missing\.permissions .*\); not resent$/)
    expect(local.tally.total('LookupsFailed')).toBe(3)
  })

  it('a malformed analytics answer is counted and looked up again later, never a crashed batch', async () => {
    cloud = await LocalCloud.start({ config: { MAX_MESSAGES_PER_TRIGGER: '10', GENESYS_TIMEOUT_MS: '500' }, simulator: { faults: { sequence: ['acceptedTimeout'], timeoutHoldMs: 2_000 } } })
    const local = cloud
    local.simulator?.setAnswer('query', 'malformed')
    const summary = await runScenario(local, oneRecipient('SMS'))
    expect(local.tally.total('GenesysResponsesMalformed')).toBe(3)
    expect(summary.reconciliation).toMatchObject({ requested: 1, deadLettered: 1, balanced: true })
    const [letter] = (await local.deadLetters()).filter((l) => l.queue === 'send-dlq')
    expect(letter?.attributes.detail).toMatch(/3 failed \(the analytics query answered/)
  })
})
