/** Runs the steps of `proactive check` in order. */
import { checkCapacityPermission, checkPermission, checkToken } from './access.ts'
import { checkBudget } from './budget.ts'
import { createCheckClient, loginHostOf, networkReason } from './client.ts'
import { defaultReadSecret, findCredentials } from './credentials.ts'
import { checkEventBridge } from './eventbridge.ts'
import { checkDeployment, checkMessagingIntegration, checkSmsNumber } from './senders.ts'
import type { CheckStep } from './step.ts'

export interface CheckDeps {
  /** Injected in tests to map real region hosts onto simulators. Default: global fetch. */
  readonly fetch?: typeof fetch
  /** Reads `{"clientId","clientSecret"}` from Secrets Manager. Default: @aws-sdk/client-secrets-manager. */
  readonly readSecret?: (secretId: string) => Promise<string>
}

/** Runs every step in order; steps that need a token are skipped when there is none. */
export async function runChecks(env: Record<string, string | undefined>, deps: CheckDeps = {}): Promise<CheckStep[]> {
  const steps: CheckStep[] = []
  const host = loginHostOf(env)
  if ('error' in host) {
    return [{ step: 'region', status: 'FAIL', detail: host.error, fix: 'set GENESYS_REGION to a region host such as mypurecloud.ie or a key such as eu_west_1' }]
  }
  const credentials = await findCredentials(env, deps.readSecret ?? defaultReadSecret)
  if ('status' in credentials) {
    steps.push(credentials)
  } else {
    steps.push({ step: 'credentials', status: 'PASS', detail: `from ${credentials.source}` })
  }
  const http = 'status' in credentials ? undefined : createCheckClient(env, host.loginHost, credentials, deps.fetch ?? fetch)
  const token = http && !('status' in credentials) ? await checkToken(http, credentials, env) : undefined
  steps.push(token ?? { step: 'token', status: 'SKIP', detail: 'needs credentials' })
  const later = ['permission', 'capacity permission', 'webmessaging sender', 'sms sender', 'whatsapp sender', 'open sender', 'eventbridge topics', 'rate-limit budget']
  if (!http || token?.status !== 'PASS') {
    for (const step of later) steps.push({ step, status: 'SKIP', detail: 'needs a token' })
    return steps
  }
  const guarded = async (step: string, run: () => Promise<CheckStep>): Promise<CheckStep> => {
    try {
      return await run()
    } catch (error) {
      return { step, status: 'FAIL', detail: `request failed: ${networkReason(error)}`, fix: `check that ${http.apiBase} is reachable from here` }
    }
  }
  steps.push(await guarded('permission', () => checkPermission(http)))
  steps.push(await guarded('capacity permission', () => checkCapacityPermission(http, env)))
  steps.push(await guarded('webmessaging sender', () => checkDeployment(http, env.WEBMESSAGING_DEPLOYMENT_ID)))
  steps.push(await guarded('sms sender', () => checkSmsNumber(http, env.SMS_FROM_NUMBER)))
  steps.push(await guarded('whatsapp sender', () => checkMessagingIntegration(http, 'whatsapp', env.WHATSAPP_INTEGRATION_ID)))
  steps.push(await guarded('open sender', () => checkMessagingIntegration(http, 'open', env.OPEN_INTEGRATION_ID)))
  steps.push(await guarded('eventbridge topics', () => checkEventBridge(http)))
  steps.push(checkBudget(http, env))
  return steps
}
