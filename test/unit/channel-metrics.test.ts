/**
 * Sent, failed and dead-lettered messages are counted with the message's channel as well (CHANNEL_METRICS), so
 * the dashboard can split them; every other count keeps the service dimension alone.
 */
import { describe, expect, it } from 'vitest'
import type { MessageRequest } from '#lib/domain/model.ts'
import type { InboundMessage, MetricDimensions } from '#lib/domain/ports.ts'
import { CHANNEL_METRICS, METRIC_NAMES } from '#lib/metrics-names.ts'
import type { SendDecision } from '#lib/send/send-message.ts'
import { planSettlement, settle, type SettleDeps } from '#lib/send/settle-send.ts'

const request: MessageRequest = {
  dedupeKey: 'trigger-1:conversation-1',
  conversationId: 'conversation-1',
  customer: { channel: 'whatsapp', address: '447700900123' },
  agentId: 'agent-1',
  scope: 'agent',
  requestedAt: 1_000,
  triggerEventId: 'trigger-1',
}
const message: InboundMessage = { id: 'm-1', body: '{}', receiveCount: 1, delivery: { queue: 'arn:aws:sqs:us-east-1:1:q', receipt: 'r-1' } }
const settings = { maxDelayMinutes: 15, capHours: 24, retryBaseSeconds: 10, retryMaxSeconds: 900 }

async function countsOf(decision: SendDecision): Promise<[string, MetricDimensions | undefined][]> {
  const counts: [string, MetricDimensions | undefined][] = []
  const done = () => Promise.resolve()
  const deps: SettleDeps = {
    deadLetters: { send: done },
    outcomes: { publish: done },
    redelivery: { redeliverAfter: done },
    ledger: { markNotified: done },
    telemetry: { count: (metric, _value, dimensions) => void counts.push([metric, dimensions]) },
    log: { info: () => undefined, warn: () => undefined },
  }
  await settle(planSettlement(decision, request, message, settings), message, request, deps).catch(() => undefined)
  return counts
}

describe('channel dimension', () => {
  it('sent: MessagesSent carries the channel', async () => {
    expect(await countsOf({ kind: 'sent', status: 202 })).toEqual([[METRIC_NAMES.messagesSent, { channel: 'whatsapp' }]])
  })

  it('a permanent rejection: failed and dead-lettered carry the channel, the Genesys count does not', async () => {
    const counts = await countsOf({ kind: 'permanent', result: { ok: false, kind: 'permanent', status: 400 } })
    expect(counts).toContainEqual([METRIC_NAMES.messagesFailed, { channel: 'whatsapp' }])
    expect(counts).toContainEqual([METRIC_NAMES.messagesDeadLettered, { channel: 'whatsapp' }])
    expect(counts).toContainEqual([METRIC_NAMES.genesysPermanentFailures, undefined])
  })

  it('a count outside CHANNEL_METRICS keeps the service dimension alone', async () => {
    const counts = await countsOf({ kind: 'expired', ageMs: 20 * 60_000 })
    expect(counts).toHaveLength(1)
    expect(CHANNEL_METRICS).not.toContain(counts[0]![0])
    expect(counts[0]![1]).toBeUndefined()
  })
})
