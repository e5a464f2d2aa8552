/**
 * Paces Genesys requests to one rate shared by every send worker: each request claims a slot in the current
 * window with one conditional update of a counter item in the state table (`pace#<window>`). Window limits are
 * spread so that the long-run rate is exactly the rate (4.75 a second alternates 4 and 5). A 429's Retry-After
 * pauses this worker.
 *
 * The rate adapts to what Genesys reports (`observe`, fed by every response's `inin-ratelimit-*` headers): what
 * is left of the reported allowance (allowed − count, less one request of margin) spread over the
 * seconds until the reset. Every worker sees the same Genesys counter on its own responses, and the claims share
 * one counter in DynamoDB, so all workers together follow it. `perMinute` (the configured budget × headroom) is
 * the starting rate and the fallback once the last report's window has ended without a new one.
 *
 * Each second's limit is planned once, from the last report before it (`planFor`), not re-read on every claim:
 * a report counts the second's own grants, so re-reading it inside the second charged them twice and spread the
 * allowance over one second too many (measured: 285 of 300 per window). The second in which Genesys's window ends
 * takes all that is left, and a worker that found a second full wakes when that window ends, not only at the next
 * second: Genesys opens the next window at the first call after, so any pause there is rate lost for good.
 * What the headers count is UNVERIFIED; the assumption is in docs/pacing.md.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Pacer, PacerRefusal } from '../domain/ports.ts'
import { isConditionalCheckFailed } from './dynamodb-state.ts'
import type { RateLimitReport } from './genesys-http/rate-limit.ts'

export interface RateLimiterOptions {
  readonly client: DynamoDBDocumentClient
  readonly tableName: string
  /** Requests a minute for all workers together (budget × headroom). */
  readonly perMinute: number
  readonly windowMs?: number
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

/**
 * The pace window: each claims its share of the allowance. A quarter second, not a whole one: grants within a
 * window come in a burst at its start, and the report after the burst is all a worker knows until the next window,
 * so the shorter the window the smaller the share lost where Genesys's window ends (fake-clock runs in
 * test/unit/rate-limiter-pacing.test.ts: 285–294 of 300 per Genesys window with 1 s, 295–300 with 250 ms; 100 ms
 * gave 429s with 4 and 8 workers). Each claim is one conditional write; a full window costs one failed write per
 * waiting worker.
 */
export const PACE_WINDOW_MS = 250

/** The shortest time a report's allowance is spread over, so a report at the very end of a window cannot burst. */
const MIN_RESET_MS = 250

/** How many requests window `k` may hold so that windows 0..k together hold floor((k+1) × perWindow). */
export function windowLimit(k: number, perWindow: number): number {
  return Math.floor((k + 1) * perWindow) - Math.floor(k * perWindow)
}

export class DynamoDbRateLimiter implements Pacer {
  private readonly windowMs: number
  private readonly fallbackPerWindow: number
  /** The last report: what was left (less the margin) at `at`, until Genesys's window ends (`until`). */
  private reported: { perWindow: number; left: number; at: number; until: number } | undefined
  /** Counts Genesys windows seen, so a second's plan is redone only when the window changes. */
  private genesysWindow = 0
  /** This second's limit, fixed at its first claim (see planFor). */
  private plan: { window: number; key: string; limit: number } | undefined
  /** When Genesys's current window ends, as tightly as the reports bound it (see observe). */
  private windowEnd: number | undefined
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private pausedUntil = 0

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.perMinute > 0)) throw new Error('rate limiter: perMinute must be positive')
    this.windowMs = options.windowMs ?? PACE_WINDOW_MS
    this.fallbackPerWindow = (options.perMinute * this.windowMs) / 60_000
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? sleep
  }

  async acquire(deadline = Number.POSITIVE_INFINITY): Promise<PacerRefusal | undefined> {
    for (;;) {
      const now = this.now()
      if (now < this.pausedUntil) {
        if (this.pausedUntil > deadline) return { waitMs: this.pausedUntil - now }
        await this.sleep(this.pausedUntil - now)
        continue
      }
      const window = Math.floor(now / this.windowMs)
      const limit = this.planFor(window, now)
      if (limit > 0 && (await this.claim(window, limit))) return undefined
      // Full: wait for the next window, or for Genesys's window to end if that comes first (a new allowance),
      // with a little jitter so waiting workers do not all collide.
      const reportEnds = this.reported && this.reported.until > now ? this.reported.until : Number.POSITIVE_INFINITY
      const waitMs = Math.min((window + 1) * this.windowMs, reportEnds) - now + Math.floor(Math.random() * Math.min(50, this.windowMs / 10))
      if (now + waitMs > deadline) return { waitMs }
      await this.sleep(waitMs)
    }
  }

  /** The rate now: the reported one while its window lasts, else the configured one. */
  perWindowAt(now: number): number {
    return this.reported && now < this.reported.until ? this.reported.perWindow : this.fallbackPerWindow
  }

  /**
   * How many claims window `window` may hold, planned at its first claim and kept until Genesys's window
   * changes: the last report's rate over the part of this window after the report (all that is left when
   * Genesys's window ends within it), or the configured rate without a live report. Grants already made in this
   * window for a Genesys window that has ended since stay counted (`base`): they used the old allowance.
   */
  planFor(window: number, now: number): number {
    const live = this.reported && now < this.reported.until ? this.reported : undefined
    const key = live ? `${this.genesysWindow}` : `fallback:${this.genesysWindow}`
    if (this.plan?.window === window && this.plan.key === key) return this.plan.limit
    const base = this.plan?.window === window ? this.plan.limit : 0
    let own: number
    if (!live) own = windowLimit(window, this.fallbackPerWindow)
    else {
      // What is left, spread evenly from the report to the window's end; whole requests, the remainders carried.
      const share = (at: number): number => Math.floor((live.left * (Math.min(at, live.until) - live.at)) / (live.until - live.at))
      own = share((window + 1) * this.windowMs) - share(Math.max(live.at, window * this.windowMs))
    }
    this.plan = { window, key, limit: base + own }
    return this.plan.limit
  }

  /** A response's rate-limit headers: pace to what is left of the allowance until the reset. */
  observe(report: RateLimitReport): void {
    const now = this.now()
    // The reset comes in whole seconds, rounded up, so each report only bounds the window's end from above:
    // taken alone it spreads the allowance over up to a second too long and wastes the window's tail. Within one
    // window the lowest bound seen is the tightest; a bound more than a second later than it means a new window.
    const bound = now + Math.max(report.resetSeconds, 0) * 1000
    const sameWindow = this.windowEnd !== undefined && now < this.windowEnd && bound <= this.windowEnd + 1000
    if (!sameWindow) this.genesysWindow++
    this.windowEnd = sameWindow ? Math.min(this.windowEnd as number, bound) : bound
    const resetMs = Math.max(this.windowEnd - now, MIN_RESET_MS)
    // One request of margin: another may be in flight that the count does not show yet.
    const left = Math.max(0, report.allowed - report.count - 1)
    // The rate uses at least MIN_RESET_MS; the report lives only until the window's end, when a new one opens.
    this.reported = { perWindow: (left * this.windowMs) / resetMs, left, at: now, until: Math.max(this.windowEnd, now + 1) }
  }

  pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + seconds * 1000)
  }

  private async claim(window: number, limit: number): Promise<boolean> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { pk: `pace#${window}` },
          UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': Math.ceil(((window + 1) * this.windowMs) / 1000) + 3600 },
        }),
      )
      return true
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false
      throw error
    }
  }
}
