import { describe, expect, it } from 'vitest'
import type { MessageRequest } from '#lib/domain/model.ts'
import { sessionMismatch } from '#lib/send/session-trust.ts'
import { sendMessage, type SendDeps, type SendSettings } from '#lib/send/send-message.ts'
import { recordedSessions, sessionBacking } from '../support/recorded-sessions.ts'
import { testSendSettings } from '../support/send-settings.ts'
import { capLedger } from '../support/cap-ledger.ts'

const HOUR = 3_600_000
const request: MessageRequest = {
  dedupeKey: 't:c',
  conversationId: 'c',
  customer: { channel: 'whatsapp', address: '+447700900555' },
  agentId: 'a',
  scope: 'agent',
  requestedAt: 100 * HOUR,
  triggerEventId: 't',
}

describe('sessionMismatch: a request must match the session the recorder wrote', () => {
  it('matches the recorded session, whichever way the number is written', () => {
    expect(sessionMismatch(request, sessionBacking(request), 12 * HOUR)).toBeUndefined()
    const recorded = sessionBacking({ ...request, customer: { channel: 'whatsapp', address: '447700900555' } })
    expect(sessionMismatch(request, recorded, 12 * HOUR)).toBeUndefined()
  })

  it('no session, a session without a customer, another customer, or a session outside the window', () => {
    expect(sessionMismatch(request, undefined, 12 * HOUR)).toBe('no-session')
    expect(sessionMismatch(request, { ...sessionBacking(request), customer: undefined }, 12 * HOUR)).toBe('no-session')
    expect(sessionMismatch(request, sessionBacking({ ...request, customer: { channel: 'whatsapp', address: '+447700900556' } }), 12 * HOUR)).toBe('customer-mismatch')
    expect(sessionMismatch(request, sessionBacking({ ...request, customer: { channel: 'sms', address: '+447700900555' } }), 12 * HOUR)).toBe('customer-mismatch')
    // Judged at the trigger's time: exactly the window old is inside, a millisecond more is not.
    expect(sessionMismatch(request, { ...sessionBacking(request), lastActiveAt: request.requestedAt - 12 * HOUR }, 12 * HOUR)).toBeUndefined()
    expect(sessionMismatch(request, { ...sessionBacking(request), lastActiveAt: request.requestedAt - 12 * HOUR - 1 }, 12 * HOUR)).toBe('outside-window')
  })
})

describe('sendMessage: unknown-session after expiry and paused, before preflight', () => {
  const settings = testSendSettings({
    maxDelayMs: HOUR,
    capMs: 24 * HOUR,
    windowMs: 12 * HOUR,
    channels: { sms: { fromAddress: '+13175550100', text: 'Hi' } },
  })
  const deps = (calls: string[], sessions = recordedSessions(), mode: 'live' | 'paused' = 'live'): SendDeps => ({
    clock: { now: () => request.requestedAt + 1_000 },
    genesys: { sendAgentless: async () => (calls.push('genesys'), { ok: true, status: 202 }) },
    pacer: { acquire: async () => void calls.push('pacer'), pause: () => {} },
    cap: capLedger({ calls }),
    ledger: { begin: async () => (calls.push('ledger'), 'started'), finish: async () => {}, markNotified: async () => {} },
    optOuts: { optOutsOf: async () => (calls.push('optOuts'), new Map()) },
    mode: { current: async () => mode },
    sessions: { get: async (id) => (calls.push('sessions'), sessions.get(id)), findByCustomer: async () => [] },
  })

  it('a request no session backs is not sent: nothing checked or used after it', async () => {
    const calls: string[] = []
    expect(await sendMessage(request, deps(calls), settings)).toEqual({ kind: 'unknown-session', mismatch: 'no-session' })
    expect(calls).toEqual(['sessions'])
    const forged = { ...request, customer: { channel: 'whatsapp' as const, address: '+447700900999' } }
    expect(await sendMessage(forged, deps([], recordedSessions(request)), settings)).toEqual({ kind: 'unknown-session', mismatch: 'customer-mismatch' })
    expect(await sendMessage(request, deps([], recordedSessions(request)), settings)).toMatchObject({ kind: 'sent' })
  })

  it('expiry and paused come first; preflight after', async () => {
    const late: SendSettings = { ...settings, maxDelayMs: 1 }
    expect(await sendMessage(request, deps([]), late)).toMatchObject({ kind: 'expired' })
    expect(await sendMessage(request, deps([], recordedSessions(), 'paused'), settings)).toEqual({ kind: 'paused' })
    const broken = { ...request, customer: { channel: 'sms' as const, address: 'not a number' } }
    expect(await sendMessage(broken, deps([], recordedSessions(broken)), settings)).toMatchObject({ kind: 'invalid' })
  })
})
