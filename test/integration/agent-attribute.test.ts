/**
 * REPLY_AGENT_ATTRIBUTE through the real handlers: on, a sent message is followed by the read of its agentless
 * conversation and the PATCH of the triggering agent's id on its customer participant; off (the default), no
 * extra request; a PATCH that fails leaves the message sent and is counted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud } from '../../local/cloud.ts'
import { agentlessConversationId } from '../../local/genesys-simulator/routes/agentless.ts'
import { customerParticipantIdOf } from '../../local/genesys-simulator/routes/message-status.ts'
import { runScenario } from '../../local/run-scenario.ts'
import { METRIC_NAMES } from '../../lib/metrics-names.ts'
import { conversationLifecycle, presenceEvent, uuidFrom } from '../support/genesys-events.ts'

const AGENT = uuidFrom('attribute', 'agent')
const QUEUE = uuidFrom('attribute', 'queue')
const HOUR = 3_600_000
const T = Date.parse('2025-06-10T12:00:00Z')
const NUMBER = '+15554440301'

async function sendOne(local: LocalCloud) {
  const events = [
    ...conversationLifecycle({ conversationId: uuidFrom('attribute', 'first'), messageType: 'SMS', start: T - 2 * HOUR, agentId: AGENT, queueId: QUEUE, addressFrom: NUMBER }),
    presenceEvent({ agentId: AGENT, systemPresence: 'OFFLINE', at: T - 600_000 }),
    presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T }),
  ]
  return runScenario(
    local,
    events.map((event, index) => ({ ok: true as const, event, origin: `event ${index + 1}` })),
  )
}

const apiCalls = (local: LocalCloud) => (local.simulator?.requests ?? []).filter((r) => r.path.startsWith('/api/v2/conversations/')).map((r) => `${r.method} ${r.path}`)

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

describe('the triggering agent written as a participant attribute', () => {
  it('on: reads the agentless conversation and writes the agent id on its customer participant', async () => {
    cloud = await LocalCloud.start({ config: { REPLY_AGENT_ATTRIBUTE: 'on' } })
    const summary = await sendOne(cloud)
    expect(summary.messages.sent).toBe(1)
    const conversationId = agentlessConversationId('sms', NUMBER)
    const conversationPath = `/api/v2/conversations/messages/${conversationId}`
    const attributesPath = `${conversationPath}/participants/${customerParticipantIdOf(conversationId)}/attributes`
    expect(apiCalls(cloud)).toEqual(['POST /api/v2/conversations/messages/agentless', `GET ${conversationPath}`, `PATCH ${attributesPath}`])
    const patch = cloud.simulator?.requests.find((r) => r.method === 'PATCH')
    expect(patch?.status).toBe(200)
    expect(patch?.body).toEqual({ attributes: { proactiveTriggeringAgentId: AGENT } })
    expect(cloud.tally.total(METRIC_NAMES.agentAttributesWritten)).toBe(1)
    expect(cloud.tally.total(METRIC_NAMES.agentAttributeFailures)).toBe(0)
  })

  it('off (the default): no request after the send', async () => {
    cloud = await LocalCloud.start({})
    expect((await sendOne(cloud)).messages.sent).toBe(1)
    expect(apiCalls(cloud)).toEqual(['POST /api/v2/conversations/messages/agentless'])
    expect(cloud.tally.total(METRIC_NAMES.agentAttributesWritten)).toBe(0)
  })

  it('a failed PATCH leaves the message sent, not resent, and is counted', async () => {
    cloud = await LocalCloud.start({ config: { REPLY_AGENT_ATTRIBUTE: 'on' } })
    // The agent's utilization read, the send and the conversation read pass; the PATCH draws a 5xx.
    cloud.simulator?.setFaults({ sequence: ['none', 'none', 'none', 'http5xx'] })
    const summary = await sendOne(cloud)
    expect(summary.messages.sent).toBe(1)
    expect(cloud.simulator?.requests.find((r) => r.method === 'PATCH')?.status).toBe(503)
    expect(cloud.simulator?.agentlessRequests()).toHaveLength(1)
    expect(cloud.tally.total(METRIC_NAMES.agentAttributeFailures)).toBe(1)
    expect(cloud.tally.total(METRIC_NAMES.agentAttributesWritten)).toBe(0)
    expect(await cloud.deadLetters()).toEqual([])
  })
})
