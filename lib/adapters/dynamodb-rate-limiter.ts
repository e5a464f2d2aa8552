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

/** The shortest time a report's allowance is spread over, so a report at the very end of a window cannot burst. */
const MIN_RESET_MS = 250

/** How many requests window `k` may hold so that windows 0..k together hold floor((k+1) × perWindow). */
export function windowLimit(k: number, perWindow: number): number {
  return Math.floor((k + 1) * perWindow) - Math.floor(k * perWindow)
}

export class DynamoDbRateLimiter implements Pacer {
  private readonly windowMs: number
  private readonly fallbackPerWindow: number
  /** The rate from the last report, until that report's window ends. */
  private reported: { perWindow: number; until: number } | undefined
  /** When Genesys's current window ends, as tightly as the reports bound it (see observe). */
  private windowEnd: number | undefined
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private pausedUntil = 0

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.perMinute > 0)) throw new Error('rate limiter: perMinute must be positive')
    this.windowMs = options.windowMs ?? 1000
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
      const limit = windowLimit(window, this.perWindowAt(now))
      if (limit > 0 && (await this.claim(window, limit))) return undefined
      // Full: wait for the next window, with a little jitter so waiting workers do not all collide.
      const waitMs = (window + 1) * this.windowMs - now + Math.floor(Math.random() * Math.min(50, this.windowMs / 10))
      if (now + waitMs > deadline) return { waitMs }
      await this.sleep(waitMs)
    }
  }

  /** The rate now: the reported one while its window lasts, else the configured one. */
  perWindowAt(now: number): number {
    return this.reported && now < this.reported.until ? this.reported.perWindow : this.fallbackPerWindow
  }

  /** A response's rate-limit headers: pace to what is left of the allowance until the reset. */
  observe(report: RateLimitReport): void {
    const now = this.now()
    // The reset comes in whole seconds, rounded up, so each report only bounds the window's end from above:
    // taken alone it spreads the allowance over up to a second too long and wastes the window's tail. Within one
    // window the lowest bound seen is the tightest; a bound more than a second later than it means a new window.
    const bound = now + Math.max(report.resetSeconds, 0) * 1000
    const sameWindow = this.windowEnd !== undefined && now < this.windowEnd && bound <= this.windowEnd + 1000
    this.windowEnd = sameWindow ? Math.min(this.windowEnd as number, bound) : bound
    const resetMs = Math.max(this.windowEnd - now, MIN_RESET_MS)
    // One request of margin: another may be in flight that the count does not show yet.
    const left = Math.max(0, report.allowed - report.count - 1)
    this.reported = { perWindow: (left * this.windowMs) / resetMs, until: now + resetMs }
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
