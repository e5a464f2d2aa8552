import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CustomerAddress, Session } from '#lib/domain/model.ts'
import { dedupeKeyOf, isCapped, recipientKey, selectRecipients, windowOf, type Trigger } from '#lib/domain/targeting.ts'

const HOUR = 3_600_000
const WINDOW = 24 * HOUR
/** A fixed past instant: if anything used the wall clock instead of the trigger's time, every case would break. */
const AT = Date.parse('2024-05-01T12:00:00.000Z')
const AGENT = '9ed7d9f6-0c59-4360-ac54-40dd35eb9c2f'
const QUEUE = '33333333-0000-4000-8000-000000000001'
const TRIGGER: Trigger = { agentId: AGENT, eventId: 'presence-evt-1', at: AT, scope: 'agent' }

const web = (externalContactId: string): CustomerAddress => ({ channel: 'webmessaging', externalContactId })
const sms = (address: string): CustomerAddress => ({ channel: 'sms', address })

function session(conversationId: string, lastActiveAt: number, customer: CustomerAddress | undefined, extra: Partial<Session> = {}): Session {
  return {
    conversationId,
    ...(customer ? { channel: customer.channel, customer } : {}),
    queueId: QUEUE,
    lastAgentId: AGENT,
    agents: { [AGENT]: { connected: false, changedAt: lastActiveAt, connectedAt: lastActiveAt - 1000 } },
    lastActiveAt,
    expiresAt: Math.ceil((lastActiveAt + WINDOW + HOUR) / 1000),
    ...extra,
  }
}

describe('windowOf', () => {
  it('runs back from the event’s own time', () => {
    expect(windowOf(AT, WINDOW)).toEqual({ from: AT - WINDOW, to: AT })
  })
})

describe('selectRecipients: the window', () => {
  it('includes a session active exactly 24 h before the trigger and excludes one a millisecond older', () => {
    const result = selectRecipients([session('c-edge', AT - WINDOW, web('a')), session('c-old', AT - WINDOW - 1, web('b'))], TRIGGER, WINDOW)
    expect(result.requests.map((r) => r.conversationId)).toEqual(['c-edge'])
    expect(result.skipped.outsideWindow).toBe(1)
  })

  it('includes a session active at the trigger’s instant and excludes one active after it', () => {
    const result = selectRecipients([session('c-now', AT, web('a')), session('c-later', AT + 1, web('b'))], TRIGGER, WINDOW)
    expect(result.requests.map((r) => r.conversationId)).toEqual(['c-now'])
    expect(result.skipped.outsideWindow).toBe(1)
  })

  it('uses the configured window length', () => {
    const sessions = [session('c-1', AT - 2 * HOUR, web('a')), session('c-2', AT - 2 * HOUR - 1, web('b'))]
    expect(selectRecipients(sessions, TRIGGER, 2 * HOUR).requests.map((r) => r.conversationId)).toEqual(['c-1'])
  })
})

describe('selectRecipients: who is skipped', () => {
  it('skips a conversation where an agent is still connected', () => {
    const busy = session('c-busy', AT - HOUR, web('a'), {
      agents: { [AGENT]: { connected: false, changedAt: AT - HOUR }, other: { connected: true, changedAt: AT - HOUR } },
    })
    const result = selectRecipients([busy, session('c-free', AT - HOUR, web('b'))], TRIGGER, WINDOW)
    expect(result.requests.map((r) => r.conversationId)).toEqual(['c-free'])
    expect(result.skipped.agentConnected).toBe(1)
  })

  it('skips sessions without a way to reach the customer', () => {
    const result = selectRecipients([session('c-none', AT - HOUR, undefined), session('c-empty', AT - HOUR, undefined, { customer: { channel: 'sms' } })], TRIGGER, WINDOW)
    expect(result.requests).toEqual([])
    expect(result.skipped.noAddress).toBe(2)
  })

  it('counts a session without an address but with an agent connected as agentConnected, not noAddress', () => {
    const served = session('c-served', AT - HOUR, undefined, { agents: { [AGENT]: { connected: true, changedAt: AT - HOUR } } })
    const result = selectRecipients([served, session('c-none', AT - HOUR, undefined)], TRIGGER, WINDOW)
    expect(result.requests).toEqual([])
    expect(result.skipped).toEqual({ outsideWindow: 0, agentConnected: 1, noAddress: 1, sameCustomer: 0 })
  })

  it('counts the same conversation listed twice only once', () => {
    const item = session('c-1', AT - HOUR, web('a'))
    const result = selectRecipients([item, item], TRIGGER, WINDOW)
    expect(result.requests).toHaveLength(1)
    expect(result.skipped).toEqual({ outsideWindow: 0, agentConnected: 0, noAddress: 0, sameCustomer: 0 })
  })
})

describe('selectRecipients: one message per customer', () => {
  it('sends one request per customer, from the newest session', () => {
    const sessions = [
      session('c-old', AT - 5 * HOUR, web('contact-1'), { queueId: 'queue-old' }),
      session('c-new', AT - 1 * HOUR, web('contact-1'), { queueId: 'queue-new' }),
      session('c-mid', AT - 3 * HOUR, web('contact-1')),
      session('c-other', AT - 4 * HOUR, web('contact-2')),
    ]
    const result = selectRecipients(sessions, TRIGGER, WINDOW)
    expect(result.requests.map((r) => [r.conversationId, r.customer])).toEqual([
      ['c-new', web('contact-1')],
      ['c-other', web('contact-2')],
    ])
    expect(result.requests[0]?.queueId).toBe('queue-new')
    expect(result.skipped.sameCustomer).toBe(2)
  })

  it('does not message a customer whose newest conversation still has an agent connected, not even from an older one', () => {
    const sessions = [session('c-busy-newer', AT - HOUR, sms('+15550001111'), { agents: { x: { connected: true, changedAt: AT - HOUR } } }), session('c-older', AT - 2 * HOUR, sms('+15550001111'))]
    const result = selectRecipients(sessions, TRIGGER, WINDOW)
    expect(result.requests).toEqual([])
    expect(result.skipped).toMatchObject({ agentConnected: 1, sameCustomer: 1 })
  })

  it('does message from the newest conversation when only an older one still shows an agent connected', () => {
    const sessions = [session('c-stale-busy', AT - 2 * HOUR, sms('+15550001111'), { agents: { x: { connected: true, changedAt: AT - 2 * HOUR } } }), session('c-newer', AT - HOUR, sms('+15550001111'))]
    expect(selectRecipients(sessions, TRIGGER, WINDOW).requests.map((r) => r.conversationId)).toEqual(['c-newer'])
  })

  it('treats one phone number as one customer, whatever external contact ids its conversations carried', () => {
    const sessions = [
      session('c-with-contact', AT - HOUR, { channel: 'sms', address: '+15550001111', externalContactId: 'contact-1' }),
      session('c-duplicate-contact', AT - 2 * HOUR, { channel: 'sms', address: '+15550001111', externalContactId: 'contact-1-dup' }),
      session('c-no-contact', AT - 3 * HOUR, sms('+15550001111')),
    ]
    const result = selectRecipients(sessions, TRIGGER, WINDOW)
    expect(result.requests.map((r) => r.conversationId)).toEqual(['c-with-contact'])
    expect(result.skipped.sameCustomer).toBe(2)
  })

  it('treats the same id on different channels as different customers', () => {
    const sessions = [session('c-web', AT - HOUR, web('x')), session('c-open', AT - HOUR, { channel: 'open', externalContactId: 'x' })]
    expect(selectRecipients(sessions, TRIGGER, WINDOW).requests).toHaveLength(2)
  })

  it('picks the same session whatever the input order when two sessions of a customer are equally recent', () => {
    const a = session('c-a', AT - HOUR, web('contact-1'))
    const b = session('c-b', AT - HOUR, web('contact-1'))
    const forward = selectRecipients([a, b], TRIGGER, WINDOW).requests
    const backward = selectRecipients([b, a], TRIGGER, WINDOW).requests
    expect(forward).toHaveLength(1)
    expect(backward).toEqual(forward)
  })
})

describe('selectRecipients: the requests', () => {
  it('builds each request from the trigger and the session, newest first', () => {
    const sessions = [session('c-1', AT - 2 * HOUR, web('contact-1')), session('c-2', AT - HOUR, sms('+15550001111'), { queueId: undefined })]
    const { requests } = selectRecipients(sessions, { ...TRIGGER, scope: 'queue' }, WINDOW)
    expect(requests).toEqual([
      {
        dedupeKey: dedupeKeyOf(TRIGGER, 'c-2'),
        conversationId: 'c-2',
        customer: sms('+15550001111'),
        agentId: AGENT,
        scope: 'queue',
        requestedAt: AT,
        triggerEventId: 'presence-evt-1',
      },
      {
        dedupeKey: dedupeKeyOf(TRIGGER, 'c-1'),
        conversationId: 'c-1',
        customer: web('contact-1'),
        queueId: QUEUE,
        agentId: AGENT,
        scope: 'queue',
        requestedAt: AT,
        triggerEventId: 'presence-evt-1',
      },
    ])
  })

  it('makes dedupe keys deterministic: same trigger and recipient ⇒ same key; another trigger ⇒ another key', () => {
    expect(dedupeKeyOf(TRIGGER, 'c-1')).toBe(dedupeKeyOf({ ...TRIGGER }, 'c-1'))
    expect(dedupeKeyOf(TRIGGER, 'c-1')).not.toBe(dedupeKeyOf(TRIGGER, 'c-2'))
    expect(dedupeKeyOf(TRIGGER, 'c-1')).not.toBe(dedupeKeyOf({ ...TRIGGER, eventId: 'presence-evt-2' }, 'c-1'))
  })

  it('recipientKey names the channel and the customer', () => {
    expect(recipientKey(web('contact-1'))).toBe('webmessaging:contact-1')
    expect(recipientKey(sms('+15550001111'))).toBe('sms:+15550001111')
    // Keyed on what the agentless request is addressed to: the number for SMS/WhatsApp, the address first for Open.
    expect(recipientKey({ channel: 'sms', address: '+15550001111', externalContactId: 'contact-1' })).toBe('sms:+15550001111')
    expect(recipientKey({ channel: 'open', address: 'user@open.example', externalContactId: 'contact-2' })).toBe('open:user@open.example')
    expect(recipientKey({ channel: 'open', externalContactId: 'contact-2' })).toBe('open:contact-2')
    expect(recipientKey({ channel: 'webmessaging', externalContactId: 'contact-1', address: 'ignored' })).toBe('webmessaging:contact-1')
    expect(recipientKey(web('x'))).not.toBe(recipientKey({ channel: 'open', externalContactId: 'x' }))
  })
})

describe('selectRecipients (property): the answer does not depend on the order sessions come back in', () => {
  const customers = [web('contact-1'), web('contact-2'), sms('+15550001111'), { channel: 'whatsapp', address: '15550001111' } as const, undefined]
  const sessionArb = fc.record({
    conversation: fc.integer({ min: 0, max: 9 }),
    hoursAgo: fc.integer({ min: -2, max: 26 }),
    customer: fc.nat({ max: customers.length - 1 }),
    connected: fc.boolean(),
  })
  const scenarioArb = fc
    .uniqueArray(sessionArb, { maxLength: 10, selector: (s) => s.conversation })
    .chain((specs) => fc.record({ specs: fc.constant(specs), order: fc.shuffledSubarray([...specs.keys()], { minLength: specs.length }) }))

  it('gives the same requests and dedupe keys for any order, at most one per customer, all inside the window', () => {
    fc.assert(
      fc.property(scenarioArb, ({ specs, order }) => {
        const sessions = specs.map((s) => session(`c-${s.conversation}`, AT - s.hoursAgo * HOUR, customers[s.customer], s.connected ? { agents: { x: { connected: true, changedAt: 0 } } } : {}))
        const result = selectRecipients(sessions, TRIGGER, WINDOW)
        const shuffled = selectRecipients(
          order.map((i) => sessions[i] as Session),
          TRIGGER,
          WINDOW,
        )
        expect(shuffled).toEqual(result)
        const keys = result.requests.map((r) => recipientKey(r.customer))
        expect(new Set(keys).size).toBe(keys.length)
        for (const request of result.requests) {
          const source = sessions.find((s) => s.conversationId === request.conversationId) as Session
          expect(source.lastActiveAt).toBeGreaterThanOrEqual(AT - WINDOW)
          expect(source.lastActiveAt).toBeLessThanOrEqual(AT)
          // The request's session is the customer's newest in the window (ties: smallest conversation id).
          const ofCustomer = sessions.filter((s) => s.customer && recipientKey(s.customer) === recipientKey(request.customer) && s.lastActiveAt >= AT - WINDOW && s.lastActiveAt <= AT)
          const newest = Math.max(...ofCustomer.map((s) => s.lastActiveAt))
          expect(source.lastActiveAt).toBe(newest)
          expect(source.conversationId).toBe(
            ofCustomer
              .filter((s) => s.lastActiveAt === newest)
              .map((s) => s.conversationId)
              .sort()[0],
          )
          expect(source.agents.x?.connected ?? false).toBe(false)
        }
        // And every customer whose newest session in the window is free gets one.
        const inWindow = sessions.filter((s) => s.customer && s.lastActiveAt >= AT - WINDOW && s.lastActiveAt <= AT)
        const newestByKey = new Map<string, Session>()
        for (const s of [...inWindow].sort((a, b) => b.lastActiveAt - a.lastActiveAt || (a.conversationId < b.conversationId ? -1 : 1))) {
          const key = recipientKey(s.customer as CustomerAddress)
          if (!newestByKey.has(key)) newestByKey.set(key, s)
        }
        const expectedKeys = [...newestByKey].filter(([, s]) => !s.agents.x?.connected).map(([key]) => key)
        expect([...keys].sort()).toEqual(expectedKeys.sort())
        const { skipped } = result
        expect(result.requests.length + skipped.outsideWindow + skipped.agentConnected + skipped.noAddress + skipped.sameCustomer).toBe(sessions.length)
      }),
      { seed: 7, numRuns: 150 },
    )
  })
})

describe('isCapped (presence leaves these customers out; send enforces the same rule atomically)', () => {
  const CAP = 24 * 3_600_000
  const AT = 1_700_000_000_000
  it('caps a customer reserved by another request within the window', () => {
    expect(isCapped({ reservedAt: AT - 1_000, dedupeKey: 'other:c' }, AT, CAP, 'mine:c')).toBe(true)
    expect(isCapped({ reservedAt: AT - CAP + 1, dedupeKey: 'other:c' }, AT, CAP, 'mine:c')).toBe(true)
  })
  it('lets a customer through with no reservation, one as old as the window, or one made for this request', () => {
    expect(isCapped(undefined, AT, CAP, 'mine:c')).toBe(false)
    expect(isCapped({ reservedAt: AT - CAP, dedupeKey: 'other:c' }, AT, CAP, 'mine:c')).toBe(false)
    expect(isCapped({ reservedAt: AT - 1_000, dedupeKey: 'mine:c' }, AT, CAP, 'mine:c')).toBe(false)
  })
})
