/**
 * The rate-limit headers Genesys puts on API responses (`inin-ratelimit-allowed`, `-count`, `-reset`; names
 * VERIFIED from a Genesys trace sample). What they count is UNVERIFIED; the assumption (docs/pacing.md): `allowed`
 * requests per window for the OAuth client's token, `count` already used in the current window by every caller
 * of that token or client, `reset` seconds until the window starts again.
 */
import { headerValue } from './failure.ts'

export interface RateLimitReport {
  readonly allowed: number
  readonly count: number
  readonly resetSeconds: number
}

/** The three headers, or undefined when any is absent or not a non-negative number. */
export function rateLimitReportOf(headers: unknown): RateLimitReport | undefined {
  const read = (name: string) => {
    const value = headerValue(headers, name)?.trim()
    return value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined
  }
  const allowed = read('inin-ratelimit-allowed')
  const count = read('inin-ratelimit-count')
  const resetSeconds = read('inin-ratelimit-reset')
  if (allowed === undefined || count === undefined || resetSeconds === undefined || allowed <= 0) return undefined
  return { allowed, count, resetSeconds }
}
