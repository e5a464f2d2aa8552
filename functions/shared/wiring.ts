/** What the local cloud and tests may replace when they build a handler; Lambda uses the defaults. */
import type { CredentialsSource } from '#lib/adapters/genesys-credentials.ts'
import type { Clock, DeliveryLedger, GenesysMessaging } from '#lib/domain/ports.ts'
import type { Telemetry } from './observability.ts'

export interface HandlerOverrides {
  /** The clock every step reads (`systemClock` by default; the local cloud's starts at each replayed event's time). */
  readonly clock?: Clock
  /** Receives every count the handler reports, besides the EMF metrics. */
  readonly telemetry?: Telemetry
  /** Genesys OAuth client credentials; by default read from Secrets Manager (GENESYS_SECRET_ARN). */
  readonly genesysCredentials?: CredentialsSource
  /** Wrappers around ports, for fault injection in the local cloud (e.g. a worker that dies after a send). */
  readonly decorate?: {
    readonly genesys?: (inner: GenesysMessaging) => GenesysMessaging
    readonly ledger?: (inner: DeliveryLedger) => DeliveryLedger
  }
}

export function decorate<T>(wrapper: ((inner: T) => T) | undefined, inner: T): T {
  return wrapper ? wrapper(inner) : inner
}

export type Env = Record<string, string | undefined>
