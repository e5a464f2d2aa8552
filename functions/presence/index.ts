/**
 * presence: agent presence / routing-status events (SQS, from the Genesys partner bus) → on a transition into
 * available, one ProactiveMessageRequested event per customer to message. Wiring only: parse, call the use case
 * (lib/presence/handle-availability.ts), report (./report.ts). Its adapters are built in ./dependencies.ts.
 */
import type { SQSRecord } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { loadConfig, presenceConfigSchema } from '#lib/config.ts'
import { systemClock } from '#lib/domain/ports.ts'
import { SERVICE_NAMES } from '#lib/metrics-names.ts'
import { FanOutPendingError, handleAvailability } from '#lib/presence/handle-availability.ts'
import { acceptGenesysEvent } from '../shared/genesys-event.ts'
import { createObservability, shortId } from '../shared/observability.ts'
import { lazyHandler, sqsBatchHandler, type SqsHandler } from '../shared/sqs-batch.ts'
import type { Env, HandlerOverrides } from '../shared/wiring.ts'
import { availabilityDependencies, availabilitySettings } from './dependencies.ts'
import { createAvailabilityReport } from './report.ts'

export function createPresenceHandler(env: Env = process.env, overrides: HandlerOverrides = {}): SqsHandler {
  const config = loadConfig('presence', presenceConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.presence, overrides.telemetry)
  const settings = availabilitySettings(config)
  const clock = overrides.clock ?? systemClock
  const deps = availabilityDependencies(config, createAwsClients(config), overrides, clock, observability.telemetry)
  const report = createAvailabilityReport(observability)

  const processRecord = async (record: SQSRecord): Promise<void> => {
    const event = acceptGenesysEvent(record, 'agent', {
      logger: observability.logger,
      telemetry: observability.telemetry,
      orgId: config.GENESYS_ORG_ID,
      clock,
      maxClockSkewSeconds: config.MAX_CLOCK_SKEW_SECONDS,
    })
    if (!event) return
    const context = { agentId: shortId(event.agentId), signal: event.signal, status: event.status, eventId: event.eventId }
    try {
      report.outcome(await handleAvailability(event, deps, settings), context)
    } catch (error) {
      // A fan-out still pending goes back to SQS: its retry publishes the agent's outbox.
      if (error instanceof FanOutPendingError) report.fanOutPending(error, record, context)
      throw error
    }
  }

  return sqsBatchHandler(processRecord, observability)
}

export const handler = lazyHandler(() => createPresenceHandler())
