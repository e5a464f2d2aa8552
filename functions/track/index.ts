/**
 * track: look-up jobs (SQS, written by send and by track itself) → for a send whose answer was lost, one analytics
 * look-up in Genesys when it is due, paced with the sends. Wiring only: the use case
 * (lib/track/look-up-unknown.ts) decides and settles each job; its adapters are built in ./dependencies.ts.
 */
import type { Context, SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { loadConfig, trackConfigSchema } from '#lib/config.ts'
import { systemClock, type InboundMessage } from '#lib/domain/ports.ts'
import { SERVICE_NAMES } from '#lib/metrics-names.ts'
import { handleLookupJob } from '#lib/track/look-up-unknown.ts'
import { createObservability } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import type { Env, HandlerOverrides } from '../shared/wiring.ts'
import { trackDependencies, trackSettings } from './dependencies.ts'

/** Time kept after the Genesys call for the writes that settle the job (ledger, dead letter, outcome event). */
const SETTLE_MARGIN_MS = 5_000

export function createTrackHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('track', trackConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.track, overrides.telemetry)
  const settings = trackSettings(config)
  const deps = trackDependencies(config, createAwsClients(config), overrides, observability)
  const sendBy = (context: Context | undefined): number | undefined => {
    const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined
    return remainingMs === undefined ? undefined : systemClock.now() + remainingMs - config.GENESYS_TIMEOUT_MS - SETTLE_MARGIN_MS
  }
  return sqsBatchHandler((record, context) => handleLookupJob(inboundMessage(record, sendBy(context)), deps, settings), observability)
}

function inboundMessage(record: SQSRecord, sendBy: number | undefined): InboundMessage {
  return {
    id: record.messageId,
    body: record.body,
    ...(sendBy !== undefined ? { sendBy } : {}),
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    delivery: { queue: record.eventSourceARN, receipt: record.receiptHandle },
  }
}

export const handler = lazyHandler(() => createTrackHandler())
