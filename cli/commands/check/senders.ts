/** The checks that each configured sender id (deployment, SMS number, WhatsApp / Open integration) exists and is active. */
import { describeError, type CheckClient } from './client.ts'
import { isObject } from '../explain/json.ts'
import { viewPermissionSkip, type CheckStep } from './step.ts'

const isActive = (status: unknown): boolean => typeof status === 'string' && status.toLowerCase() === 'active'

export async function checkDeployment(http: CheckClient, deploymentId: string | undefined): Promise<CheckStep> {
  const step = 'webmessaging sender'
  if (!deploymentId) return { step, status: 'SKIP', detail: 'WEBMESSAGING_DEPLOYMENT_ID is not set (set it if you send on webmessaging)' }
  const result = await http.get(`/api/v2/webdeployments/deployments/${encodeURIComponent(deploymentId)}`)
  if (result.status === 404 || result.status === 400) {
    return {
      step,
      status: 'FAIL',
      detail: `Messenger deployment ${deploymentId} does not exist in this org (${describeError(result)})`,
      fix: 'set WEBMESSAGING_DEPLOYMENT_ID to the id in Admin > Message > Messenger Deployments (the deployment id, not the configuration id), in this region',
    }
  }
  if (result.status === 403) return viewPermissionSkip(step, result, 'webDeployments:deployment:view', 'Admin > Message > Messenger Deployments')
  if (result.status !== 200 || !isObject(result.body)) return { step, status: 'FAIL', detail: `GET deployment: ${describeError(result)}` }
  const status = result.body.status
  if (status !== undefined && !isActive(status)) {
    return { step, status: 'FAIL', detail: `Messenger deployment ${deploymentId} is ${String(status)}`, fix: 'activate the deployment (Admin > Message > Messenger Deployments) or use an active one' }
  }
  return { step, status: 'PASS', detail: `Messenger deployment ${deploymentId} is ${status === undefined ? 'present (no status reported)' : String(status)}` }
}

export async function checkSmsNumber(http: CheckClient, number: string | undefined): Promise<CheckStep> {
  const step = 'sms sender'
  if (!number) return { step, status: 'SKIP', detail: 'SMS_FROM_NUMBER is not set (set it if you send on sms)' }
  const digits = number.replace(/\D/g, '')
  const result = await http.get(`/api/v2/routing/sms/phonenumbers?phoneNumber=${digits}&pageSize=100`)
  if (result.status === 403) return viewPermissionSkip(step, result, 'sms:phoneNumber:view', 'Admin > Message > SMS Number Inventory')
  if (result.status !== 200 || !isObject(result.body)) return { step, status: 'FAIL', detail: `GET /api/v2/routing/sms/phonenumbers: ${describeError(result)}` }
  const entities = Array.isArray(result.body.entities) ? result.body.entities : []
  const match = entities.find((entity) => isObject(entity) && typeof entity.phoneNumber === 'string' && entity.phoneNumber.replace(/\D/g, '') === digits)
  if (!isObject(match)) {
    return { step, status: 'FAIL', detail: `SMS_FROM_NUMBER is not a provisioned SMS number of this org`, fix: 'use a number from Admin > Message > SMS Number Inventory, in E.164' }
  }
  const status = typeof match.phoneNumberStatus === 'string' ? ` (${match.phoneNumberStatus})` : ''
  return { step, status: 'PASS', detail: `SMS_FROM_NUMBER is provisioned${status}` }
}

export async function checkMessagingIntegration(http: CheckClient, kind: 'whatsapp' | 'open', id: string | undefined): Promise<CheckStep> {
  const step = `${kind} sender`
  const variable = kind === 'whatsapp' ? 'WHATSAPP_INTEGRATION_ID' : 'OPEN_INTEGRATION_ID'
  const label = kind === 'whatsapp' ? 'WhatsApp' : 'Open Messaging'
  if (!id) return { step, status: 'SKIP', detail: `${variable} is not set (set it if you send on ${kind})` }
  const result = await http.get(`/api/v2/conversations/messaging/integrations/${kind}/${encodeURIComponent(id)}`)
  if (result.status === 404 || result.status === 400) {
    return {
      step,
      status: 'FAIL',
      detail: `${label} integration ${id} does not exist in this org (${describeError(result)})`,
      fix: `set ${variable} to an id from Admin > Message > Platforms, in this region`,
    }
  }
  if (result.status === 403) return viewPermissionSkip(step, result, 'messaging:integration:view', 'Admin > Message > Platforms')
  if (result.status !== 200 || !isObject(result.body)) return { step, status: 'FAIL', detail: `GET ${kind} integration: ${describeError(result)}` }
  const status = result.body.status
  if (status !== undefined && !isActive(status)) {
    return { step, status: 'FAIL', detail: `${label} integration ${id} is ${String(status)}`, fix: `activate it in Admin > Message > Platforms, or set ${variable} to an active one` }
  }
  return { step, status: 'PASS', detail: `${label} integration ${id} is ${status === undefined ? 'present (no status reported)' : String(status)}` }
}
