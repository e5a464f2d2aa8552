/**
 * The reply-routing look-up against the local stack: the real handler served over HTTP by the local cloud, after
 * a scenario sent a proactive message through the real pipeline. Found (by the agentless conversation and by the
 * customer's address, however spelt), unknown customer, window passed, wrong and missing credentials, and bad
 * input naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalCloud } from '../../local/cloud.ts'
import { agentlessConversationId } from '../../local/genesys-simulator/routes/agentless.ts'
import { runScenario } from '../../local/run-scenario.ts'
import { conversationLifecycle, presenceEvent, uuidFrom } from '../support/genesys-events.ts'

const AGENT_A = uuidFrom('routing', 'agent-a')
const QUEUE = uuidFrom('routing', 'queue')
const HOUR = 3_600_000
const T = Date.parse('2025-06-10T12:00:00Z')
const NUMBER = '+15554440101'

let cloud: LocalCloud
/** When the scenario's message was sent (read from the look-up once the scenario ran). */
let messagedAt = T
beforeAll(async () => {
  cloud = await LocalCloud.start({ config: { REPLY_WINDOW_HOURS: '72' } })
  const events = [
    ...conversationLifecycle({ conversationId: uuidFrom('routing', 'first'), messageType: 'SMS', start: T - 2 * HOUR, agentId: AGENT_A, queueId: QUEUE, addressFrom: NUMBER }),
    presenceEvent({ agentId: AGENT_A, systemPresence: 'OFFLINE', at: T - 600_000 }),
    presenceEvent({ agentId: AGENT_A, systemPresence: 'ON_QUEUE', at: T }),
  ]
  const summary = await runScenario(
    cloud,
    events.map((event, index) => ({ ok: true as const, event, origin: `event ${index + 1}` })),
  )
  expect(summary.messages.sent).toBe(1)
  // Sent when send ran: the local clock was set to the trigger's time and runs on in real time.
  cloud.clock.set(T + HOUR)
  messagedAt = Date.parse(String((await lookUp({ channel: 'sms', address: NUMBER })).body.messagedAt))
})
afterAll(async () => {
  await cloud?.close()
})

const basic = (password: string) => `Basic ${Buffer.from(`genesys:${password}`).toString('base64')}`
async function lookUp(body: unknown, headers: Record<string, string> = { authorization: basic(cloud.replyRouting.key) }) {
  const response = await fetch(cloud.replyRouting.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('reply-routing look-up', () => {
  it('finds the triggering agent by the agentless conversation and by the address, however spelt', async () => {
    cloud.clock.set(T + HOUR)
    const found = await lookUp({ conversationId: agentlessConversationId('sms', NUMBER) })
    expect(found.status).toBe(200)
    expect(messagedAt).toBeGreaterThanOrEqual(T)
    expect(messagedAt).toBeLessThan(T + 30_000)
    const expected = { preferredAgentId: AGENT_A, messagedAt: new Date(messagedAt).toISOString() }
    expect(found.body).toEqual(expected)
    expect(await lookUp({ channel: 'sms', address: 'tel:+1 555 444 0101' })).toEqual({ status: 200, body: expected })
    // The flow's empty inputs are absent; the User Defined credential type's header works as Basic Auth does.
    expect(await lookUp({ conversationId: '', channel: 'sms', address: NUMBER, externalContactId: '' }, { 'x-reply-routing-key': cloud.replyRouting.key })).toEqual({ status: 200, body: expected })
  })

  it('answers 404 for a customer never messaged', async () => {
    cloud.clock.set(T + HOUR)
    const response = await lookUp({ channel: 'sms', address: '+15554440199' })
    expect(response.status).toBe(404)
    expect(JSON.stringify(response.body)).not.toContain('5554440199')
    expect((await lookUp({ conversationId: uuidFrom('routing', 'unknown') })).status).toBe(404)
  })

  it('answers 404 once the reply window has passed', async () => {
    cloud.clock.set(messagedAt + 72 * HOUR + 1)
    expect((await lookUp({ channel: 'sms', address: NUMBER })).status).toBe(404)
    // Just inside the window (the clock runs on while the request is made).
    cloud.clock.set(messagedAt + 72 * HOUR - 5_000)
    expect((await lookUp({ channel: 'sms', address: NUMBER })).status).toBe(200)
  })

  it('answers 401 revealing nothing for wrong or missing credentials, whatever the body', async () => {
    cloud.clock.set(T + HOUR)
    const unauthorized = { status: 401, body: { error: 'unauthorized' } }
    expect(await lookUp({ channel: 'sms', address: NUMBER }, { authorization: basic(`${cloud.replyRouting.key}x`) })).toEqual(unauthorized)
    expect(await lookUp({ channel: 'sms', address: NUMBER }, { 'x-reply-routing-key': cloud.replyRouting.key.slice(0, -1) })).toEqual(unauthorized)
    expect(await lookUp({ channel: 'sms', address: NUMBER }, {})).toEqual(unauthorized)
    expect(await lookUp('not json', {})).toEqual(unauthorized)
    expect(await lookUp({ channel: 'sms', address: NUMBER }, { authorization: 'Bearer whatever' })).toEqual(unauthorized)
  })

  it('answers 400 naming the field for a malformed request', async () => {
    cloud.clock.set(T + HOUR)
    const fieldsOf = (body: Record<string, unknown>) => (body.problems as { field: string }[]).map((problem) => problem.field)
    const noChannel = await lookUp({ address: NUMBER })
    expect(noChannel.status).toBe(400)
    expect(fieldsOf(noChannel.body)).toEqual(['channel'])
    const national = await lookUp({ channel: 'sms', address: '5554440101' })
    expect(fieldsOf(national.body)).toEqual(['address'])
    expect(JSON.stringify(national.body)).not.toContain('5554440101')
    expect(fieldsOf((await lookUp({ conversationId: 'conv-1' })).body)).toEqual(['conversationId'])
    expect(fieldsOf((await lookUp({ channel: 'fax', address: NUMBER })).body)).toEqual(['channel'])
    expect(fieldsOf((await lookUp({})).body)).toEqual(['conversationId'])
    expect(fieldsOf((await lookUp({ address: 42 })).body)).toEqual(['address'])
    expect(fieldsOf((await lookUp('{"broken"')).body)).toEqual(['(body)'])
    expect(fieldsOf((await lookUp([1, 2])).body)).toEqual(['(body)'])
  })
})
