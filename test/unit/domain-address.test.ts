import { describe, expect, it } from 'vitest'
import { customerKey, normaliseContactId, normaliseSmsNumber, normaliseWhatsappId, shapeOf } from '#lib/domain/address.ts'
import { parseGenesysEvent, type ConversationEvent } from '#lib/domain/events.ts'
import { buildAgentlessRequest } from '#lib/domain/payload.ts'
import { applyConversationEvent } from '#lib/domain/session.ts'
import { conversationEvent, routingStatusEvent, presenceEvent } from '../support/genesys-events.ts'
import { problemsOf } from '../support/event-problems.ts'

const CONVERSATION = '5a6b7c8d-0000-4000-8000-00000000c0a1'
const AGENT = '11111111-0000-4000-8000-00000000000a'
const CONTACT = 'c0417ac7-0000-4000-8000-00000000abcd'
const T = Date.parse('2026-03-01T10:00:00.000Z')
const SETTINGS = { fromAddress: '+13175550100', text: 'hi', templateResponseId: 'tpl' }

const customerStart = (messageType: string, fields: Record<string, unknown>) => conversationEvent('customer.start', { conversationId: CONVERSATION, at: T, messageType, ...fields })

describe('one normalisation of a customer address', () => {
  it('gives one cap key for a WhatsApp number written with and without +, as the send addresses it', () => {
    const withPlus = { channel: 'whatsapp' as const, address: '+447700900555' }
    const without = { channel: 'whatsapp' as const, address: '447700900555' }
    expect(customerKey(withPlus)).toBe(customerKey(without))
    expect(buildAgentlessRequest(withPlus, SETTINGS, 'hi').toAddress).toBe('447700900555')
  })

  it.each(['tel:+1 (317) 555-0123', 'sms:+13175550123', '+1.317.555.0123', ' +1 317 555 0123 ', 'TEL:+1-317-555-0123'])('normalises the SMS address %j to E.164', (raw) => {
    expect(normaliseSmsNumber(raw)).toEqual({ ok: true, value: '+13175550123' })
    expect(customerKey({ channel: 'sms', address: raw })).toBe('sms:+13175550123')
    expect(buildAgentlessRequest({ channel: 'sms', address: raw }, SETTINGS, 'hi').toAddress).toBe('+13175550123')
  })

  it('records a tel: SMS address normalised, with the field that supplied it', () => {
    const event = parseGenesysEvent(customerStart('SMS', { extra: { ani: 'tel:+1 317-555-0123' } })) as ConversationEvent
    expect(event).toMatchObject({ customerAddress: '+13175550123', addressField: 'ani' })
    const decision = applyConversationEvent(undefined, event, { windowMs: 3_600_000 })
    expect(decision.kind === 'write' && decision.session.customer).toEqual({ channel: 'sms', address: '+13175550123', addressField: 'ani' })
  })

  it('rejects a national SMS number at recording time, naming the field and the shape, not the digits', () => {
    const problems = problemsOf(customerStart('SMS', { addressFrom: '07700 900555' }))
    expect(problems).toEqual([{ field: 'detail.eventBody.addressFrom', problem: expect.stringMatching(/country code/) }])
    expect(problems[0]?.problem).toContain('"99999 999999"')
    expect(problems[0]?.problem).not.toMatch(/7700|900555/)
  })

  it('normalises a WhatsApp id written as +digits, whatsapp:, or with spaces', () => {
    for (const raw of ['+44 7700 900555', 'whatsapp:+447700900555', '447700900555']) expect(normaliseWhatsappId(raw)).toEqual({ ok: true, value: '447700900555' })
    expect(normaliseWhatsappId('07700900555').ok).toBe(false)
  })

  it.each([
    ['an e-mail', 'someone@example.com'],
    ['an RTL override', `${CONTACT.slice(0, 8)}\u202e${CONTACT.slice(8)}`],
    ['a zero-width space', `${CONTACT}\u200b`],
  ])('rejects a contact id that is %s, naming the field', (_what, raw) => {
    const problems = problemsOf(customerStart('WEBMESSAGING', { externalContactId: raw }))
    expect(problems.map((p) => p.field)).toContain('detail.eventBody.externalContactId')
    expect(problems[0]?.problem).toMatch(/UUID/)
    expect(problems[0]?.problem).not.toContain('someone')
  })

  it('keeps contact ids in the canonical lower-case form, so two spellings are one customer', () => {
    expect(normaliseContactId(CONTACT.toUpperCase())).toEqual({ ok: true, value: CONTACT })
    expect(customerKey({ channel: 'webmessaging', externalContactId: CONTACT.toUpperCase() })).toBe(customerKey({ channel: 'webmessaging', externalContactId: CONTACT }))
  })

  it('shows invisible characters in a shape', () => {
    expect(shapeOf('ab\u200b1')).toBe('"aa<U+200B>9", 4 characters')
  })
})

describe('smaller red-team findings', () => {
  it('rejects a userId that is no UUID (a `constructor` userId), naming the field', () => {
    const input = conversationEvent('user.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS', userId: 'constructor' })
    expect(problemsOf(input)).toEqual([{ field: 'detail.eventBody.userId', problem: expect.stringMatching(/UUID/) }])
  })

  it('folds agent ids with safe keys: `constructor` and `__proto__` are ordinary agents, nothing inherited', () => {
    for (const agentId of ['constructor', '__proto__', 'toString']) {
      const event = { ...(parseGenesysEvent(conversationEvent('user.start', { conversationId: CONVERSATION, at: T, messageType: 'SMS', userId: AGENT })) as ConversationEvent), userId: agentId }
      const decision = applyConversationEvent(undefined, event, { windowMs: 3_600_000 })
      if (decision.kind !== 'write') throw new Error('expected a write')
      const link = Object.getOwnPropertyDescriptor(decision.session.agents, agentId)?.value
      expect(link).toEqual({ connected: true, changedAt: T, connectedAt: T })
      expect(Object.getPrototypeOf(decision.session.agents)).toBe(Object.prototype)
      expect(decision.session.lastAgentId).toBe(agentId)
    }
  })

  it.each(['Sat Mar 01 2026 10:00:00', '2026-03-01 10:00:00', '2026-02-30T10:00:00Z', '2026-03-01T10:00:00', '2026-03-01T25:00:00Z'])('rejects the non-ISO or impossible date %j', (time) => {
    const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T }) as Record<string, any>
    envelope.time = time
    delete envelope.detail.timestamp
    delete envelope.detail.eventBody.modifiedDate
    expect(problemsOf(envelope)).toEqual([{ field: 'time', problem: expect.stringMatching(/ISO 8601/) }])
  })

  it('accepts ISO date-times with Z or an offset, with or without fractions', () => {
    for (const time of ['2026-03-01T10:00:00Z', '2026-03-01T10:00:00.123Z', '2026-03-01T11:00:00+01:00']) {
      const envelope = presenceEvent({ agentId: AGENT, systemPresence: 'AVAILABLE', at: T }) as Record<string, any>
      envelope.time = time
      expect(() => parseGenesysEvent(envelope)).not.toThrow()
    }
  })

  it('rejects a routing-status body id that differs from the topic’s user id', () => {
    const envelope = routingStatusEvent({ agentId: AGENT, status: 'IDLE', at: T }) as Record<string, any>
    envelope.detail.eventBody.id = '99999999-0000-4000-8000-000000000099'
    expect(problemsOf(envelope)).toEqual([{ field: 'detail.eventBody.id', problem: expect.stringMatching(/does not match/) }])
    envelope.detail.eventBody.id = AGENT.toUpperCase()
    expect(() => parseGenesysEvent(envelope)).not.toThrow()
  })
})
