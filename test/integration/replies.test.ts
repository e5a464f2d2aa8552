/**
 * Replies to proactive messages, recognised from the conversation events the session recorder consumes, through
 * the real handlers on the local cloud (dynalite, local SQS, the local buses, the Genesys simulator): a threaded
 * reply on the agentless conversation id the simulator returned, a reply in a new conversation (another spelling
 * of the number), a reply after the window, a reply served by another agent, a customer messaged in two cap
 * windows who replies once, and a customer never messaged.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { agentlessConversationId } from '../../local/genesys-simulator/routes/agentless.ts'
import { runScenario, type RunSummary } from '../../local/run-scenario.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { conversationLifecycle, customerReply, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT_A = uuidFrom('replies', 'agent-a')
const AGENT_B = uuidFrom('replies', 'agent-b')
const QUEUE = uuidFrom('replies', 'queue')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const T = Date.parse('2025-06-10T12:00:00Z')
const NUMBER = '+15554440001'
const STRANGER = '+15554440009'

/** The customer's conversation with A, ended 2 h before T; then A goes off and On Queue at `at`. */
const history = (): GenesysEnvelope[] =>
  conversationLifecycle({ conversationId: uuidFrom('replies', 'first'), messageType: 'SMS', start: T - 2 * HOUR, agentId: AGENT_A, queueId: QUEUE, addressFrom: NUMBER })
const backOnQueue = (at: number): GenesysEnvelope[] => [
  presenceEvent({ agentId: AGENT_A, systemPresence: 'OFFLINE', at: at - 10 * MINUTE }),
  presenceEvent({ agentId: AGENT_A, systemPresence: 'ON_QUEUE', at }),
]
/** The agentless conversation of the nth message the simulator accepted for NUMBER. */
const thread = (nth = 1) => agentlessConversationId('sms', NUMBER, nth)

const entries = (events: readonly GenesysEnvelope[]) => events.map((event, index) => ({ ok: true as const, event, origin: `event ${index + 1}` }))
const details = (cloud: LocalCloud, detailType: string) => cloud.replies.filter((event: EventEnvelope) => event['detail-type'] === detailType).map((event) => event.detail as Record<string, unknown>)
const sentKeys = (cloud: LocalCloud) => cloud.outcomes.filter((event) => event['detail-type'] === APP_DETAIL_TYPES.sent).map((event) => (event.detail as { dedupeKey: string }).dedupeKey)
const answeredCounts = (summary: RunSummary) => ({
  answered: summary.messages.answered,
  answeredByTriggeringAgent: summary.messages.answeredByTriggeringAgent,
  answeredByOtherAgent: summary.messages.answeredByOtherAgent,
})

/**
 * The message went out when send ran: the local clock is set to the trigger's time and runs on in real time, so a
 * little after it. The time to reply is measured from then.
 */
function expectMessagedSoonAfter(detail: Record<string, unknown> | undefined, trigger: number): void {
  const messagedAt = detail?.messagedAt as number
  expect(messagedAt).toBeGreaterThanOrEqual(trigger)
  expect(messagedAt).toBeLessThan(trigger + 30_000)
  expect(detail?.timeToReplyMs).toBe((detail?.repliedAt as number) - messagedAt)
}

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

describe('replies to proactive messages', () => {
  it('a threaded reply on the agentless conversation, served by the triggering agent, counted once though delivered twice', async () => {
    cloud = await LocalCloud.start({})
    const reply = customerReply({ messageType: 'SMS', threadedOn: thread(), at: T + HOUR, queueId: QUEUE, agentId: AGENT_A })
    const summary = await runScenario(cloud, entries([...history(), ...backOnQueue(T), ...reply, ...reply]))
    expect(summary.messages.sent).toBe(1)
    expect(answeredCounts(summary)).toEqual({ answered: 1, answeredByTriggeringAgent: 1, answeredByOtherAgent: 0 })
    const [answered] = details(cloud, APP_DETAIL_TYPES.answered)
    // The reply's acd.start, 1 s after the customer wrote.
    expect(answered).toMatchObject({ dedupeKey: sentKeys(cloud)[0], channel: 'sms', agentId: AGENT_A, queueId: QUEUE, reply: 'threaded', conversationId: thread(), repliedAt: T + HOUR + 1_000 })
    expectMessagedSoonAfter(answered, T)
    expect(details(cloud, APP_DETAIL_TYPES.replyServed)[0]).toMatchObject({ servedBy: 'triggering-agent', servedByAgentId: AGENT_A, conversationId: thread() })
    expect(cloud.tally.measured('TimeToReply')).toEqual([(answered?.timeToReplyMs as number) / 1000])
    // No personal data in what is published.
    expect(JSON.stringify(cloud.replies)).not.toContain('5554440001')
  })

  it('a reply in a new conversation, the number spelt another way, is the same customer', async () => {
    cloud = await LocalCloud.start({})
    const reply = customerReply({ messageType: 'SMS', conversationId: uuidFrom('replies', 'new'), addressFrom: `tel:${NUMBER}`, at: T + 2 * HOUR, queueId: QUEUE, agentId: AGENT_A })
    const summary = await runScenario(cloud, entries([...history(), ...backOnQueue(T), ...reply]))
    expect(answeredCounts(summary)).toEqual({ answered: 1, answeredByTriggeringAgent: 1, answeredByOtherAgent: 0 })
    const [answered] = details(cloud, APP_DETAIL_TYPES.answered)
    expect(answered).toMatchObject({ reply: 'new-conversation', conversationId: uuidFrom('replies', 'new'), repliedAt: T + 2 * HOUR })
    expectMessagedSoonAfter(answered, T)
  })

  it('a reply served by another agent says so', async () => {
    cloud = await LocalCloud.start({})
    const reply = customerReply({ messageType: 'SMS', threadedOn: thread(), at: T + HOUR, queueId: QUEUE, agentId: AGENT_B })
    const summary = await runScenario(cloud, entries([...history(), ...backOnQueue(T), ...reply]))
    expect(answeredCounts(summary)).toEqual({ answered: 1, answeredByTriggeringAgent: 0, answeredByOtherAgent: 1 })
    expect(details(cloud, APP_DETAIL_TYPES.replyServed)[0]).toMatchObject({ agentId: AGENT_A, servedBy: 'other-agent', servedByAgentId: AGENT_B })
  })

  it('activity after the reply window is not a reply', async () => {
    cloud = await LocalCloud.start({ config: { REPLY_WINDOW_HOURS: '72' } })
    const late = customerReply({ messageType: 'SMS', conversationId: uuidFrom('replies', 'late'), addressFrom: NUMBER, at: T + 72 * HOUR + MINUTE, queueId: QUEUE, agentId: AGENT_A })
    const summary = await runScenario(cloud, entries([...history(), ...backOnQueue(T), ...late]))
    expect(summary.messages.sent).toBe(1)
    expect(answeredCounts(summary)).toEqual({ answered: 0, answeredByTriggeringAgent: 0, answeredByOtherAgent: 0 })
    expect(cloud.replies).toEqual([])
  })

  it('a customer messaged in two cap windows who replies once is counted once, for the latest message', async () => {
    // The first conversation stays in the 48 h window, so the trigger 25 h later (past the 24 h cap) messages again.
    cloud = await LocalCloud.start({ config: { WINDOW_HOURS: '48', CAP_HOURS: '24' } })
    const second = T + 25 * HOUR
    const reply = customerReply({ messageType: 'SMS', threadedOn: thread(2), at: second + HOUR, queueId: QUEUE, agentId: AGENT_A })
    const summary = await runScenario(cloud, entries([...history(), ...backOnQueue(T), ...backOnQueue(second), ...reply]))
    expect(summary.messages.sent).toBe(2)
    expect(answeredCounts(summary)).toEqual({ answered: 1, answeredByTriggeringAgent: 1, answeredByOtherAgent: 0 })
    const answered = details(cloud, APP_DETAIL_TYPES.answered)
    expect(new Set(answered.map((detail) => detail.dedupeKey))).toEqual(new Set([sentKeys(cloud)[1]]))
    expect(answered[0]).toMatchObject({ repliedAt: second + HOUR + 1_000 })
    expectMessagedSoonAfter(answered[0], second)
  })

  it('a customer never messaged is not a reply', async () => {
    cloud = await LocalCloud.start({})
    const stranger = customerReply({ messageType: 'SMS', conversationId: uuidFrom('replies', 'stranger'), addressFrom: STRANGER, at: T + HOUR, queueId: QUEUE, agentId: AGENT_A })
    const summary = await runScenario(cloud, entries([...history(), ...backOnQueue(T), ...stranger]))
    expect(summary.messages.sent).toBe(1)
    expect(answeredCounts(summary)).toEqual({ answered: 0, answeredByTriggeringAgent: 0, answeredByOtherAgent: 0 })
  })
})
