/** The simulator's public option and record types. */
import type { Channel } from '#lib/domain/model.ts'
import type { DeliveredMessage } from './delivered.ts'

export interface SimulatorClient {
  readonly secret: string
  /** Default: conversation:message:create, routing:queue:view and routing:utilization:view. */
  readonly permissions?: readonly string[]
}

/**
 * `timeout`: the request is held and answered 504, never accepted. `acceptedTimeout` (sequence only): accepted,
 * then held and answered 504, as when Genesys took the message and the answer was lost on the way back.
 */
export type FaultKind = 'http429' | 'http5xx' | 'timeout' | 'token401' | 'acceptedTimeout'

export interface SimulatorFaults {
  /** Probabilities in [0, 1] per API request; they share one draw, so their sum should stay ≤ 1. */
  readonly http429?: number
  readonly http5xx?: number
  readonly timeout?: number
  /** Applies to every API call (not the token endpoint): 401 as if the token had expired, and the token is revoked. */
  readonly token401?: number
  /** Seed of the PRNG: the same seed and the same request order give the same faults. Default 1. */
  readonly seed?: number
  /**
   * Forced outcomes for the next API requests, consumed in order before the probabilities apply
   * (`'none'` lets one request through). Handy for "fail once, then succeed" tests.
   */
  readonly sequence?: readonly (FaultKind | 'none')[]
  /** How long a `timeout` fault holds the request before answering 504. Make it longer than the client timeout. */
  readonly timeoutHoldMs?: number
  /** Share in [0, 1] of accepted messages that end Delivery-failure (with an `errorInfo`); drawn at acceptance. */
  readonly undeliverable?: number
  /** Each status change (queued → sent → delivered or failed) shows this many ms after the one before. Default 0. */
  readonly statusLagMs?: number
}

/** `malformed`: a 200 whose body is not the documented shape (for the callers' bad-input handling). */
export type SimulatorAnswer = 'ok' | 'malformed'

export interface SimulatorOptions {
  /** clientId → client. Default: `local-client` / `local-secret` with both permissions. */
  readonly clients?: Readonly<Record<string, SimulatorClient>>
  /** `expires_in` of issued tokens. Default 86400 (Genesys' default token lifetime). */
  readonly tokenTtlSeconds?: number
  /** Requests per token per window. Default 300 (Genesys `client.credentials.token.rate.per.minute`). */
  readonly rateLimitPerMinute?: number
  /** Length of the fixed rate-limit window. Default 60000; tests scale it down. */
  readonly rateWindowMs?: number
  /**
   * What the rate limit counts: each token on its own (`token`, default: Genesys' per-token limit), or every
   * token of one OAuth client together (`client`: several workers that each log in share one budget).
   */
  readonly rateLimitScope?: 'token' | 'client'
  /** userId → ids of the queues the user is a member of. */
  readonly queueMemberships?: Readonly<Record<string, readonly string[]>>
  /** What `GET /api/v2/routing/users/{userId}/utilization` answers. Default: a `message` capacity of 4 for everyone. */
  readonly utilization?: SimulatorUtilization
  /** Known Messenger deployment ids (webmessaging fromAddress). When given, any other fromAddress is rejected. */
  readonly deployments?: readonly string[]
  /** Known fromAddress per other channel: integration ids (whatsapp, open) or provisioned numbers (sms). */
  readonly integrations?: Readonly<Partial<Record<Exclude<Channel, 'webmessaging'>, readonly string[]>>>
  readonly faults?: SimulatorFaults
  /** Clock for token expiry, rate windows and timestamps. Default Date.now. */
  readonly now?: () => number
  /** Port to listen on (127.0.0.1). Default 0: any free port. */
  readonly port?: number
  /** Read-only org data for `proactive check` (see SimulatorOrg). */
  readonly org?: SimulatorOrg
  /** How long after acceptance a message shows in the analytics details query (its data lag). Default 0. */
  readonly analyticsLagMs?: number
  /**
   * The clock conversations are stamped with and read by (the message status, the analytics interval), when it is
   * not `now`: the local cloud's shifted clock, so a look-up from a replayed event's time finds what was sent then,
   * while tokens and rate windows keep to real time. Default `now`.
   */
  readonly conversationClock?: () => number
}

/** The simulator's answer to the utilization lookup (the agent's messaging capacity). */
export interface SimulatorUtilization {
  /** `utilization.message.maximumCapacity` for every user without their own. Default 4. */
  readonly messageCapacity?: number
  /** userId → that user's capacity. */
  readonly perUser?: Readonly<Record<string, number>>
  /** `malformed`: a 200 whose body has no usable capacity; `unavailable`: 503. Default `ok`. */
  readonly answer?: 'ok' | 'malformed' | 'unavailable'
}

export interface SimulatorEventBridgeIntegration {
  readonly id: string
  readonly name?: string
  /** Default true; false reports intendedState DISABLED. */
  readonly enabled?: boolean
  /** The integration's topic filter, served as `properties.eventFilter` of its current config. */
  readonly topics: readonly string[]
}

/** Read-only org data served to `proactive check` (routes/org.ts). */
export interface SimulatorOrg {
  /** Messenger deployment id → status. Every id in `deployments` exists; default status `Active`. */
  readonly deploymentStatus?: Readonly<Record<string, string>>
  /** WhatsApp / Open integration id → status. Every id in `integrations.whatsapp/open` exists; default `Active`. */
  readonly integrationStatus?: Readonly<Record<string, string>>
  /** `amazon-eventbridge-source` integrations. Default: none. */
  readonly eventBridgeIntegrations?: readonly SimulatorEventBridgeIntegration[]
}

export interface RecordedRequest {
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Parsed JSON body, the parsed form of a token request, or the raw text if it did not parse. */
  readonly body: unknown
  /** The OAuth client id of a token request (never the secret), or of the token used by an API call. */
  clientId?: string
  readonly receivedAt: number
  /** Set when the answer is sent; undefined while held (timeout fault) or if never answered. */
  status?: number
  /** The injected fault, if any. */
  fault?: FaultKind
}

export interface GenesysSimulator {
  readonly url: string
  readonly port: number
  /** Every request received, in order. The Authorization header is never recorded. */
  readonly requests: readonly RecordedRequest[]
  agentlessRequests(): RecordedRequest[]
  /** Forgets recorded requests and rate-limit counters, and restores the initial faults (reseeded). Issued tokens stay valid. */
  reset(): void
  /** Replaces the faults and reseeds the PRNG. */
  setFaults(faults: SimulatorFaults | undefined): void
  /** Revokes every issued token, as if all had expired: the next API call gets 401 credentials.expired. */
  expireTokens(): void
  /** Changes the requests allowed per window from now on (a limit raised or lowered during a run). */
  setRateLimit(perWindow: number): void
  /** Another integration on the same OAuth client uses this share (0 to 1) of every window's allowance. */
  setCompetingShare(share: number): void
  /** Changes what the utilization lookup answers from now on. */
  setUtilization(utilization: SimulatorUtilization): void
  /** Every agentless message the simulator accepted (answered 200): what was really delivered, by conversation. */
  delivered(): readonly DeliveredMessage[]
  /** Changes the analytics query's data lag from now on. */
  setAnalyticsLag(ms: number): void
  /** Makes the message-status read or the analytics query answer a malformed 200 (or the documented shape again). */
  setAnswer(route: 'status' | 'query', answer: SimulatorAnswer): void
  close(): Promise<void>
}
