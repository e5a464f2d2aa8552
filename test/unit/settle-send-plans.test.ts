/**
 * The plan for each decision kind, whole: what is counted, the log line and its fields (ids only, never the
 * customer's address), the dead letter, the outcome report, the mark and the retry. settle-send.test.ts checks the
 * order `settle` carries a plan out in; this file checks that each plan says the right thing.
 */
import { describe, expect, it } from 'vitest'
import { EventValidationError } from '#lib/domain/events.ts'
import type { MessageRequest } from '#lib/domain/model.ts'
import type { InboundMessage } from '#lib/domain/ports.ts'
import { handleSendRequest } from '#lib/send/handle-send-request.ts'
import { planSettlement, rejectedSettlement, settle, type SettleDeps } from '#lib/send/settle-send.ts'
import type { SendDeps } from '#lib/send/send-message.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE } from '#lib/domain/topics.ts'
import { recordedSessions } from '../support/recorded-sessions.ts'
import { testSendSettings } from '../support/send-settings.ts'
import { capLedger } from '../support/cap-ledger.ts'

const request: MessageRequest = {
  dedupeKey: 'trigger-1:conversation-1',
  conversationId: 'b8f1a9f4-1b2c-4d5e-8f90-123456789abc',
  customer: { channel: 'whatsapp', address: '447700900555' },
  agentId: 'agent-1',
  scope: 'agent',
  requestedAt: 1_000,
  triggerEventId: 'trigger-1',
}
const message: InboundMessage = { id: 'm-1', body: '{}', receiveCount: 2, delivery: { queue: 'q', receipt: 'r' } }
const settings = { maxDelayMinutes: 15, capHours: 24, retryBaseSeconds: 10, retryMaxSeconds: 900 }
// The conversation id shortened, the channel, the dedupe key: what every log line carries.
const fields = { dedupeKey: 'trigger-1:conversation-1', conversationId: 'b8f1a9f4…', channel: 'whatsapp' }

describe('planSettlement: one plan per decision kind', () => {
  it('sent: counted, logged with the status, reported with what Genesys returned, marked notified', () => {
    expect(planSettlement({ kind: 'sent', status: 202, messageId: 'g-1', genesysConversationId: 'gc-1' }, request, message, settings)).toEqual({
      counts: ['MessagesSent'],
      log: { level: 'info', message: 'message sent', fields: { ...fields, status: 202 } },
      report: { outcome: 'sent', genesys: { status: 202, messageId: 'g-1', conversationId: 'gc-1' } },
      markNotified: true,
    })
  })

  it('expired: logged with its age, reported with the configured delay', () => {
    expect(planSettlement({ kind: 'expired', ageMs: 1_234 }, request, message, settings)).toEqual({
      counts: ['MessagesExpired'],
      log: { level: 'info', message: 'request expired: not sent', fields: { ...fields, ageMs: 1_234 } },
      report: { outcome: 'expired', reason: 'older than 15 minutes' },
    })
  })

  it('paused: counted and reported, nothing dead-lettered, nothing marked', () => {
    expect(planSettlement({ kind: 'paused' }, request, message, settings)).toEqual({
      counts: ['MessagesPaused'],
      log: { level: 'info', message: 'sending mode paused: not sent', fields },
      report: { outcome: 'paused', reason: 'sending mode paused' },
    })
  })

  it('unknown-session: a warning with the mismatch, dead-lettered and reported as unknown-session, nothing marked', () => {
    expect(planSettlement({ kind: 'unknown-session', mismatch: 'customer-mismatch' }, request, message, settings)).toEqual({
      counts: ['RequestsUnknownSession'],
      log: { level: 'warn', message: 'no recorded session backs the request: dead-lettered', fields: { ...fields, mismatch: 'customer-mismatch' } },
      deadLetter: { reason: 'unknown-session', attributes: { detail: 'customer-mismatch' } },
      report: { outcome: 'dead-lettered', reason: 'unknown-session' },
    })
  })

  it('opted-out and customer-busy: counted and reported as such, nothing dead-lettered, nothing marked', () => {
    expect(planSettlement({ kind: 'opted-out' }, request, message, settings)).toEqual({
      counts: ['MessagesOptedOut'],
      log: { level: 'info', message: 'customer on the opt-out list (opted out): not sent', fields },
      report: { outcome: 'opted-out', reason: 'customer on the opt-out list' },
    })
    expect(planSettlement({ kind: 'customer-busy' }, request, message, settings)).toEqual({
      counts: ['MessagesCustomerBusy'],
      log: { level: 'info', message: 'customer has a conversation still active: not sent', fields },
      report: { outcome: 'customer-busy', reason: 'customer has a conversation still active' },
    })
  })

  it('duplicate, dead-lettered without a recorded reason: dead-lettered and reported as outcome-unknown', () => {
    expect(planSettlement({ kind: 'duplicate', unreported: { state: 'dead-lettered' } }, request, message, settings)).toEqual({
      counts: [],
      log: { level: 'info', message: 'settled earlier: reporting the outcome', fields: { ...fields, state: 'dead-lettered' } },
      deadLetter: { reason: 'outcome-unknown', attributes: { detail: 'dead-lettered by an earlier attempt whose report failed' } },
      report: { outcome: 'dead-lettered', reason: 'outcome-unknown' },
      markNotified: true,
    })
  })

  it('duplicate, sent but not reported: the late report carries the ids Genesys returned, kept in the ledger', () => {
    const genesys = { conversationId: 'genesys-conversation', messageId: 'genesys-message' }
    expect(planSettlement({ kind: 'duplicate', unreported: { state: 'sent', genesys } }, request, message, settings).report).toEqual({ outcome: 'sent', genesys })
  })

  it('dry-run: reported with the (masked) body it would have sent', () => {
    const body = { fromAddress: 'from', toAddress: '…0555', toAddressMessengerType: 'whatsapp', textBody: 'Hi' }
    expect(planSettlement({ kind: 'dry-run', body }, request, message, settings)).toEqual({
      counts: ['MessagesDryRun'],
      log: { level: 'info', message: 'dry run: every check passed, not sent', fields },
      report: { outcome: 'dry-run', reason: 'sending mode dry-run', body },
    })
  })

  it('quiet-hours: logged and reported with the window in force', () => {
    expect(planSettlement({ kind: 'quiet-hours', window: '21:00-08:00 Europe/London' }, request, message, settings)).toEqual({
      counts: ['MessagesQuietHours'],
      log: { level: 'info', message: "time of sending in the channel's quiet hours: not sent", fields: { ...fields, window: '21:00-08:00 Europe/London' } },
      report: { outcome: 'quiet-hours', reason: 'quiet hours 21:00-08:00 Europe/London' },
    })
  })

  it('invalid: a warning with the detail, dead-lettered with it, reported', () => {
    expect(planSettlement({ kind: 'invalid', reason: 'invalid-payload', detail: 'textBody is too long' }, request, message, settings)).toEqual({
      counts: ['MessagesFailed'],
      log: { level: 'warn', message: 'request fails preflight: dead-lettered', fields: { ...fields, detail: 'textBody is too long' } },
      deadLetter: { reason: 'invalid-payload', attributes: { detail: 'textBody is too long' } },
      report: { outcome: 'dead-lettered', reason: 'invalid-payload' },
    })
  })

  it('permanent: a warning with what Genesys said, dead-lettered as genesys-rejected', () => {
    const result = { ok: false, kind: 'permanent', status: 400, code: 'bad.request', message: 'no', contextId: 'ctx' } as const
    expect(planSettlement({ kind: 'permanent', result }, request, message, settings).log).toEqual({
      level: 'warn',
      message: 'Genesys refused the message: dead-lettered',
      fields: { ...fields, status: 400, code: 'bad.request', contextId: 'ctx' },
    })
  })

  it('outcome-unknown with no look-up schedule: a warning, dead-lettered and reported as outcome-unknown, marked', () => {
    const result = { ok: false, kind: 'unknown', status: 504, code: 'gateway.timeout', contextId: 'ctx' } as const
    expect(planSettlement({ kind: 'outcome-unknown', detail: 'Genesys may have accepted it: 504', attemptStartedAt: 1, result }, request, message, settings)).toEqual({
      counts: ['MessagesFailed'],
      log: { level: 'warn', message: 'outcome unknown: dead-lettered, not resent', fields: { ...fields, status: 504, code: 'gateway.timeout', detail: 'Genesys may have accepted it: 504' } },
      deadLetter: { reason: 'outcome-unknown', attributes: { detail: 'Genesys may have accepted it: 504', genesysStatus: 504, genesysCode: 'gateway.timeout', contextId: 'ctx' } },
      report: { outcome: 'dead-lettered', reason: 'outcome-unknown' },
      markNotified: true,
    })
  })

  it('outcome-unknown with a look-up schedule: no dead letter, no report; a look-up job for the track queue, then marked', () => {
    const result = { ok: false, kind: 'unknown', status: 504, code: 'gateway.timeout' } as const
    const plan = planSettlement({ kind: 'outcome-unknown', detail: 'Genesys may have accepted it: 504', attemptStartedAt: 5_000, result }, request, message, {
      ...settings,
      lookupScheduleMs: [30_000, 120_000],
    })
    expect(plan.deadLetter).toBeUndefined()
    expect(plan.report).toBeUndefined()
    expect(plan.counts).toEqual(['OutcomesUnknown'])
    expect(plan.markNotified).toBe(true)
    expect(plan.followUp?.delaySeconds).toBe(30)
    expect(plan.followUp?.job).toMatchObject({
      kind: 'lookup',
      dedupeKey: request.dedupeKey,
      attemptStartedAt: 5_000,
      done: 0,
      failures: [],
      dueAt: 35_000,
      sendBody: message.body,
      sourceMessageId: message.id,
    })
    // The recipient as the request built it (WhatsApp: the normalised toAddress), for the analytics segment filter.
    expect(plan.followUp?.job.recipient).toEqual({ addressTo: '447700900555' })
  })

  it('a redelivery finding an unknown outcome whose hand-over did not finish hands it to the look-up again, not to the DLQ', () => {
    const withLookups = { ...settings, lookupScheduleMs: [30_000, 120_000] }
    const plan = planSettlement({ kind: 'duplicate', unreported: { state: 'dead-lettered', reason: 'outcome-unknown' } }, request, message, withLookups)
    expect(plan.deadLetter).toBeUndefined()
    expect(plan.report).toBeUndefined()
    expect(plan.markNotified).toBe(true)
    // The attempt's own start is not known here: the look-up's interval starts at the request's time.
    expect(plan.followUp?.job).toMatchObject({ kind: 'lookup', dedupeKey: request.dedupeKey, attemptStartedAt: request.requestedAt, dueAt: request.requestedAt + 30_000 })
    // Another reason stays a dead letter to report; without look-ups, an unknown outcome does too.
    expect(planSettlement({ kind: 'duplicate', unreported: { state: 'dead-lettered', reason: 'genesys-rejected' } }, request, message, withLookups).deadLetter?.reason).toBe('genesys-rejected')
    expect(planSettlement({ kind: 'duplicate', unreported: { state: 'dead-lettered', reason: 'outcome-unknown' } }, request, message, settings).deadLetter?.reason).toBe('outcome-unknown')
  })

  it('retry: a warning with the reason; the delay is Retry-After, the pacing wait, or the backoff', () => {
    const transient = { ok: false, kind: 'transient', status: 503, code: 'service.unavailable' } as const
    expect(planSettlement({ kind: 'retry', reason: 'transient', result: transient }, request, message, settings)).toEqual({
      counts: ['GenesysTransientFailures'],
      log: { level: 'warn', message: 'send failed: will retry', fields: { ...fields, reason: 'transient', status: 503, code: 'service.unavailable' } },
      // The second delivery: 10 s doubled once, jittered down by at most half.
      retry: { afterSeconds: expect.any(Number), reason: 'transient (503)' },
    })
    const backoff = planSettlement({ kind: 'retry', reason: 'transient' }, request, message, settings).retry?.afterSeconds ?? 0
    expect(backoff).toBeGreaterThanOrEqual(10)
    expect(backoff).toBeLessThanOrEqual(20)
    expect(planSettlement({ kind: 'retry', reason: 'no-time-left', delaySeconds: 42 }, request, message, settings).retry).toEqual({ afterSeconds: 42, reason: 'no-time-left' })
    expect(planSettlement({ kind: 'retry', reason: 'no-time-left', delaySeconds: 42 }, request, message, settings).counts).toEqual([])
    // A pacing hand-back without a wait backs off like any other retry, never 0 s.
    const noWait = planSettlement({ kind: 'retry', reason: 'no-time-left' }, request, message, settings).retry?.afterSeconds ?? 0
    expect(noWait).toBeGreaterThanOrEqual(10)
    expect(noWait).toBeLessThanOrEqual(20)
    // Only a pacing hand-back uses its own delay: another retry reason with a delay still backs off.
    const transientWithDelay = planSettlement({ kind: 'retry', reason: 'transient', delaySeconds: 500 }, request, message, settings).retry?.afterSeconds ?? 0
    expect(transientWithDelay).toBeLessThanOrEqual(20)
    expect(planSettlement({ kind: 'retry', reason: 'rate-limited' }, request, message, settings).retry).toEqual({ afterSeconds: 60, reason: 'rate-limited' })
  })

  it('a request that cannot be read: counted as rejected, logged with the problems, dead-lettered with at most 1,000 characters', () => {
    const problems = [{ field: 'customer.address', problem: 'x'.repeat(1_500) }]
    const plan = rejectedSettlement(new EventValidationError(problems), message)
    expect(plan.counts).toEqual(['EventsRejected'])
    expect(plan.log).toEqual({ level: 'warn', message: 'request rejected', fields: { messageId: 'm-1', problems } })
    expect(plan.deadLetter?.reason).toBe('invalid-request')
    expect(String(plan.deadLetter?.attributes?.detail)).toHaveLength(1_000)
  })
})

describe('settle without a request', () => {
  const deps: SettleDeps = {
    deadLetters: { send: async () => {} },
    outcomes: { publish: async () => {} },
    redelivery: { redeliverAfter: async () => {} },
    ledger: { markNotified: async () => {} },
    telemetry: { count: () => {} },
    log: { info: () => {}, warn: () => {} },
  }
  it('refuses a plan that reports or marks', async () => {
    await expect(settle({ counts: [], log: { level: 'info', message: 'm' }, report: { outcome: 'sent' } }, message, undefined, deps)).rejects.toThrow(
      'a settlement that reports an outcome needs the request',
    )
    await expect(settle({ counts: [], log: { level: 'info', message: 'm' }, markNotified: true }, message, undefined, deps)).rejects.toThrow('a settlement that marks the ledger needs the request')
  })

  it('handleSendRequest hands the queue message id, its redrive claim and its deadline to the send, then settles', async () => {
    const begun: unknown[] = []
    const deadlines: unknown[] = []
    const published: unknown[] = []
    const sendDeps: SendDeps & SettleDeps = {
      ...deps,
      outcomes: { publish: async (outcome) => void published.push(outcome) },
      clock: { now: () => request.requestedAt },
      genesys: { sendAgentless: async () => ({ ok: true, status: 202, messageId: 'g-1' }) },
      pacer: { acquire: async (sendBy) => void deadlines.push(sendBy), pause: () => {} },
      ledger: { begin: async (_key, _now, options) => (begun.push(options), 'started'), finish: async () => {}, markNotified: async () => {} },
      cap: capLedger(),
      optOuts: { optOutsOf: async () => new Map() },
      sessions: recordedSessions(request),
    }
    const sendSettings = { ...settings, ...testSendSettings() }
    const body = JSON.stringify({ source: APP_EVENT_SOURCE, 'detail-type': APP_DETAIL_TYPES.requested, detail: request })
    await handleSendRequest({ ...message, body, redriveOf: 'm-0', sendBy: 9_000 }, sendDeps, sendSettings)
    expect(begun).toEqual([{ attempt: 'm-1', redriveOf: 'm-0' }])
    expect(deadlines).toEqual([9_000])
    expect(published).toEqual([expect.objectContaining({ dedupeKey: request.dedupeKey, outcome: 'sent' })])
  })

  it('handleSendRequest dead-letters an unreadable body without deciding anything', async () => {
    const letters: { reason: string }[] = []
    const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('no port may be called')) })
    const send = { ...deps, deadLetters: { send: async (letter: { reason: string }) => void letters.push(letter) } }
    await handleSendRequest({ ...message, body: '{"not":"a request"}' }, { ...(unused as SendDeps), ...send, ledger: unused as SendDeps['ledger'] }, { ...settings } as never)
    expect(letters.map((l) => l.reason)).toEqual(['invalid-request'])
  })
})

describe('planSettlement: a redriven dead letter that cannot be sent now', () => {
  const redrive: InboundMessage = { ...message, id: 'm-2', redriveOf: 'm-1', redriveReason: 'outcome-unknown' }

  it.each(['paused', 'dry-run', 'opted-out', 'customer-busy', 'quiet-hours', 'capped'] as const)('%s: back to the DLQ with its reason and source message, nothing reported', (kind) => {
    const decision = kind === 'dry-run' ? { kind, body: {} as never } : kind === 'quiet-hours' ? { kind, window: '21:00-08:00' } : { kind }
    expect(planSettlement(decision, request, redrive, settings)).toEqual({
      counts: ['RedrivesNotSent'],
      log: { level: 'warn', message: 'redriven dead letter cannot be sent now: kept in the dead-letter queue', fields: { ...fields, notSentBecause: kind } },
      deadLetter: { reason: 'outcome-unknown', attributes: { detail: `redriven, not sent now: ${kind}`, notSentBecause: kind, sourceMessageId: 'm-1' } },
    })
  })

  it('expired too; a redrive that is sent, or an ordinary delivery, settles as usual', () => {
    expect(planSettlement({ kind: 'expired', ageMs: 1 }, request, redrive, settings).deadLetter?.attributes).toMatchObject({ notSentBecause: 'expired', sourceMessageId: 'm-1' })
    expect(planSettlement({ kind: 'sent', status: 202 }, request, redrive, settings).report).toMatchObject({ outcome: 'sent' })
    expect(planSettlement({ kind: 'paused' }, request, message, settings).report).toEqual({ outcome: 'paused', reason: 'sending mode paused' })
  })

  it('settle keeps the source message the plan names, so a later redrive is still recognised', async () => {
    const letters: unknown[] = []
    const deps = {
      deadLetters: { send: async (letter: unknown) => void letters.push(letter) },
      outcomes: { publish: async () => {} },
      redelivery: { redeliverAfter: async () => {} },
      ledger: { markNotified: async () => {} },
      telemetry: { count: () => {} },
      log: { info: () => {}, warn: () => {} },
    } as unknown as SettleDeps
    await settle(planSettlement({ kind: 'paused' }, request, redrive, settings), redrive, request, deps)
    expect(letters).toEqual([{ body: '{}', reason: 'outcome-unknown', attributes: expect.objectContaining({ sourceMessageId: 'm-1' }) }])
  })
})
