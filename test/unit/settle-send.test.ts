/**
 * The order of send's settlement steps, per outcome kind, with recording fakes of the ports: the order is the
 * "never lost, never twice" guarantee (dead letter before the report, both before the ledger is marked
 * notified, the retry scheduled before the record is left unacknowledged). The integration tests
 * (delivery-guarantees, pipeline-failures) run the same use case against the local cloud.
 */
import { describe, expect, it } from 'vitest'
import { EventValidationError } from '#lib/domain/events.ts'
import type { MessageRequest } from '#lib/domain/model.ts'
import type { InboundMessage } from '#lib/domain/ports.ts'
import { RetryLater } from '#lib/send/retry.ts'
import { planSettlement, rejectedSettlement, settle, type SettleDeps } from '#lib/send/settle-send.ts'
import type { SendDecision } from '#lib/send/send-message.ts'

const request: MessageRequest = {
  dedupeKey: 'trigger-1:conversation-1',
  conversationId: 'conversation-0001-long-id',
  customer: { channel: 'sms', address: '+13175550123' },
  agentId: 'agent-1',
  scope: 'agent',
  requestedAt: 1_000,
  triggerEventId: 'trigger-1',
}

const message: InboundMessage = { id: 'm-1', body: '{"the":"body"}', receiveCount: 3, delivery: { queue: 'arn:aws:sqs:us-east-1:1:q', receipt: 'r-1' } }
const settings = { maxDelayMinutes: 15, capHours: 24, retryBaseSeconds: 10, retryMaxSeconds: 900 }

type Call = readonly [port: string, ...args: unknown[]]

/** Every port records into one list, so a test sees the order across ports. */
function recordingPorts(failing?: string): { deps: SettleDeps; calls: Call[] } {
  const calls: Call[] = []
  const step = (name: string, ...args: unknown[]): Promise<void> => {
    calls.push([name, ...args])
    return failing === name ? Promise.reject(new Error(`${name} failed`)) : Promise.resolve()
  }
  const deps: SettleDeps = {
    deadLetters: { send: (letter) => step('deadLetters.send', letter) },
    outcomes: { publish: (outcome) => step('outcomes.publish', outcome) },
    redelivery: { redeliverAfter: (m, seconds) => step('redelivery.redeliverAfter', m.id, seconds) },
    ledger: { markNotified: (dedupeKey) => step('ledger.markNotified', dedupeKey) },
    telemetry: { count: (metric) => void calls.push(['count', metric]) },
    log: { info: (text) => void calls.push(['log.info', text]), warn: (text) => void calls.push(['log.warn', text]) },
  }
  return { deps, calls }
}

async function settleDecision(decision: SendDecision, failing?: string): Promise<{ calls: Call[]; error?: unknown }> {
  const { deps, calls } = recordingPorts(failing)
  try {
    await settle(planSettlement(decision, request, message, settings), message, request, deps)
    return { calls }
  } catch (error) {
    return { calls, error }
  }
}

const names = (calls: Call[]) => calls.map(([name]) => name)
const ids = { dedupeKey: request.dedupeKey, conversationId: request.conversationId, channel: 'sms', agentId: 'agent-1', requestedAt: 1_000 }

describe('send settlement: the order of the steps per outcome kind', () => {
  it('sent: count, log, report, then mark notified', async () => {
    const { calls, error } = await settleDecision({ kind: 'sent', status: 202, messageId: 'g-1', genesysConversationId: 'gc-1' })
    expect(error).toBeUndefined()
    expect(names(calls)).toEqual(['count', 'log.info', 'outcomes.publish', 'ledger.markNotified'])
    expect(calls[0]).toEqual(['count', 'MessagesSent'])
    expect(calls[2]).toEqual(['outcomes.publish', { ...ids, outcome: 'sent', genesys: { status: 202, messageId: 'g-1', conversationId: 'gc-1' } }])
    expect(calls[3]).toEqual(['ledger.markNotified', request.dedupeKey])
  })

  it('expired: reported, never dead-lettered nor marked', async () => {
    const { calls } = await settleDecision({ kind: 'expired', ageMs: 20 * 60_000 })
    expect(calls).toEqual([
      ['count', 'MessagesExpired'],
      ['log.info', 'request expired: not sent'],
      ['outcomes.publish', { ...ids, outcome: 'expired', reason: 'older than 15 minutes' }],
    ])
  })

  it('capped: reported as capped with the cap window', async () => {
    const { calls } = await settleDecision({ kind: 'capped' })
    expect(calls).toEqual([
      ['count', 'MessagesCapped'],
      ['log.info', 'customer already messaged within the cap window: not sent'],
      ['outcomes.publish', { ...ids, outcome: 'capped', reason: 'customer messaged within the last 24 hours' }],
    ])
  })

  it('invalid: dead letter first, then the report; the ledger never claimed it, so no mark', async () => {
    const { calls } = await settleDecision({ kind: 'invalid', reason: 'invalid-payload', detail: 'address is missing' })
    expect(calls).toEqual([
      ['count', 'MessagesFailed'],
      ['log.warn', 'request fails preflight: dead-lettered'],
      ['deadLetters.send', { body: message.body, reason: 'invalid-payload', attributes: { detail: 'address is missing', sourceMessageId: 'm-1' } }],
      ['count', 'MessagesDeadLettered'],
      ['outcomes.publish', { ...ids, outcome: 'dead-lettered', reason: 'invalid-payload' }],
    ])
  })

  it('permanent: dead letter, report, then mark notified', async () => {
    const result = { ok: false, kind: 'permanent', status: 400, code: 'bad.request', message: 'no', contextId: 'ctx-1' } as const
    const { calls } = await settleDecision({ kind: 'permanent', result })
    expect(names(calls)).toEqual(['count', 'count', 'log.warn', 'deadLetters.send', 'count', 'outcomes.publish', 'ledger.markNotified'])
    expect(calls.slice(0, 2)).toEqual([
      ['count', 'MessagesFailed'],
      ['count', 'GenesysPermanentFailures'],
    ])
    expect(calls[3]).toEqual([
      'deadLetters.send',
      { body: message.body, reason: 'genesys-rejected', attributes: { genesysStatus: 400, genesysCode: 'bad.request', genesysMessage: 'no', contextId: 'ctx-1', sourceMessageId: 'm-1' } },
    ])
    expect(calls[5]).toEqual(['outcomes.publish', { ...ids, outcome: 'dead-lettered', reason: 'genesys-rejected', genesys: { status: 400, code: 'bad.request', contextId: 'ctx-1' } }])
  })

  it('outcome-unknown: dead letter, report, then mark notified; never a retry', async () => {
    const { calls } = await settleDecision({ kind: 'outcome-unknown', detail: 'timed out', attemptStartedAt: 1 })
    expect(names(calls)).toEqual(['count', 'log.warn', 'deadLetters.send', 'count', 'outcomes.publish', 'ledger.markNotified'])
    expect(calls[2]).toEqual(['deadLetters.send', { body: message.body, reason: 'outcome-unknown', attributes: { detail: 'timed out', sourceMessageId: 'm-1' } }])
  })

  it('duplicate, already reported: acknowledged with nothing written', async () => {
    const { calls } = await settleDecision({ kind: 'duplicate' })
    expect(calls).toEqual([
      ['count', 'DuplicatesAcknowledged'],
      ['log.info', 'already settled (sent or dead-lettered): duplicate delivery acknowledged'],
    ])
  })

  it('duplicate, sent but not reported: report it, then mark notified', async () => {
    const { calls } = await settleDecision({ kind: 'duplicate', unreported: { state: 'sent' } })
    expect(calls).toEqual([
      ['log.info', 'settled earlier: reporting the outcome'],
      ['outcomes.publish', { ...ids, outcome: 'sent' }],
      ['ledger.markNotified', request.dedupeKey],
    ])
  })

  it('duplicate, dead-lettered but not reported: dead letter again, report, then mark notified', async () => {
    const { calls } = await settleDecision({ kind: 'duplicate', unreported: { state: 'dead-lettered', reason: 'genesys-rejected' } })
    expect(names(calls)).toEqual(['log.info', 'deadLetters.send', 'count', 'outcomes.publish', 'ledger.markNotified'])
    expect(calls[1]).toEqual([
      'deadLetters.send',
      { body: message.body, reason: 'genesys-rejected', attributes: { detail: 'dead-lettered by an earlier attempt whose report failed', sourceMessageId: 'm-1' } },
    ])
    expect(calls[3]).toEqual(['outcomes.publish', { ...ids, outcome: 'dead-lettered', reason: 'genesys-rejected' }])
  })

  it('retry after a 429: redelivery after Retry-After, then the record stays unacknowledged', async () => {
    const { calls, error } = await settleDecision({ kind: 'retry', reason: 'rate-limited', delaySeconds: 42, result: { ok: false, kind: 'rate-limited', status: 429 } })
    expect(calls).toEqual([
      ['count', 'GenesysRateLimited'],
      ['log.warn', 'send failed: will retry'],
      ['redelivery.redeliverAfter', 'm-1', 42],
    ])
    expect(error).toBeInstanceOf(RetryLater)
    expect((error as Error).message).toBe('rate-limited (429)')
  })

  it('retry after a transient failure: backs off by the receive count, within [half, full] of base × 2^(n-1)', async () => {
    const { calls, error } = await settleDecision({ kind: 'retry', reason: 'transient', result: { ok: false, kind: 'transient', status: 503 } })
    expect(names(calls)).toEqual(['count', 'log.warn', 'redelivery.redeliverAfter'])
    expect(calls[0]).toEqual(['count', 'GenesysTransientFailures'])
    const seconds = calls[2]?.[2] as number
    expect(seconds).toBeGreaterThanOrEqual(20)
    expect(seconds).toBeLessThanOrEqual(40)
    expect(error).toBeInstanceOf(RetryLater)
  })

  it('retry while another attempt is in progress: no count, just a later redelivery', async () => {
    const { calls, error } = await settleDecision({ kind: 'retry', reason: 'attempt-in-progress' })
    expect(names(calls)).toEqual(['log.warn', 'redelivery.redeliverAfter'])
    expect((error as Error).message).toBe('attempt-in-progress')
  })

  it('retry with no time left to pace: redelivered after the wait the pacer needed, nothing counted', async () => {
    const { calls, error } = await settleDecision({ kind: 'retry', reason: 'no-time-left', delaySeconds: 57 })
    expect(calls).toEqual([
      ['log.warn', 'send failed: will retry'],
      ['redelivery.redeliverAfter', 'm-1', 57],
    ])
    expect((error as Error).message).toBe('no-time-left')
  })

  it('a message that is not a request: dead-lettered with the problems, nothing reported', async () => {
    const { deps, calls } = recordingPorts()
    const error = new EventValidationError([{ field: 'detail.dedupeKey', problem: 'is required' }])
    await settle(rejectedSettlement(error, message), message, undefined, deps)
    expect(names(calls)).toEqual(['count', 'log.warn', 'deadLetters.send', 'count'])
    expect(calls[0]).toEqual(['count', 'EventsRejected'])
    expect(calls[2]).toMatchObject(['deadLetters.send', { reason: 'invalid-request', attributes: { sourceMessageId: 'm-1' } }])
  })
})

describe('send settlement: a failed step stops the later ones (the record is redelivered and settles again)', () => {
  const permanent: SendDecision = { kind: 'permanent', result: { ok: false, kind: 'permanent', status: 400 } }

  it('a failed dead letter: nothing reported, the ledger not marked', async () => {
    const { calls, error } = await settleDecision(permanent, 'deadLetters.send')
    expect((error as Error).message).toBe('deadLetters.send failed')
    expect(names(calls)).not.toContain('outcomes.publish')
    expect(names(calls)).not.toContain('ledger.markNotified')
  })

  it('a failed report: the ledger not marked, so the redelivery reports again and sends nothing', async () => {
    const { calls, error } = await settleDecision({ kind: 'sent', status: 202 }, 'outcomes.publish')
    expect((error as Error).message).toBe('outcomes.publish failed')
    expect(names(calls)).not.toContain('ledger.markNotified')
  })

  it('a failed redelivery request: the error is not a RetryLater, the record is still left unacknowledged', async () => {
    const { error } = await settleDecision({ kind: 'retry', reason: 'transient' }, 'redelivery.redeliverAfter')
    expect(error).not.toBeInstanceOf(RetryLater)
    expect((error as Error).message).toBe('redelivery.redeliverAfter failed')
  })
})
