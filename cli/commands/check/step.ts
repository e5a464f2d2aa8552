/** What a check step reports, and the small helpers every check shares. */
import { describeError, type GetResult } from './client.ts'

export type StepStatus = 'PASS' | 'FAIL' | 'SKIP'

export interface CheckStep {
  readonly step: string
  readonly status: StepStatus
  readonly detail: string
  readonly fix?: string
}

/** SKIP, not FAIL, when the client may not read what a step would verify: the fix says which permission would let it. */
export const viewPermissionSkip = (step: string, result: GetResult, permission: string, manual: string): CheckStep => ({
  step,
  status: 'SKIP',
  detail: `cannot verify: ${describeError(result)}`,
  fix: `give the OAuth client ${permission} to let check verify this, or check by hand: ${manual}`,
})
