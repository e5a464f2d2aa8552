/** The check that the configured send budget fits the rate limit the org reports. */
import { DEFAULTS } from '#lib/config.ts'
import type { CheckClient } from './client.ts'
import type { CheckStep } from './step.ts'

export function checkBudget(http: CheckClient, env: Record<string, string | undefined>): CheckStep {
  const step = 'rate-limit budget'
  const raw = env.GENESYS_BUDGET_PER_MINUTE
  const budget = raw === undefined || raw === '' ? DEFAULTS.budgetPerMinute : Number(raw)
  if (!Number.isFinite(budget) || budget <= 0) {
    return { step, status: 'FAIL', detail: `GENESYS_BUDGET_PER_MINUTE=${JSON.stringify(raw)} is not a positive number`, fix: 'set a number of requests per minute, e.g. 300' }
  }
  const allowed = http.rateLimitAllowed
  if (allowed === undefined) return { step, status: 'SKIP', detail: 'no response carried an inin-ratelimit-allowed header' }
  const source = raw === undefined || raw === '' ? ' (default)' : ''
  if (budget > allowed) {
    return {
      step,
      status: 'FAIL',
      detail: `GENESYS_BUDGET_PER_MINUTE ${budget}${source} exceeds inin-ratelimit-allowed ${allowed}: sends would hit 429`,
      fix: `set GENESYS_BUDGET_PER_MINUTE to ${allowed} or less (other callers of the same OAuth client share the allowance)`,
    }
  }
  return { step, status: 'PASS', detail: `GENESYS_BUDGET_PER_MINUTE ${budget}${source} is within inin-ratelimit-allowed ${allowed}` }
}
