/**
 * send: ProactiveMessageRequested events (SQS, from the app bus) → one agentless message each through the
 * Genesys Platform API, paced to the request budget. Wiring only: the use case (lib/send/handle-send-request.ts)
 * decides and settles each request (dead-letter, report, mark notified, retry later) in one fixed order; its
 * adapters are built in ./dependencies.ts.
 */
import type { Context, SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { loadConfig, sendConfigSchema } from '#lib/config.ts'
import { systemClock, type InboundMessage } from '#lib/domain/ports.ts'
import { SERVICE_NAMES } from '#lib/metrics-names.ts'
import { handleSendRequest } from '#lib/send/handle-send-request.ts'
import { createObservability } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import type { Env, HandlerOverrides } from '../shared/wiring.ts'
import { sendDependencies, sendSettings } from './dependencies.ts'

export function createSendHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('send', sendConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.send, overrides.telemetry)
  const settings = sendSettings(config)
  const deps = sendDependencies(config, createAwsClients(config), overrides, observability)
  const sendBy = (context: Context | undefined): number | undefined => {
    const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined
    return remainingMs === undefined ? undefined : systemClock.now() + remainingMs - config.GENESYS_TIMEOUT_MS - SETTLE_MARGIN_MS
  }
  return sqsBatchHandler((record, context) => handleSendRequest(inboundMessage(record, sendBy(context)), deps, settings), observability)
}

/** Time kept after the Genesys call for the settlement's writes (ledger, dead letter, outcome event). */
const SETTLE_MARGIN_MS = 5_000

function inboundMessage(record: SQSRecord, sendBy: number | undefined): InboundMessage {
  return {
    id: record.messageId,
    body: record.body,
    ...(sendBy !== undefined ? { sendBy } : {}),
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    // The send function dead-letters with `reason` and `sourceMessageId` attributes, which a redrive carries back;
    // the delivery ledger accepts the claim only for the dead letter written for that source message.
    ...redriveClaimOf(record),
    delivery: { queue: record.eventSourceARN, receipt: record.receiptHandle },
  }
}

function redriveClaimOf(record: SQSRecord): { redriveOf?: string; redriveReason?: string } {
  const attributes = record.messageAttributes ?? {}
  const source = attributes.sourceMessageId?.stringValue
  const reason = attributes.reason?.stringValue
  return reason !== undefined && source ? { redriveOf: source, redriveReason: reason } : {}
}

export const handler = lazyHandler(() => createSendHandler())
