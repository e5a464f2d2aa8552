/**
 * Paces requests to a per-minute budget with a token bucket. Each send worker gets an equal share of the
 * budget (budget × headroom / workers), so all workers together stay within it.
 */
export interface Pacer {
  /** Resolves when a request may be sent. */
  acquire(): Promise<void>
  /** Nothing may be sent for `seconds` (a 429's Retry-After applies to the whole token). */
  pause(seconds: number): void
}

export interface TokenBucketOptions {
  readonly perMinute: number
  /** Requests that may go out back to back after an idle period. */
  readonly burst?: number
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

export function workerBudget(budgetPerMinute: number, headroom: number, workers: number): number {
  return (budgetPerMinute * headroom) / Math.max(1, workers)
}

export class TokenBucketPacer implements Pacer {
  private readonly intervalMs: number
  private readonly burst: number
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private tokens: number
  private refilledAt: number
  private pausedUntil = 0
  private queue: Promise<void> = Promise.resolve()

  constructor(options: TokenBucketOptions) {
    if (!(options.perMinute > 0)) throw new Error('pacer: perMinute must be positive')
    this.intervalMs = 60_000 / options.perMinute
    this.burst = Math.max(1, options.burst ?? 1)
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.tokens = this.burst
    this.refilledAt = this.now()
  }

  acquire(): Promise<void> {
    // Serialise callers so concurrent acquires within one worker cannot overdraw the bucket.
    const turn = this.queue.then(() => this.take())
    this.queue = turn.catch(() => undefined)
    return turn
  }

  pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + seconds * 1000)
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.now()
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now)
        continue
      }
      this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / this.intervalMs)
      this.refilledAt = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.sleep(Math.ceil((1 - this.tokens) * this.intervalMs))
    }
  }
}
