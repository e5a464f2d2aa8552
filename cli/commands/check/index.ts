/**
 * `proactive check` — verifies, read-only, that a Genesys org (or the simulator) is set up so that sends can
 * work: token grant, the send permission, the configured sender ids, the EventBridge topics and the budget.
 * Parts: client.ts (check on the functions' Genesys HTTP layer: region, token, retries, error classification), credentials.ts, one file per family of checks (access, senders,
 * eventbridge, budget), run-checks.ts (their order) and report.ts (the text output).
 *
 * Endpoints (all in purecloud-platform-client-v2 262 index.d.ts / src):
 *   POST /oauth/token                                           (login host)
 *   GET  /api/v2/tokens/me                                      TokenInfo { OAuthClient: { roleDivisions } }
 *   GET  /api/v2/authorization/roles/{roleId}                   DomainOrganizationRole { permissions, permissionPolicies }
 *   GET  /api/v2/webdeployments/deployments/{deploymentId}      WebDeployment { status }
 *   GET  /api/v2/routing/sms/phonenumbers?phoneNumber=          SmsPhoneNumberEntityListing
 *   GET  /api/v2/conversations/messaging/integrations/whatsapp/{integrationId}   WhatsAppIntegration { status }
 *   GET  /api/v2/conversations/messaging/integrations/open/{integrationId}       OpenIntegration { status }
 *   GET  /api/v2/integrations?integrationType=amazon-eventbridge-source          IntegrationEntityListing
 *   GET  /api/v2/integrations/{integrationId}/config/current    IntegrationConfiguration { properties }
 * UNVERIFIED (needs a real org): that /tokens/me lists roleDivisions for a client-credentials token; the exact
 * status strings ("Active"); that the EventBridge integration exposes its topics as properties.eventFilter.
 */
import { DEFAULTS } from '#lib/config.ts'
import { unknownOption } from '../../args.ts'
import type { CommandIo } from '../../command-io.ts'
import { renderSteps } from './report.ts'
import { runChecks, type CheckDeps } from './run-checks.ts'

export { roleGrants } from './access.ts'
export { loginHostOf } from './client.ts'
export { renderSteps } from './report.ts'
export { runChecks, type CheckDeps } from './run-checks.ts'
export type { CheckStep, StepStatus } from './step.ts'

const HELP = `usage: proactive check [--json]

Verifies, read-only, that a Genesys Cloud org (or the local simulator) is set up so that proactive
sends can work. Each step prints PASS, FAIL or SKIP, and the fix under a FAIL:

  credentials           GENESYS_CLIENT_ID + GENESYS_CLIENT_SECRET, or GENESYS_SECRET_ARN
  token                 the client-credentials grant at login.<region host>
  permission            a role of the OAuth client grants conversation:message:create
  webmessaging sender   WEBMESSAGING_DEPLOYMENT_ID is an active Messenger deployment
  sms sender            SMS_FROM_NUMBER is a provisioned SMS number of the org
  whatsapp sender       WHATSAPP_INTEGRATION_ID is an active WhatsApp integration
  open sender           OPEN_INTEGRATION_ID is an active Open Messaging integration
  eventbridge topics    an amazon-eventbridge-source integration forwards the topics the rules expect
  rate-limit budget     GENESYS_BUDGET_PER_MINUTE is within the org's inin-ratelimit-allowed

It makes one POST (the token grant) and otherwise only GET requests. It never sends a message.

Environment:
  GENESYS_REGION         region host (mypurecloud.ie) or key (eu_west_1); default mypurecloud.com
  GENESYS_GATEWAY_URL    base URL of a gateway or the simulator; overrides the region hosts
  GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET   or GENESYS_SECRET_ARN (JSON {"clientId","clientSecret"})
  WEBMESSAGING_DEPLOYMENT_ID, SMS_FROM_NUMBER, WHATSAPP_INTEGRATION_ID, OPEN_INTEGRATION_ID
                         the senders to check; an unset one is skipped
  GENESYS_BUDGET_PER_MINUTE   default ${DEFAULTS.budgetPerMinute}
  GENESYS_TIMEOUT_MS     per request, default 10000

Options:
  --json      print {ok, steps: [{step, status, detail, fix}]}
  -h, --help  show this help

Exit status: 0 when no step failed, 1 when one did, 2 on a usage error.`

export async function main(args: string[], io: CommandIo, deps: CheckDeps = {}): Promise<number> {
  const json = args.includes('--json')
  if (args.includes('--help') || args.includes('-h')) {
    io.out(HELP)
    return 0
  }
  const unknown = args.filter((arg) => arg !== '--json')
  if (unknown.length > 0) {
    const [first] = unknown as [string]
    io.err(`check: ${first.startsWith('-') ? unknownOption(first, ['json']) : `unknown argument ${first}`}\n\n${HELP}`)
    return 2
  }
  const steps = await runChecks(io.env, deps)
  const ok = steps.every((step) => step.status !== 'FAIL')
  if (json) io.out(JSON.stringify({ ok, steps }, null, 2))
  else for (const line of renderSteps(steps)) io.out(line)
  return ok ? 0 : 1
}
