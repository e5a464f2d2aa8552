/**
 * Time comes from the clock: an event whose own time is more than MAX_CLOCK_SKEW_SECONDS ahead of when it was
 * received (the envelope's `time`) or of the processing clock is taken at the receive time, and says so.
 */
import { describe, expect, it } from 'vitest'
import { parseGenesysEvent } from '#lib/domain/events.ts'
import { conversationEvent, presenceEvent, routingStatusEvent, uuidFrom } from '../support/genesys-events.ts'

const AGENT = uuidFrom('skew', 'agent')
const T = Date.parse('2026-03-02T20:00:00Z')
const HOUR = 3_600_000
const SKEW = { maxSkewMs: 300_000 }
const iso = (at: number) => new Date(at).toISOString()

function presenceDatedAt(bodyAt: number, receivedAt = T) {
  const event = presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: receivedAt })
  ;(event.detail.eventBody as Record<string, unknown>).modifiedDate = iso(bodyAt)
  return event
}

describe('an event dated ahead of its receipt', () => {
  it('10 h ahead of the envelope: taken at the receive time, marked', () => {
    const event = parseGenesysEvent(presenceDatedAt(T + 10 * HOUR), SKEW)
    expect(event).toMatchObject({ at: T, presence: { at: T }, clockSkewClamped: true })
  })

  it('within the skew (300 s) it is kept as it is, one millisecond more is clamped', () => {
    const kept = parseGenesysEvent(presenceDatedAt(T + 300_000), SKEW)
    expect(kept.at).toBe(T + 300_000)
    expect(kept.clockSkewClamped).toBeUndefined()
    expect(parseGenesysEvent(presenceDatedAt(T + 300_001), SKEW)).toMatchObject({ at: T, clockSkewClamped: true })
  })

  it('an envelope itself ahead of the processing clock: everything judged against the clock', () => {
    const event = parseGenesysEvent(presenceDatedAt(T + 10 * HOUR, T + 10 * HOUR), { ...SKEW, now: T })
    expect(event).toMatchObject({ at: T, clockSkewClamped: true })
    expect(parseGenesysEvent(presenceDatedAt(T), { ...SKEW, now: T }).clockSkewClamped).toBeUndefined()
  })

  it('a routing status and a conversation event are clamped the same way; an event in the past is never moved', () => {
    const routing = routingStatusEvent({ agentId: AGENT, status: 'IDLE', at: T })
    ;(routing.detail.eventBody as { routingStatus: Record<string, unknown> }).routingStatus.startTime = iso(T + 2 * HOUR)
    expect(parseGenesysEvent(routing, SKEW)).toMatchObject({ at: T, routing: { at: T }, clockSkewClamped: true })

    const conversation = conversationEvent('customer.start', { conversationId: uuidFrom('skew', 'c'), at: T, messageType: 'SMS', addressFrom: '+15553330001' })
    ;(conversation.detail.eventBody as Record<string, unknown>).eventTime = T + 30 * HOUR
    expect(parseGenesysEvent(conversation, SKEW)).toMatchObject({ at: T, clockSkewClamped: true })

    expect(parseGenesysEvent(presenceDatedAt(T - 2 * HOUR), SKEW)).toMatchObject({ at: T - 2 * HOUR })
  })
})
