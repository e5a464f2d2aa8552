/**
 * Event times at their exact edges (lib/domain/events.ts): the last second of a day, month and year, the last day
 * of each month (29 February only in a leap year), the largest offsets, and the accepted years 2000 to 2100. A
 * real event at 23:59:59 on 31 December refused as "not ISO 8601" would be lost; one dated 9999 accepted would
 * make every later event look stale.
 */
import { describe, expect, it } from 'vitest'
import { normaliseStatus } from '#lib/presence/availability.ts'
import { isStrictIsoDateTime, parseGenesysEvent } from '#lib/domain/events.ts'
import { problemsOf } from '../support/event-problems.ts'
import { presenceEvent } from '../support/genesys-events.ts'

const AGENT = '9ed7d9f6-0c59-4360-ac54-40dd35eb9c2f'

describe('isStrictIsoDateTime: real calendar days and clock times, to the edge', () => {
  it.each([
    '2026-12-31T23:59:59Z',
    '2026-12-31T23:59:59.999999999Z',
    '2026-01-01T00:00:00Z',
    '2026-01-31T10:00:00Z',
    '2026-04-30T10:00:00Z',
    '2026-02-28T10:00:00Z',
    '2028-02-29T10:00:00Z',
    '2026-03-01T10:00:00+23:59',
    '2026-03-01T10:00:00-23:59',
    '2026-03-01T10:00:00-00:00',
  ])('accepts %s', (value) => expect(isStrictIsoDateTime(value)).toBe(true))

  it.each([
    '2026-00-10T10:00:00Z',
    '2026-13-10T10:00:00Z',
    '2026-03-00T10:00:00Z',
    '2026-01-32T10:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-02-29T10:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T10:60:00Z',
    '2026-03-01T10:00:60Z',
    '2026-03-01T10:00:00+24:00',
    '2026-03-01T10:00:00+23:60',
    'x2026-03-01T10:00:00Z',
    '2026-03-01T10:00:00Zx',
    // Date.parse reads these as 2001-01-01 (V8's fallback parser skips a `(` comment) and as 2026 (expanded year):
    // only the anchored pattern refuses them.
    '1(2026-03-01T10:00:00Z',
    '+002026-03-01T10:00:00Z',
  ])('refuses %s', (value) => expect(isStrictIsoDateTime(value)).toBe(false))
})

describe('event time bounds: 2000-01-01 to 2100-01-01 inclusive', () => {
  const withTime = (time: string) => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: Date.parse('2026-03-01T10:00:00Z') }) as Record<string, any>
    envelope.time = time
    delete envelope.detail.timestamp
    delete envelope.detail.eventBody.modifiedDate
    return envelope
  }

  it.each(['2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z'])('accepts the bound %s', (time) => {
    expect(parseGenesysEvent(withTime(time))).toMatchObject({ kind: 'agent', at: Date.parse(time) })
  })

  it.each(['1999-12-31T23:59:59.999Z', '2100-01-01T00:00:00.001Z', '9999-12-31T23:59:59Z'])('refuses %s, naming the field and the range', (time) => {
    expect(problemsOf(withTime(time))).toEqual([{ field: 'time', problem: 'expected a date-time between 2000 and 2100' }])
  })
})

describe('presence names as settings and events spell them (AVAILABLE_PRESENCES)', () => {
  it.each([
    ['ON_QUEUE', 'ON_QUEUE'],
    [' on queue ', 'ON_QUEUE'],
    ['On-Queue', 'ON_QUEUE'],
    ['on - queue', 'ON_QUEUE'],
    ['OnQueue', 'ON_QUEUE'],
    ['ONQUEUEX', 'ONQUEUEX'],
    ['XONQUEUE', 'XONQUEUE'],
    ['Available', 'AVAILABLE'],
  ])('%j is %j', (spelling, expected) => expect(normaliseStatus(spelling)).toBe(expected))
})
