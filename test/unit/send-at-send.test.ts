/**
 * send's controls at the instant of sending, and the cap reservation per outcome. The pacer here waits by moving
 * the clock and can change a control during the wait, as an operator or a customer would while a request waits
 * for its pace slot: every control is read again after the wait, immediately before the Genesys call.
 */
import { describe, expect, it } from 'vitest'
import type { MessageRequest } from '#lib/domain/model.ts'
import type { AgentlessSendResult, DeliveryState } from '#lib/domain/ports.ts'
import type { SendingMode } from '#lib/domain/sending-mode.ts'
import { quietHoursOf } from '#lib/send/quiet-hours.ts'
import { AT_SEND_CHECKS, SEND_CHECKS } from '#lib/send/send-checks.ts'
import { holdsReservation, sendMessage, type SendDecision, type SendDeps } from '#lib/send/send-message.ts'
import { capLedger } from '../support/cap-ledger.ts'
import { recordedSessions } from '../support/recorded-sessions.ts'
import { testSendSettings } from '../support/send-settings.ts'

const MINUTE = 60_000
/** 2026-03-02 20:59 UTC. */
const REQUESTED_AT = Date.UTC(2026, 2, 2, 20, 59)
const request: MessageRequest = {
  dedupeKey: 'trigger-1:conversation-1',
  conversationId: 'conversation-1',
  customer: { channel: 'sms', address: '+13175550123' },
  agentId: 'agent-1',
  scope: 'agent',
  requestedAt: REQUESTED_AT,
  triggerEventId: 'trigger-1',
}
const settings = testSendSettings({ maxDelayMs: 15 * MINUTE, capMs: 24 * 60 * MINUTE, windowMs: 12 * 60 * MINUTE, busy: { staleMs: 4 * 60 * MINUTE } })

/** A world whose pacer waits `waitMs` and runs `duringWait` (a control changing) before it grants the slot. */
function world(options: { waitMs?: number; duringWait?: (w: World) => void; claim?: 'started' | DeliveryState; result?: AgentlessSendResult; capped?: boolean; quiet?: string } = {}) {
  const calls: string[] = []
  const w: World = { now: REQUESTED_AT, mode: 'live', optedOut: false, busySince: undefined, calls, cap: capLedger({ calls, capped: options.capped }), deps: undefined as unknown as SendDeps }
  const sessions = recordedSessions(request)
  sessions.others = async () => (w.busySince === undefined ? [] : [{ conversationId: 'conversation-2', customer: request.customer, agents: {}, lastActiveAt: w.busySince, expiresAt: 0 }])
  w.deps = {
    clock: { now: () => w.now },
    mode: { current: async () => w.mode },
    optOuts: { optOutsOf: async (keys) => (w.optedOut ? new Map(keys.map((key) => [key, { addedAt: w.now }])) : new Map()) },
    sessions,
    cap: w.cap,
    pacer: {
      acquire: async () => {
        calls.push('pacer.acquire')
        w.now += options.waitMs ?? 0
        options.duringWait?.(w)
      },
      pause: () => {},
    },
    ledger: {
      begin: async () => (calls.push('ledger.begin'), options.claim ?? 'started'),
      finish: async () => {},
      markNotified: async () => {},
    },
    genesys: { sendAgentless: async () => (calls.push('genesys.sendAgentless'), options.result ?? { ok: true, status: 202 }) },
  }
  const quiet = options.quiet ? { quietHours: quietHoursOf('UTC', options.quiet, {}, ['sms']) } : {}
  return { w, send: () => sendMessage(request, w.deps, { ...settings, ...quiet }) }
}
interface World {
  now: number
  mode: SendingMode
  optedOut: boolean
  busySince: number | undefined
  calls: string[]
  cap: ReturnType<typeof capLedger>
  deps: SendDeps
}

describe('every control is checked again at the instant of sending', () => {
  it('the order: paused first, dry run last; the controls that can change while a request waits run again', () => {
    expect(SEND_CHECKS.map((check) => check.name)).toEqual(['paused', 'expired', 'unknown-session', 'invalid', 'opted-out', 'customer-busy', 'quiet-hours', 'dry-run'])
    expect(AT_SEND_CHECKS.map((check) => check.name)).toEqual(['paused', 'expired', 'opted-out', 'customer-busy', 'quiet-hours', 'dry-run'])
  })

  it.each([
    ['a pause', (w: World): void => void (w.mode = 'paused'), { kind: 'paused' }],
    ['a switch to dry-run', (w: World): void => void (w.mode = 'dry-run'), { kind: 'dry-run' }],
    ['an opt-out', (w: World): void => void (w.optedOut = true), { kind: 'opted-out' }],
    ['a conversation the customer started', (w: World): void => void (w.busySince = w.now - 1_000), { kind: 'customer-busy' }],
  ] as const)('%s during the pacer wait: nothing claimed or sent, the reservation given back', async (_what, change, expected) => {
    const { w, send } = world({ waitMs: 10_000, duringWait: change })
    expect(await send()).toMatchObject(expected)
    expect(w.calls).toEqual(['cap.tryReserve', 'pacer.acquire', 'cap.release'])
  })

  it('expiry reached during the wait: expired, by the clock at the instant of sending', async () => {
    const { w, send } = world({ waitMs: 15 * MINUTE + 1 })
    expect(await send()).toEqual({ kind: 'expired', ageMs: 15 * MINUTE + 1 })
    expect(w.calls).toEqual(['cap.tryReserve', 'pacer.acquire', 'cap.release'])
  })

  it('quiet hours are judged at the time of sending: triggered at 20:59, sent at 21:01 falls in 21:00-08:00', async () => {
    const before = world({ quiet: '21:00-08:00' })
    expect(await before.send()).toMatchObject({ kind: 'sent' })
    const late = world({ quiet: '21:00-08:00', waitMs: 2 * MINUTE })
    expect(await late.send()).toEqual({ kind: 'quiet-hours', window: '21:00-08:00' })
    expect(late.w.calls).toEqual(['cap.tryReserve', 'pacer.acquire', 'cap.release'])
  })

  it('the cap starts when the customer is reserved, by the clock, not at the trigger', async () => {
    const reservedAt: number[] = []
    const { w, send } = world()
    w.now = REQUESTED_AT + 5 * MINUTE
    w.deps = { ...w.deps, cap: { ...w.cap, tryReserve: async (_key, at) => (reservedAt.push(at), { made: true, at }) } }
    expect(await send()).toMatchObject({ kind: 'sent' })
    expect(reservedAt).toEqual([REQUESTED_AT + 5 * MINUTE])
  })
})

describe('no reservation without a send', () => {
  const failure = (kind: 'permanent' | 'transient' | 'rate-limited' | 'unknown'): AgentlessSendResult => ({ ok: false, kind, status: kind === 'rate-limited' ? 429 : 500 })
  const cases: [string, Parameters<typeof world>[0], SendDecision['kind'], boolean][] = [
    ['sent', {}, 'sent', true],
    ['outcome unknown (Genesys may have it)', { result: failure('unknown') }, 'outcome-unknown', true],
    ['an earlier attempt that never finished', { claim: { state: 'in-flight', startedAt: REQUESTED_AT - 10 * MINUTE } }, 'outcome-unknown', true],
    ['another attempt in progress', { claim: { state: 'in-flight', startedAt: REQUESTED_AT } }, 'retry', true],
    ['refused by Genesys', { result: failure('permanent') }, 'permanent', false],
    ['rate-limited', { result: failure('rate-limited') }, 'retry', false],
    ['transient failure', { result: failure('transient') }, 'retry', false],
    ['a duplicate of a request sent before', { claim: { state: 'sent', notified: true } }, 'duplicate', false],
    ['paused while waiting', { duringWait: (w: World): void => void (w.mode = 'paused') }, 'paused', false],
  ]
  it.each(cases)('%s: the reservation %s', async (_what, options, kind, holds) => {
    const { w, send } = world(options)
    const decision = await send()
    expect(decision.kind).toBe(kind)
    expect(holdsReservation(decision)).toBe(holds)
    expect(w.cap.released).toBe(holds ? 0 : 1)
  })

  it.each([
    ['paused', (w: World): void => void (w.mode = 'paused')],
    ['dry run', (w: World): void => void (w.mode = 'dry-run')],
    ['opted out', (w: World): void => void (w.optedOut = true)],
    ['busy', (w: World): void => void (w.busySince = w.now - 1_000)],
  ] as const)('stopped by the checks before reserving (%s): never takes one', async (_what, change) => {
    const { w, send } = world()
    change(w)
    await send()
    expect(w.calls).toEqual([])
  })

  it('capped: nothing to give back; a hold of this same request (a redelivery) is never given back by it', async () => {
    const capped = world({ capped: true })
    expect(await capped.send()).toEqual({ kind: 'capped' })
    expect(capped.w.calls).toEqual(['cap.tryReserve'])
    const redelivered = world({ claim: { state: 'sent', notified: true } })
    redelivered.w.deps = { ...redelivered.w.deps, cap: { ...redelivered.w.cap, tryReserve: async () => ({ made: false }) } }
    expect(await redelivered.send()).toEqual({ kind: 'duplicate' })
    expect(redelivered.w.cap.released).toBe(0)
  })
})
