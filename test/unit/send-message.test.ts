/**
 * send's use case at its time edges, with recording fakes of the ports: a request exactly `maxDelayMs` old is
 * still sent (one millisecond more and it expires), and an attempt exactly `attemptTimeoutMs` old is taken as
 * dead (one millisecond less and it is still in progress). The integration tests (delivery-guarantees) run the same use case against the local cloud.
 */
import { describe, expect, it } from 'vitest'
import type { MessageRequest } from '#lib/domain/model.ts'
import type { AgentlessRequest } from '#lib/domain/payload.ts'
import type { AgentlessSendResult, DeliveryState } from '#lib/domain/ports.ts'
import { sendMessage, type SendDeps, type SendSettings } from '#lib/send/send-message.ts'
import { recordedSessions } from '../support/recorded-sessions.ts'
import { testSendSettings } from '../support/send-settings.ts'
import { capLedger } from '../support/cap-ledger.ts'

const REQUESTED_AT = 1_000_000
const MAX_DELAY_MS = 15 * 60_000
const ATTEMPT_TIMEOUT_MS = 60_000
/** When an earlier attempt started: a minute after the trigger, well inside MAX_DELAY_MS. */
const STARTED_AT = REQUESTED_AT + 60_000

const request: MessageRequest = {
  dedupeKey: 'trigger-1:conversation-1',
  conversationId: 'conversation-1',
  customer: { channel: 'sms', address: '+13175550123' },
  agentId: 'agent-1',
  scope: 'agent',
  requestedAt: REQUESTED_AT,
  triggerEventId: 'trigger-1',
}

const settings = testSendSettings({
  maxDelayMs: MAX_DELAY_MS,
  attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
  capMs: 24 * 3_600_000,
  windowMs: 12 * 3_600_000,
  channels: { sms: { fromAddress: '+13175550100', text: 'Hi from {{brand}}' } },
})

function ports(options: { now: number; claim?: 'started' | DeliveryState; result?: AgentlessSendResult; reserved?: boolean; finishFails?: boolean }) {
  const calls: string[] = []
  const sent: AgentlessRequest[] = []
  const deps: SendDeps = {
    clock: { now: () => options.now },
    genesys: {
      sendAgentless: async (body) => {
        calls.push('genesys.sendAgentless')
        sent.push(body)
        return options.result ?? { ok: true, status: 202, messageId: 'm-1' }
      },
    },
    pacer: { acquire: async () => void calls.push('pacer.acquire'), pause: (seconds) => void calls.push(`pacer.pause ${seconds}`) },
    cap: capLedger({ calls, capped: options.reserved === false }),
    optOuts: { optOutsOf: async () => new Map() },
    sessions: recordedSessions(request),
    ledger: {
      begin: async () => (calls.push('ledger.begin'), options.claim ?? 'started'),
      finish: async (_key, outcome, _now, reason) => {
        calls.push(`ledger.finish ${outcome}${reason ? ` ${reason}` : ''}`)
        if (options.finishFails) throw new Error('ledger unavailable')
      },
      markNotified: async () => void calls.push('ledger.markNotified'),
    },
  }
  return { deps, calls, sent }
}

describe('sendMessage: request expiry at exactly maxDelayMs', () => {
  it('sends a request exactly maxDelayMs old', async () => {
    const { deps, calls, sent } = ports({ now: REQUESTED_AT + MAX_DELAY_MS })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'sent', status: 202, messageId: 'm-1', genesysConversationId: undefined })
    // Paced before the in-flight mark: the mark is written immediately before the call.
    expect(calls).toEqual(['cap.tryReserve', 'pacer.acquire', 'ledger.begin', 'genesys.sendAgentless', 'ledger.finish sent'])
    expect(sent[0]).toMatchObject({ toAddress: '+13175550123', textBody: 'Hi from Acme' })
  })

  it('expires a request one millisecond older, before reserving the customer or claiming it', async () => {
    const { deps, calls } = ports({ now: REQUESTED_AT + MAX_DELAY_MS + 1 })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'expired', ageMs: MAX_DELAY_MS + 1 })
    expect(calls).toEqual([])
  })
})

describe('sendMessage: an unfinished earlier attempt at exactly attemptTimeoutMs', () => {
  const inFlight: DeliveryState = { state: 'in-flight', startedAt: STARTED_AT }

  it('retries later while the attempt is one millisecond short of the timeout (it may still finish)', async () => {
    const { deps, calls } = ports({ now: STARTED_AT + ATTEMPT_TIMEOUT_MS - 1, claim: inFlight })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'retry', reason: 'attempt-in-progress' })
    expect(calls).toEqual(['cap.tryReserve', 'pacer.acquire', 'ledger.begin'])
  })

  it('takes an attempt exactly attemptTimeoutMs old as dead: outcome unknown, dead-lettered in the ledger, never resent', async () => {
    const { deps, calls } = ports({ now: STARTED_AT + ATTEMPT_TIMEOUT_MS, claim: inFlight })
    expect(await sendMessage(request, deps, settings)).toEqual({
      kind: 'outcome-unknown',
      detail: 'an earlier attempt started and never finished: Genesys may have accepted it',
      // The earlier attempt's start: where a look-up searches from.
      attemptStartedAt: STARTED_AT,
    })
    expect(calls).toEqual(['cap.tryReserve', 'pacer.acquire', 'ledger.begin', 'ledger.finish dead-lettered outcome-unknown'])
  })
})

describe('sendMessage: no false outcome-unknown from a pacing wait', () => {
  /** An in-memory delivery ledger with the DynamoDB adapter's rules. */
  function memoryLedger() {
    const records = new Map<string, { state: 'in-flight' | 'sent' | 'retryable' | 'dead-lettered'; startedAt: number }>()
    return {
      records,
      ledger: {
        begin: async (key: string, now: number) => {
          const record = records.get(key)
          if (record && record.state !== 'retryable') return record.state === 'in-flight' ? { state: 'in-flight' as const, startedAt: record.startedAt } : { state: record.state, notified: false }
          records.set(key, { state: 'in-flight', startedAt: now })
          return 'started' as const
        },
        finish: async (key: string, state: 'sent' | 'retryable' | 'dead-lettered') => void records.set(key, { state, startedAt: records.get(key)?.startedAt ?? 0 }),
        markNotified: async () => {},
      },
    }
  }

  it('hands the record back unmarked when the pacing wait would outlast the invocation, and the redelivery sends it', async () => {
    const { ledger, records } = memoryLedger()
    let wall = STARTED_AT
    const sent: AgentlessRequest[] = []
    const deadlines: (number | undefined)[] = []
    let pausedUntil = STARTED_AT + 60_000 // a 429's Retry-After of 60 s: as long as the function timeout
    const deps: SendDeps = {
      clock: { now: () => wall },
      genesys: { sendAgentless: async (body) => (sent.push(body), { ok: true, status: 202 }) },
      pacer: {
        acquire: async (deadline?: number) => {
          deadlines.push(deadline)
          return deadline !== undefined && pausedUntil > deadline ? { waitMs: pausedUntil - wall } : undefined
        },
        pause: () => {},
      },
      cap: capLedger(),
      optOuts: { optOutsOf: async () => new Map() },
      sessions: recordedSessions(request),
      ledger,
    }
    const first = await sendMessage(request, deps, settings, { sendBy: STARTED_AT + 40_000 })
    expect(first).toEqual({ kind: 'retry', reason: 'no-time-left', delaySeconds: 60 })
    expect(records.size).toBe(0)
    expect(sent).toEqual([])
    // Redelivered after the attempt timeout: with the old order (in-flight mark, then the wait) this was dead-lettered
    // as "Genesys may have accepted it" although nothing was ever sent.
    wall = STARTED_AT + ATTEMPT_TIMEOUT_MS + 1
    pausedUntil = 0
    expect(await sendMessage(request, deps, settings, { sendBy: wall + 40_000 })).toMatchObject({ kind: 'sent' })
    expect(sent).toHaveLength(1)
    expect(deadlines).toEqual([STARTED_AT + 40_000, wall + 40_000])
  })
})

describe('sendMessage: every other outcome, and what it leaves in the ledger', () => {
  const now = REQUESTED_AT
  const failure = (kind: 'permanent' | 'transient' | 'rate-limited' | 'unknown', extra: Partial<AgentlessSendResult> = {}): AgentlessSendResult =>
    ({ ok: false, kind, status: 400, code: 'bad.request', ...extra }) as AgentlessSendResult

  it('refuses a body the preflight rejects, naming the field, before reserving the customer', async () => {
    const { deps, calls } = ports({ now })
    const broken = { ...settings, channels: { ...settings.channels, sms: { fromAddress: '+13175550100', text: '   ' } } }
    expect(await sendMessage(request, deps, broken)).toEqual({ kind: 'invalid', reason: 'invalid-payload', detail: 'textBody must not be empty' })
    expect(calls).toEqual([])
    // Every problem in the detail (the dead letter's), each as "field problem", separated by "; ".
    const twice = { ...settings, channels: { ...settings.channels, sms: { fromAddress: ' ', text: '' } } }
    expect(await sendMessage(request, deps, twice)).toEqual({ kind: 'invalid', reason: 'invalid-payload', detail: 'fromAddress is required; textBody must not be empty' })
  })

  it('does not send to a customer already messaged within the cap (capped), and claims nothing', async () => {
    const { deps, calls } = ports({ now, reserved: false })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'capped' })
    expect(calls).toEqual(['cap.tryReserve'])
  })

  it('answers duplicate for a request settled and reported before, and says what is unreported otherwise', async () => {
    expect(await sendMessage(request, ports({ now, claim: { state: 'sent', notified: true } }).deps, settings)).toEqual({ kind: 'duplicate' })
    expect(await sendMessage(request, ports({ now, claim: { state: 'sent', notified: false } }).deps, settings)).toEqual({ kind: 'duplicate', unreported: { state: 'sent' } })
    const deadLettered = ports({ now, claim: { state: 'dead-lettered', notified: false, reason: 'genesys-rejected' } })
    expect(await sendMessage(request, deadLettered.deps, settings)).toEqual({ kind: 'duplicate', unreported: { state: 'dead-lettered', reason: 'genesys-rejected' } })
    // A duplicate holds no new reservation: the one this attempt made is given back.
    expect(deadLettered.calls).toEqual(['cap.tryReserve', 'pacer.acquire', 'ledger.begin', 'cap.release'])
  })

  it('dead-letters a permanent refusal in the ledger as genesys-rejected', async () => {
    const result = failure('permanent')
    const { deps, calls } = ports({ now, result })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'permanent', result })
    expect(calls.slice(-2)).toEqual(['ledger.finish dead-lettered genesys-rejected', 'cap.release'])
  })

  it('takes an unknown outcome as possibly accepted: dead-lettered, never retried, the code or status named', async () => {
    const coded = ports({ now, result: failure('unknown', { code: 'gateway.timeout' }) })
    expect(await sendMessage(request, coded.deps, settings)).toMatchObject({ kind: 'outcome-unknown', detail: 'Genesys may have accepted it: gateway.timeout' })
    expect(coded.calls.at(-1)).toBe('ledger.finish dead-lettered outcome-unknown')
    const statusOnly = ports({ now, result: { ok: false, kind: 'unknown', status: 504 } })
    expect(await sendMessage(request, statusOnly.deps, settings)).toMatchObject({ detail: 'Genesys may have accepted it: 504' })
    const silent = ports({ now, result: { ok: false, kind: 'unknown' } })
    expect(await sendMessage(request, silent.deps, settings)).toMatchObject({ detail: 'Genesys may have accepted it: no answer' })
  })

  it('on a 429 pauses every send for Retry-After (60 s without one) and retries after it', async () => {
    const withHeader = ports({ now, result: failure('rate-limited', { status: 429, retryAfterSeconds: 7 }) })
    expect(await sendMessage(request, withHeader.deps, settings)).toMatchObject({ kind: 'retry', reason: 'rate-limited', delaySeconds: 7 })
    expect(withHeader.calls.slice(-3)).toEqual(['ledger.finish retryable', 'pacer.pause 7', 'cap.release'])
    const without = ports({ now, result: failure('rate-limited', { status: 429 }) })
    expect(await sendMessage(request, without.deps, settings)).toMatchObject({ kind: 'retry', reason: 'rate-limited', delaySeconds: 60 })
    expect(without.calls.slice(-2)).toEqual(['pacer.pause 60', 'cap.release'])
  })

  it('retries a transient failure, marking the attempt retryable', async () => {
    const result = failure('transient', { status: 503 })
    const { deps, calls } = ports({ now, result })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'retry', reason: 'transient', result })
    expect(calls.slice(-2)).toEqual(['ledger.finish retryable', 'cap.release'])
  })

  it('reports sent even when the ledger cannot record it, with the ledger error (never resent: the record stays in flight)', async () => {
    const { deps } = ports({ now, result: { ok: true, status: 202, messageId: 'm-2', conversationId: 'c-2' }, finishFails: true })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'sent', status: 202, messageId: 'm-2', genesysConversationId: 'c-2', ledgerError: 'ledger unavailable' })
  })

  it('passes the attempt and the redrive claim to the ledger', async () => {
    const seen: unknown[] = []
    const { deps } = ports({ now })
    const begin = deps.ledger.begin
    const ledger = { ...deps.ledger, begin: (key: string, at: number, options?: { readonly attempt?: string; readonly redriveOf?: string }) => (seen.push(options), begin(key, at, options)) }
    await sendMessage(request, { ...deps, ledger }, settings, { attempt: 'm-2', redriveOf: 'm-1' })
    await sendMessage(request, { ...deps, ledger }, settings)
    // Strictly: an option not given is no key at all, never a key holding undefined (which the DynamoDB marshaller refuses).
    expect(seen).toStrictEqual([{ attempt: 'm-2', redriveOf: 'm-1' }, {}])
    await sendMessage(request, { ...deps, ledger }, settings, { attempt: 'm-3' })
    await sendMessage(request, { ...deps, ledger }, settings, { redriveOf: 'm-1' })
    expect(seen.slice(2)).toStrictEqual([{ attempt: 'm-3' }, { redriveOf: 'm-1' }])
  })
})

describe('sendMessage: a customer busy since the trigger, and the dry run', () => {
  const HOUR = 3_600_000
  const busySettings: SendSettings = { ...settings, busy: { staleMs: 4 * HOUR } }
  const recordedSessionOf = (r: MessageRequest) => ({ conversationId: r.conversationId, customer: r.customer, agents: {}, lastActiveAt: r.requestedAt, expiresAt: 0 })
  const conversation = (lastActiveAt: number, customerEndedAt?: number) => ({
    ...recordedSessionOf(request),
    conversationId: 'conversation-2',
    lastActiveAt,
    ...(customerEndedAt === undefined ? {} : { customerEndedAt }),
  })

  it('a customer who started another conversation since the trigger is not sent to (judged now): nothing reserved', async () => {
    const now = REQUESTED_AT + 60_000
    const { deps, calls } = ports({ now })
    const lookups: { key: string; from: number }[] = []
    const busyDeps: SendDeps = { ...deps, sessions: { ...deps.sessions, findByCustomer: async (key, from) => (lookups.push({ key, from }), [conversation(now - 1_000)]) } }
    expect(await sendMessage(request, busyDeps, busySettings)).toEqual({ kind: 'customer-busy' })
    expect(lookups).toEqual([{ key: 'sms:+13175550123', from: now - 4 * HOUR + 1 }])
    expect(calls).toEqual([])
  })

  it('an ended or stale conversation does not block; without the busy setting the customer’s other sessions are not read', async () => {
    const now = REQUESTED_AT + 60_000
    const { deps } = ports({ now })
    const quiet: SendDeps = { ...deps, sessions: { ...deps.sessions, findByCustomer: async () => [conversation(now - 1_000, now - 500), conversation(now - 4 * HOUR)] } }
    expect(await sendMessage(request, quiet, busySettings)).toMatchObject({ kind: 'sent' })
    const { deps: unset } = ports({ now })
    const busyIfRead: SendDeps = { ...unset, sessions: { ...unset.sessions, findByCustomer: async () => [conversation(now - 1_000)] } }
    expect(await sendMessage(request, busyIfRead, settings)).toMatchObject({ kind: 'sent' })
  })

  it('dry run: the masked body it would send, nothing reserved, paced or sent', async () => {
    const { deps, calls, sent } = ports({ now: REQUESTED_AT })
    const decision = await sendMessage(request, { ...deps, mode: { current: async () => 'dry-run' } }, settings)
    expect(decision).toMatchObject({ kind: 'dry-run', body: { fromAddress: '+13175550100', textBody: 'Hi from Acme', toAddressMessengerType: 'sms' } })
    expect(decision.kind === 'dry-run' && decision.body.toAddress).not.toBe('+13175550123')
    expect(calls).toEqual([])
    expect(sent).toEqual([])
  })
})
