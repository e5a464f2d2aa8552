/**
 * The controls hold at the instant of sending, through the real handlers on the local cloud: with a budget of
 * 12 a minute, the trigger's customers leave one every 5 s, so all but the first wait in the pacer. A pause (the
 * 30 s mode cache expired, as it is within 30 s everywhere) or an opt-out made while they wait stops every one
 * of them: nothing reaches Genesys after the control changed.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { DynamoDbOptOutAdmin } from '#lib/adapters/dynamodb-opt-out-admin.ts'
import { DynamoDbSendingModeOverrides, MODE_CACHE_MS } from '#lib/adapters/dynamodb-sending-mode.ts'
import { customerKey } from '#lib/domain/address.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { runScenario } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { conversationLifecycle, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT = uuidFrom('at-send', 'agent')
const MINUTE = 60_000
const T0 = Date.parse('2025-06-10T09:00:00Z')
const PHONES = ['+15553330101', '+15553330102', '+15553330103', '+15553330104']

const events: GenesysEnvelope[] = [
  ...PHONES.flatMap((phone, i) =>
    conversationLifecycle({ conversationId: uuidFrom('at-send-c', i), messageType: 'SMS', start: T0 + i * MINUTE, agentId: AGENT, queueId: uuidFrom('at-send', 'queue'), addressFrom: phone }),
  ),
  presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: T0 + 25 * MINUTE }),
  presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at: T0 + 30 * MINUTE }),
]
const entries: ScenarioEntry[] = events.map((event, index) => ({ ok: true, event, origin: `event ${index + 1}` }))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

/** Replays the scenario; `control` runs once the first message has reached Genesys (the others are waiting). */
async function runWithControl(control: (c: LocalCloud) => Promise<void>) {
  cloud = await LocalCloud.start({ config: { GENESYS_ORG_ID: '32aa07aa-db1b-4987-abd0-9483601ec29d', GENESYS_BUDGET_PER_MINUTE: '12', GENESYS_BUDGET_HEADROOM: '1' } })
  const c = cloud
  let changedAt = Number.POSITIVE_INFINITY
  const watch = (async () => {
    while ((c.simulator?.agentlessRequests().length ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 50))
    await control(c)
    changedAt = Date.now()
  })()
  const summary = await runScenario(c, entries)
  await watch
  const requests = c.simulator?.agentlessRequests() ?? []
  return { summary, requests, sentAfterControl: requests.filter((request) => request.receivedAt > changedAt).length }
}

/**
 * How many reached Genesys before the control: the first, and on a busy machine sometimes a second that the pacer
 * let through before the watcher saw the first. Never all four: the others were still waiting when it changed.
 */
function sentBeforeControl(requests: readonly unknown[]): number {
  expect(requests.length).toBeGreaterThanOrEqual(1)
  expect(requests.length).toBeLessThan(PHONES.length)
  return requests.length
}

describe('controls at the instant of sending', () => {
  it('a pause while requests wait in the pacer: nothing sent after it, the rest end as paused', async () => {
    const { summary, requests, sentAfterControl } = await runWithControl(async (c) => {
      await new DynamoDbSendingModeOverrides(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable).write('paused', Date.now())
      // Every instance's cache has expired: the bound docs/operations.md states.
      c.clock.advance(MODE_CACHE_MS)
    })
    const sent = sentBeforeControl(requests)
    expect(sentAfterControl).toBe(0)
    expect(summary.messages).toMatchObject({ requested: 4, sent, paused: 4 - sent })
    expect(summary.reconciliation).toMatchObject({ sent, notSentByControl: 4 - sent, balanced: true })
  }, 60_000)

  it('an opt-out while requests wait in the pacer: none of the opted-out customers is sent to', async () => {
    const { summary, requests, sentAfterControl } = await runWithControl(async (c) => {
      const admin = new DynamoDbOptOutAdmin(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable)
      await admin.addMany(
        PHONES.map((phone) => ({ channel: 'sms' as const, key: customerKey({ channel: 'sms', address: phone }) })),
        Date.now(),
      )
    })
    const sent = sentBeforeControl(requests)
    expect(sentAfterControl).toBe(0)
    expect(summary.messages).toMatchObject({ requested: 4, sent, optedOut: 4 - sent })
    expect(summary.reconciliation.balanced).toBe(true)
  }, 60_000)
})
