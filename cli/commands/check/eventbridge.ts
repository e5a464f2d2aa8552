/** The check that an EventBridge source integration forwards the topics the rules expect. */
import { DETAIL_TYPES, GENESYS_TOPICS } from '#lib/topology.ts'
import { describeError, type CheckClient } from './client.ts'
import { isObject, type Json } from '../explain/json.ts'
import { viewPermissionSkip, type CheckStep } from './step.ts'

const EVENTBRIDGE_TYPE = 'amazon-eventbridge-source'
/** Forwarding routingStatus is optional: its EventBridge availability is UNVERIFIED (docs/genesys-platform.md). */
/** Topics the pipeline works without, and what is lost without each. */
const OPTIONAL_TOPICS: ReadonlyMap<string, string> = new Map([
  [DETAIL_TYPES.routingStatus, 'routing-status triggers are off (its EventBridge availability is UNVERIFIED)'],
  [DETAIL_TYPES.activity, 'presence and routing status come from their own topics (its EventBridge availability is UNVERIFIED)'],
])

function topicsOf(properties: unknown): string[] | undefined {
  if (!isObject(properties)) return undefined
  let filter = properties.eventFilter
  if (typeof filter === 'string') {
    try {
      filter = JSON.parse(filter)
    } catch {
      return undefined
    }
  }
  return Array.isArray(filter) ? filter.filter((topic): topic is string => typeof topic === 'string') : undefined
}

export async function checkEventBridge(http: CheckClient): Promise<CheckStep> {
  const step = 'eventbridge topics'
  const list = await http.get(`/api/v2/integrations?integrationType=${EVENTBRIDGE_TYPE}&pageSize=100`)
  if (list.status === 403) return viewPermissionSkip(step, list, 'integrations:integration:view', 'Admin > Integrations > Amazon EventBridge Source > Configuration')
  if (list.status !== 200 || !isObject(list.body)) return { step, status: 'SKIP', detail: `GET /api/v2/integrations: ${describeError(list)}` }
  const integrations = (Array.isArray(list.body.entities) ? list.body.entities : []).filter(
    (entity): entity is Json =>
      isObject(entity) && typeof entity.id === 'string' && (!isObject(entity.integrationType) || entity.integrationType.id === undefined || entity.integrationType.id === EVENTBRIDGE_TYPE),
  )
  if (integrations.length === 0) {
    return {
      step,
      status: 'FAIL',
      detail: `no ${EVENTBRIDGE_TYPE} integration in this org: no events reach AWS`,
      fix: `Admin > Integrations > add "Amazon EventBridge Source" with the topics ${GENESYS_TOPICS.join(', ')}, then associate the partner event source with an event bus`,
    }
  }
  const verdicts: CheckStep[] = []
  for (const integration of integrations) {
    const name = typeof integration.name === 'string' ? `"${integration.name}"` : String(integration.id)
    if (typeof integration.intendedState === 'string' && integration.intendedState.toUpperCase() !== 'ENABLED') {
      verdicts.push({ step, status: 'FAIL', detail: `EventBridge integration ${name} is ${integration.intendedState}`, fix: 'enable it in Admin > Integrations' })
      continue
    }
    const config = await http.get(`/api/v2/integrations/${encodeURIComponent(String(integration.id))}/config/current`)
    const topics = config.status === 200 && isObject(config.body) ? topicsOf(config.body.properties) : undefined
    if (topics === undefined) {
      verdicts.push({
        step,
        status: 'SKIP',
        detail: `the API does not expose the topics of ${name} (${config.status === 200 ? 'no properties.eventFilter' : describeError(config)})`,
        fix: `compare its topic filter by hand with ${GENESYS_TOPICS.join(', ')}`,
      })
      continue
    }
    const missing = GENESYS_TOPICS.filter((topic) => !topics.includes(topic))
    const required = missing.filter((topic) => !OPTIONAL_TOPICS.has(topic))
    if (required.length > 0) {
      verdicts.push({
        step,
        status: 'FAIL',
        detail: `${name} does not forward ${required.join(', ')}`,
        fix: `add these topics to the integration's topic filter (Admin > Integrations > ${name} > Configuration)`,
      })
      continue
    }
    const optional = missing.map((topic) => `; ${topic} not forwarded, so ${OPTIONAL_TOPICS.get(topic)}`).join('')
    verdicts.push({ step, status: 'PASS', detail: `${name} forwards the ${GENESYS_TOPICS.length - missing.length} topics the rules expect${optional}` })
  }
  // One integration that forwards everything is enough; otherwise report the most telling verdict.
  return verdicts.find((v) => v.status === 'PASS') ?? verdicts.find((v) => v.status === 'FAIL') ?? verdicts[0]!
}
