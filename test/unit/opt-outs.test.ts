/**
 * Opt-out keys (lib/domain/opt-outs.ts): an address an operator gives is normalised as send builds the agentless
 * body, so every spelling of one number is one entry and matches the key of the customer as the recorder stored
 * it; a value that cannot be normalised is an error naming its problem, never its digits. And send's order:
 * the check comes after preflight and before quiet hours and the dry run.
 */
import { describe, expect, it } from 'vitest'
import { customerKey } from '#lib/domain/address.ts'
import type { MessageRequest } from '#lib/domain/model.ts'
import { optOutKeyOf, withoutOptedOut } from '#lib/domain/opt-outs.ts'
import { parseQuietWindow } from '#lib/send/quiet-hours.ts'
import { sendMessage, type SendDeps } from '#lib/send/send-message.ts'
import { recordedSessions } from '../support/recorded-sessions.ts'
import { testSendSettings } from '../support/send-settings.ts'
import { capLedger } from '../support/cap-ledger.ts'

const keyOf = (channel: string, address: string) => {
  const key = optOutKeyOf(channel, address)
  if (!key.ok) throw new Error(key.problem)
  return key.key
}

describe('optOutKeyOf', () => {
  it('SMS: one key for every spelling of an E.164 number, equal to the stored customer key', () => {
    const stored = customerKey({ channel: 'sms', address: '+15553330001' })
    for (const spelling of ['+15553330001', '+1 (555) 333-0001', ' +1 555.333.0001 ', 'tel:+1-555-333-0001', 'sms:+15553330001']) expect(keyOf('sms', spelling), spelling).toBe(stored)
    expect(keyOf('sms', '+15553330002')).not.toBe(stored)
  })

  it('WhatsApp: digits, with or without + and separators', () => {
    const stored = customerKey({ channel: 'whatsapp', address: '447700900555' })
    for (const spelling of ['447700900555', '+44 7700 900555', 'whatsapp:+447700900555']) expect(keyOf('whatsapp', spelling), spelling).toBe(stored)
  })

  it('Web Messaging: the contact id, any case', () => {
    const id = '0b4e3a1c-2d5f-4e6a-8b7c-9d0e1f2a3b4c'
    expect(keyOf('webmessaging', id.toUpperCase())).toBe(customerKey({ channel: 'webmessaging', externalContactId: id }))
  })

  it('the channel is case-insensitive; the same number on two channels is two entries', () => {
    expect(keyOf('SMS', '+15553330001')).toBe(keyOf('sms', '+15553330001'))
    // As an operator types it into `proactive suppress` or an import file: spaces around the channel and the id.
    expect(keyOf(' WhatsApp ', '+447700900555')).toBe(keyOf('whatsapp', '447700900555'))
    expect(keyOf(' webmessaging\t', ' 0b4e3a1c-2d5f-4e6a-8b7c-9d0e1f2a3b4c ')).toBe(keyOf('webmessaging', '0b4e3a1c-2d5f-4e6a-8b7c-9d0e1f2a3b4c'))
    expect(keyOf('open', '+15553330001')).not.toBe(keyOf('sms', '+15553330001'))
  })

  it('quotes at most 40 characters of an unknown channel', () => {
    const channel = `fax${'x'.repeat(100)}`
    expect(optOutKeyOf(channel, '+15553330001')).toEqual({ ok: false, problem: `channel ${JSON.stringify(channel.slice(0, 40))} is not one of webmessaging, sms, whatsapp, open` })
  })

  it.each([
    ['sms', '555 333 0001', /address is not an international number.*"999 999 9999"/],
    ['sms', '+1 555 333 0001 0001 0001', /address is not an E\.164 phone number/],
    ['whatsapp', '07700 900555', /address is not a WhatsApp id.*first not 0/],
    ['webmessaging', 'someone@example.com', /address \(a Web Messaging contact id\) is not a contact id: expected a UUID/],
    ['open', '   ', /address is empty/],
    ['sms', '+1555\u200b3330001', /address contains invisible or control characters/],
    ['fax', '+15553330001', /channel "fax" is not one of webmessaging, sms, whatsapp, open/],
  ])('%s %j is an error naming the problem, never the digits', (channel, address, problem) => {
    const key = optOutKeyOf(channel, address)
    expect(key.ok).toBe(false)
    if (key.ok) return
    expect(key.problem).toMatch(problem)
    expect(key.problem).not.toMatch(/3330001|900555|555 333/)
  })
})

describe('withoutOptedOut', () => {
  it('leaves out the requests whose customer key is on the list, and counts them', () => {
    const listed = new Map([[customerKey({ channel: 'sms', address: '+15553330001' }), { since: 1 }]])
    const requests = [{ customer: { channel: 'sms' as const, address: '+15553330001' } }, { customer: { channel: 'sms' as const, address: '+15553330002' } }]
    expect(withoutOptedOut(requests, listed)).toEqual({ kept: [requests[1]], optedOut: 1 })
    expect(withoutOptedOut(requests, new Map())).toEqual({ kept: requests, optedOut: 0 })
  })
})

describe('sendMessage: the opt-out check in its place', () => {
  const request: MessageRequest = {
    dedupeKey: 't:c',
    conversationId: 'c',
    customer: { channel: 'sms', address: '+15553330001' },
    agentId: 'a',
    scope: 'agent',
    requestedAt: 1_000,
    triggerEventId: 't',
  }
  const settings = testSendSettings({
    channels: { sms: { fromAddress: '+13175550100', text: 'Hi' } },
    // Quiet all day: the opt-out must win over it.
    quietHours: { timeZone: 'UTC', byChannel: { sms: parseQuietWindow('00:00-23:59') } },
  })
  const deps = (listed: boolean, calls: string[], mode: 'live' | 'dry-run' = 'live'): SendDeps => ({
    clock: { now: () => 2_000 },
    genesys: { sendAgentless: async () => (calls.push('genesys'), { ok: true, status: 202 }) },
    pacer: { acquire: async () => void calls.push('pacer'), pause: () => {} },
    cap: capLedger({ calls }),
    ledger: { begin: async () => (calls.push('ledger'), 'started'), finish: async () => {}, markNotified: async () => {} },
    mode: { current: async () => mode },
    sessions: recordedSessions(request),
    optOuts: {
      optOutsOf: async (keys) => {
        calls.push(`optOuts ${keys.length}`)
        return new Map(listed ? keys.map((key) => [key, { since: 1 }]) : [])
      },
    },
  })

  it('opted out: reported before quiet hours and the dry run; no cap, pace, ledger or call', async () => {
    for (const mode of ['live', 'dry-run'] as const) {
      const calls: string[] = []
      expect(await sendMessage(request, deps(true, calls, mode), settings)).toEqual({ kind: 'opted-out' })
      expect(calls).toEqual(['optOuts 1'])
    }
    // Not on the list: the same request meets quiet hours next.
    expect(await sendMessage(request, deps(false, []), settings)).toMatchObject({ kind: 'quiet-hours' })
  })

  it('looks up the customer by the normalised key', async () => {
    let asked: readonly string[] = []
    const d = deps(false, [])
    const spelled = { ...request, customer: { channel: 'sms' as const, address: '+1 (555) 333-0001' } }
    await sendMessage(spelled, { ...d, optOuts: { optOutsOf: async (keys) => ((asked = keys), new Map()) } }, { ...settings, quietHours: undefined })
    expect(asked).toEqual([customerKey({ channel: 'sms', address: '+15553330001' })])
  })

  it('a request failing preflight is dead-lettered as invalid, not reported as opted out', async () => {
    const calls: string[] = []
    const broken = { ...request, customer: { channel: 'sms' as const, address: 'not a number' } }
    expect(await sendMessage(broken, { ...deps(true, calls), sessions: recordedSessions(broken) }, settings)).toMatchObject({ kind: 'invalid' })
    expect(calls).toEqual([])
  })
})
