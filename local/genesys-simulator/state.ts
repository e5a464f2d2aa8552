/**
 * What the simulator remembers between requests: recorded requests, issued tokens and their rate-limit
 * counters, and the fault injection (a seeded PRNG plus a forced sequence).
 */
import { randomBytes } from 'node:crypto'
import { seededRandom } from '../random.ts'
import type { DeliveredMessage, StatusTiming } from './delivered.ts'
import type { FaultKind, RecordedRequest, SimulatorAnswer, SimulatorClient, SimulatorFaults, SimulatorOptions, SimulatorUtilization } from './types.ts'

export const PERMISSION_SEND = 'conversation:message:create'
export const PERMISSION_QUEUES = 'routing:queue:view'
/** `GET /api/v2/routing/users/{userId}/utilization` requires routing:utilization:view or :manage (SDK docs). */
export const PERMISSION_UTILIZATION = 'routing:utilization:view'
/** The message-status read (routes/message-status.ts). */
export const PERMISSION_MESSAGE_VIEW = 'conversation:message:view'
/** `POST /api/v2/analytics/conversations/details/query` (the unknown-outcome look-up). */
export const PERMISSION_ANALYTICS_DETAILS = 'analytics:conversationDetail:view'
const DEFAULT_PERMISSIONS: readonly string[] = [PERMISSION_SEND, PERMISSION_QUEUES, PERMISSION_UTILIZATION, PERMISSION_MESSAGE_VIEW, PERMISSION_ANALYTICS_DETAILS]
const DEFAULT_CLIENTS: Record<string, SimulatorClient> = { 'local-client': { secret: 'local-secret' } }

interface RateCounter {
  windowStart: number
  count: number
  /** Calls of the competing consumer counted in this window. */
  competing?: number
}

export interface IssuedToken extends RateCounter {
  readonly clientId: string
  expiresAt: number
}

export class SimulatorState {
  readonly now: () => number
  /** The time conversations are stamped and read in (the platform's conversation data); default `now`. */
  readonly conversationNow: () => number
  readonly clients: Readonly<Record<string, SimulatorClient>>
  readonly tokenTtlSeconds: number
  /** Requests allowed per window; `setRateLimit` changes it during a run (a limit raised by Genesys support). */
  rateLimit: number
  /** Share of every client's allowance another integration on the same OAuth client uses (0 to 1). */
  competingShare = 0
  /** What the utilization lookup answers; `setUtilization` changes it. */
  utilization: SimulatorUtilization
  readonly rateWindowMs: number
  readonly requests: RecordedRequest[] = []
  readonly tokens = new Map<string, IssuedToken>()
  /** Requests held by a `timeout` fault; cleared on close. */
  readonly held = new Set<NodeJS.Timeout>()
  /** Every agentless message accepted (answered 200), by Genesys conversation id: what was really delivered. */
  readonly delivered = new Map<string, DeliveredMessage>()
  /** How long after acceptance a message shows in the analytics details query. */
  analyticsLagMs: number
  /** `malformed`: the message-status read answers a 200 without usable messages. */
  statusAnswer: SimulatorAnswer = 'ok'
  /** `malformed`: the analytics query answers a 200 that is not an AnalyticsConversationQueryResponse. */
  queryAnswer: SimulatorAnswer = 'ok'
  private undeliverableRandom: () => number = seededRandom(2)
  private readonly clientCounters = new Map<string, RateCounter>()
  private faults: SimulatorFaults = {}
  private random: () => number = seededRandom(1)
  private sequence: (FaultKind | 'none')[] = []

  constructor(readonly options: SimulatorOptions) {
    this.now = options.now ?? Date.now
    this.conversationNow = options.conversationClock ?? this.now
    this.clients = options.clients ?? DEFAULT_CLIENTS
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 86_400
    this.rateLimit = options.rateLimitPerMinute ?? 300
    this.rateWindowMs = options.rateWindowMs ?? 60_000
    this.utilization = options.utilization ?? {}
    this.analyticsLagMs = options.analyticsLagMs ?? 0
    this.setFaults(options.faults)
  }

  get statusTiming(): StatusTiming {
    return { statusLagMs: this.faults.statusLagMs ?? 0 }
  }

  /** Drawn once per accepted message from its own generator, so the send faults' sequence is unchanged. */
  drawUndeliverable(): boolean {
    const share = this.faults.undeliverable ?? 0
    return share > 0 && this.undeliverableRandom() < share
  }

  get timeoutHoldMs(): number {
    return this.faults.timeoutHoldMs ?? 30_000
  }

  setFaults(next: SimulatorFaults | undefined): void {
    this.faults = next ?? {}
    this.random = seededRandom(this.faults.seed ?? 1)
    this.undeliverableRandom = seededRandom((this.faults.seed ?? 1) + 7)
    this.sequence = [...(this.faults.sequence ?? [])]
  }

  /** One draw per API request, so the outcome depends only on the seed and the request order. */
  drawFault(): FaultKind | undefined {
    const forced = this.sequence.shift()
    if (forced !== undefined) return forced === 'none' ? undefined : forced
    const roll = this.random()
    let edge = 0
    for (const kind of ['token401', 'http429', 'http5xx', 'timeout'] as const) {
      edge += this.faults[kind] ?? 0
      if (roll < edge) return kind
    }
    return undefined
  }

  issueToken(clientId: string): string {
    const accessToken = randomBytes(24).toString('base64url')
    const at = this.now()
    this.tokens.set(accessToken, { clientId, expiresAt: at + this.tokenTtlSeconds * 1000, windowStart: at, count: 0 })
    return accessToken
  }

  permissionsOf(clientId: string): readonly string[] {
    return this.clients[clientId]?.permissions ?? DEFAULT_PERMISSIONS
  }

  hasPermission(token: IssuedToken, permission: string): boolean {
    return this.permissionsOf(token.clientId).includes(permission)
  }

  /** The counter a token's calls are counted on: its own, or its OAuth client's (rateLimitScope 'client'). */
  counterOf(token: IssuedToken): RateCounter {
    if (this.options.rateLimitScope !== 'client') return token
    let counter = this.clientCounters.get(token.clientId)
    if (!counter) this.clientCounters.set(token.clientId, (counter = { windowStart: this.now(), count: 0 }))
    return counter
  }

  /**
   * Counts one call on the token's counter (opening a new window when the last one ended); false when over the
   * limit. A competing consumer's calls are added to the counter in step with the window's elapsed time, so it
   * uses `competingShare` of the allowance spread evenly over the window.
   */
  countCall(token: IssuedToken): boolean {
    const at = this.now()
    const counter = this.counterOf(token)
    this.roll(counter, at)
    counter.count += 1
    return counter.count <= this.rateLimit
  }

  /** Opens a new window when the last one ended, and adds the competing consumer's calls so far. */
  roll(counter: RateCounter, at: number): void {
    if (at >= counter.windowStart + this.rateWindowMs) {
      counter.windowStart = at
      counter.count = 0
      counter.competing = 0
    }
    const competingDue = Math.floor((this.competingShare * this.rateLimit * (at - counter.windowStart)) / this.rateWindowMs)
    const added = competingDue - (counter.competing ?? 0)
    if (added > 0) {
      counter.count += added
      counter.competing = competingDue
    }
  }

  retryAfterSeconds(token: IssuedToken): number {
    return Math.max(1, Math.ceil((this.counterOf(token).windowStart + this.rateWindowMs - this.now()) / 1000))
  }

  /** Forgets recorded requests and rate-limit counters, and restores the initial faults (reseeded). */
  reset(): void {
    this.requests.length = 0
    this.delivered.clear()
    for (const token of this.tokens.values()) {
      token.windowStart = this.now()
      token.count = 0
    }
    this.clientCounters.clear()
    this.setFaults(this.options.faults)
  }

  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = this.now()
  }
}
