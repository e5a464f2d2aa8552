/**
 * Property: a batch of hostile records never fails. The real session-recorder and presence handlers (built by
 * the factories Lambda uses, against the local DynamoDB and EventBridge) get batches mixing valid events with
 * mutated ones. For every batch: no record is reported as a batch item failure (nothing is retried forever);
 * each rejected record has a structured log line naming the field and the problem and is counted in
 * EventsRejected; each ignored one has a log line and counts in EventsIgnored; the valid records are processed
 * (their sessions stored); nothing pollutes Object.prototype; no log line holds a phone number or e-mail address.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPresenceHandler } from '#functions/presence/index.ts'
import { createSessionRecorderHandler } from '#functions/session-recorder/index.ts'
import type { SqsHandler } from '#functions/shared/sqs-batch.ts'
import { staticCredentials } from '#lib/adapters/genesys-credentials.ts'
import { EventValidationError, parseEnvelopeJson, parseGenesysEvent, UnsupportedEventError } from '#lib/domain/events.ts'
import { checkEventSource } from '#lib/domain/source-trust.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import { captureLogs, fuzzParams, fuzzTimeout, lambdaContext, MetricTally, sqsRecord, type CapturedLogs } from './harness.ts'
import { agentEnvelopeArb, conversationEnvelopeArb, recordArb, type Tagged } from './hostile.ts'

const CI_RUNS = 25

type Verdict = 'rejected' | 'ignored' | 'accepted'

/** The verdict the pure domain gives a body: what the handler must report for it. */
function verdictOf(body: string, kind: 'conversation' | 'agent'): { verdict: Verdict; fields: string[] } {
  try {
    const event = parseGenesysEvent(parseEnvelopeJson(body))
    if (!checkEventSource(event.source).trusted) return { verdict: 'ignored', fields: ['source'] }
    return { verdict: event.kind === kind ? 'accepted' : 'ignored', fields: [] }
  } catch (error) {
    if (error instanceof EventValidationError) return { verdict: 'rejected', fields: error.problems.map((p) => p.field) }
    if (error instanceof UnsupportedEventError) return { verdict: 'ignored', fields: [] }
    throw error
  }
}

const PHONE_IN_LOG = /\+\d{7,15}/
const EMAIL_IN_LOG = /[a-z0-9]+@(?:mail\.)?example\.(?:com|org)/

let cloud: LocalCloud
let logs: CapturedLogs

beforeAll(async () => {
  cloud = await LocalCloud.start({ logLevel: 'DEBUG' })
})

afterAll(async () => {
  logs?.restore()
  await cloud?.close()
})

async function sessionStored(conversationId: string): Promise<boolean> {
  const { Item } = await cloud.dynamo.send(new GetItemCommand({ TableName: LOCAL_NAMES.sessionsTable, Key: { conversationId: { S: conversationId.toLowerCase() } } }))
  return Item !== undefined
}

async function checkBatch(handler: SqsHandler, tally: MetricTally, kind: 'conversation' | 'agent', batch: readonly Tagged[]): Promise<void> {
  tally.reset()
  logs.clear()
  const records = batch.map((tagged) => sqsRecord(tagged.body))
  const response = await handler({ Records: records }, lambdaContext())

  expect(response.batchItemFailures, 'no record may be retried').toEqual([])
  expect(tally.get(METRIC_NAMES.eventsReceived)).toBe(records.length)
  expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined()

  const lines = logs.lines()
  let rejected = 0
  let ignored = 0
  for (const [index, record] of records.entries()) {
    const tagged = batch[index] as Tagged
    const { verdict, fields } = verdictOf(tagged.body, kind)
    const own = lines.filter((line) => line.messageId === record.messageId)
    if (verdict === 'rejected') {
      rejected++
      const line = own.find((l) => l.message === 'event rejected')
      expect(line, `no "event rejected" line for: ${tagged.mutation}`).toBeDefined()
      const problems = line?.problems as { field: string; problem: string }[]
      expect(problems.length).toBeGreaterThan(0)
      for (const p of problems) {
        expect(p.field.length).toBeGreaterThan(0)
        expect(p.problem.length).toBeGreaterThan(0)
      }
      expect(problems.map((p) => p.field)).toEqual(fields)
    } else if (verdict === 'ignored') {
      ignored++
      const line = own.find((l) => String(l.message).startsWith('event ignored'))
      expect(line, `no "event ignored" line for: ${tagged.mutation}`).toBeDefined()
      if (fields.includes('source')) expect(line?.field).toBe('source')
    } else if (kind === 'conversation' && tagged.mutation === 'none' && tagged.recordedConversationId) {
      expect(await sessionStored(tagged.recordedConversationId), 'a valid event in the batch was not recorded').toBe(true)
    }
  }
  expect(tally.get(METRIC_NAMES.eventsRejected)).toBe(rejected)
  expect(tally.get(METRIC_NAMES.eventsIgnored)).toBeGreaterThanOrEqual(ignored)

  const text = logs.text()
  expect(text).not.toMatch(PHONE_IN_LOG)
  expect(text).not.toMatch(EMAIL_IN_LOG)
  for (const tagged of batch) for (const value of tagged.personal) expect(text).not.toContain(value)
}

describe('session-recorder under hostile batches', () => {
  it(
    'acknowledges every record, reports each bad one by field, and records the good ones',
    async () => {
      const tally = new MetricTally()
      const handler = createSessionRecorderHandler(cloud.env, { telemetry: tally, clock: cloud.clock })
      logs = captureLogs()
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(recordArb(conversationEnvelopeArb), { minLength: 1, maxLength: 10 }), (batch) => checkBatch(handler, tally, 'conversation', batch)),
          fuzzParams(CI_RUNS),
        )
      } finally {
        logs.restore()
      }
    },
    fuzzTimeout(CI_RUNS, 100),
  )
})

describe('presence under hostile batches', () => {
  it(
    'acknowledges every record and reports each bad one by field',
    async () => {
      const tally = new MetricTally()
      // The simulator's client: presence asks Genesys for an agent's messaging capacity (agent-capacity, the default).
      const genesysCredentials = staticCredentials({ clientId: 'local-client', clientSecret: 'local-secret' })
      const handler = createPresenceHandler(cloud.env, { telemetry: tally, clock: cloud.clock, genesysCredentials })
      logs = captureLogs()
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(recordArb(agentEnvelopeArb), { minLength: 1, maxLength: 10 }), (batch) => checkBatch(handler, tally, 'agent', batch)),
          fuzzParams(CI_RUNS),
        )
      } finally {
        logs.restore()
      }
    },
    fuzzTimeout(CI_RUNS, 100),
  )
})
