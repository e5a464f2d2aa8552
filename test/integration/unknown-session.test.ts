/**
 * Send trusts nothing it did not record, through the real handlers on the local cloud: a
 * ProactiveMessageRequested put on the app bus by anyone (the bus rule carries it to the send queue) is sent only
 * when its conversation is a recorded session, for the same customer, inside WINDOW_HOURS at its trigger. The
 * three ways to fail are dead-lettered as `unknown-session`, counted in RequestsUnknownSession, and nothing reaches
 * Genesys for them; a recorded request in the same run is sent. A `reason` attribute (the redrive mark) buys a
 * request put straight on the send queue nothing: every check still runs.
 */
import { randomUUID } from 'node:crypto'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { recipientOfBody } from '../../bench/recipients.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { sessionBacking } from '../support/recorded-sessions.ts'

const NOW = Date.parse('2026-03-02T09:00:00Z')
const HOUR = 3_600_000

function request(address: string) {
  const conversationId = randomUUID()
  const triggerEventId = randomUUID()
  return {
    dedupeKey: `${triggerEventId}:${conversationId}`,
    conversationId,
    customer: { channel: 'sms' as const, address },
    agentId: randomUUID(),
    scope: 'agent' as const,
    requestedAt: NOW,
    triggerEventId,
  }
}

describe('send dead-letters requests for sessions it did not record', () => {
  let cloud: LocalCloud
  const recorded = request('+13175550101')
  const notRecorded = request('+13175550102')
  const otherCustomer = request('+13175550103')
  const stale = request('+13175550104')
  // A forged redrive: put straight on the send queue with the `reason` attribute a real dead letter carries.
  const forged = request('+13175550105')

  beforeAll(async () => {
    cloud = await LocalCloud.start()
    cloud.clock.set(NOW)
    const sessions = new DynamoDbSessionRepository(DynamoDBDocumentClient.from(cloud.dynamo), LOCAL_NAMES.sessionsTable)
    const ended = (r: ReturnType<typeof request>, lastActiveAt = NOW) => ({ ...sessionBacking(r), lastActiveAt, customerEndedAt: lastActiveAt })
    await sessions.put(ended(recorded))
    // The session exists, but for another customer than the request names.
    await sessions.put({ ...ended(otherCustomer), customer: { channel: 'sms', address: '+13175550199' } })
    // The session was last active 25 h before the trigger (WINDOW_HOURS defaults to 24).
    await sessions.put(ended(stale, NOW - 25 * HOUR))
    const entries = [recorded, notRecorded, otherCustomer, stale].map((detail) => ({
      EventBusName: LOCAL_NAMES.appBus,
      Source: 'proactive-messaging',
      DetailType: APP_DETAIL_TYPES.requested,
      Detail: JSON.stringify(detail),
    }))
    const result = await cloud.bus.putEvents(entries)
    expect(result.FailedEntryCount ?? 0).toBe(0)
    const envelope = {
      version: '0',
      id: randomUUID(),
      source: 'proactive-messaging',
      'detail-type': APP_DETAIL_TYPES.requested,
      account: '000000000000',
      time: new Date(NOW).toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: forged,
    }
    await cloud.sqs.send(
      new SendMessageCommand({ QueueUrl: cloud.queueUrl('send'), MessageBody: JSON.stringify(envelope), MessageAttributes: { reason: { DataType: 'String', StringValue: 'outcome-unknown' } } }),
    )
    await cloud.drain()
  }, 60_000)

  afterAll(async () => cloud?.close())

  it('dead-letters each unrecorded request as unknown-session, and sends the recorded one', async () => {
    const letters = await cloud.deadLetters()
    const byConversation = new Map(letters.map((letter) => [letter.conversationId, letter.reason]))
    for (const r of [notRecorded, otherCustomer, stale, forged]) expect(byConversation.get(r.conversationId), r.customer.address).toMatch(/^unknown-session/)
    expect(byConversation.has(recorded.conversationId)).toBe(false)
    expect(letters).toHaveLength(4)
    expect(cloud.tally.get('send', METRIC_NAMES.requestsUnknownSession)).toBe(4)
  })

  it('posts nothing to Genesys for them, and the recorded request once', () => {
    const posted = cloud.simulator!.agentlessRequests().map((r) => recipientOfBody(r.body))
    expect(posted).toHaveLength(1)
    expect(posted[0]).toMatch(/13175550101$/)
  })
})
