/**
 * A replay of the partner-bus archive messages no one twice. Through the real handlers on the
 * local cloud: a run messages five customers of two agents; an hour later the archived Genesys events of the
 * whole run are replayed as EventBridge does (same event ids, a `replay-name` field, oldest first, only into
 * the partner-bus rules), twice. Then the agents' stored state is lost and the run replayed once more, so the
 * triggers fire again: send's expiry (an hour later), and within the expiry its delivery ledger and 24 h cap
 * reservation, still let no customer be messaged twice.
 */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { replayPartnerArchive } from '../../local/archive-replay.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import type { EventEnvelope } from '../../local/event-bus.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import { conversationLifecycle, presenceEvent } from '../support/genesys-events.ts'

const MINUTE = 60_000
const AT = Date.parse('2026-03-03T09:00:00.000Z')
const AGENTS = ['a9e17000-0000-4000-8000-0000000000e1', 'a9e17000-0000-4000-8000-0000000000e2']
const QUEUE = '90e0e000-0000-4000-8000-0000000000e1'
const CUSTOMERS_OF = [3, 2]

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function deliver(local: LocalCloud, event: unknown): Promise<void> {
  local.clock.set(Date.parse((event as EventEnvelope).time))
  await local.deliverGenesysEvent(event as EventEnvelope)
}

function counts(local: LocalCloud) {
  const accepted = (local.simulator?.agentlessRequests() ?? []).filter((request) => request.status === 200)
  return {
    customersMessaged: accepted.map((request) => (request.body as { toAddress?: string }).toAddress).sort(),
    triggers: local.tally.total(METRIC_NAMES.availabilityTriggers),
    requested: local.tally.total(METRIC_NAMES.messagesRequested),
    sent: local.outcomes.filter((event) => event['detail-type'] === APP_DETAIL_TYPES.sent).length,
  }
}

describe('replaying the partner-bus archive of a run', () => {
  it('messages no customer twice: replayed agent events are stale, and a lost agent state is caught by the ledger and the cap', async () => {
    const local = (cloud = await LocalCloud.start())
    for (const [a, agentId] of AGENTS.entries()) {
      for (let i = 0; i < CUSTOMERS_OF[a]!; i++) {
        const conversationId = `c0a7e500-0000-4000-8000-0000000000${a}${i}`
        for (const event of conversationLifecycle({ conversationId, messageType: 'SMS', start: AT - 3 * 60 * MINUTE + i * MINUTE, agentId, queueId: QUEUE, addressFrom: `+131755501${a}${i}` })) {
          await deliver(local, event)
        }
      }
      await deliver(local, presenceEvent({ agentId, systemPresence: 'OFFLINE', at: AT - 30 * MINUTE }))
    }
    await local.drain()
    // Agent 1 comes back and leaves again; agent 2 comes back and stays (its last event IS the trigger).
    await deliver(local, presenceEvent({ agentId: AGENTS[0]!, systemPresence: 'ON_QUEUE', at: AT }))
    await deliver(local, presenceEvent({ agentId: AGENTS[0]!, systemPresence: 'AWAY', at: AT + MINUTE }))
    await deliver(local, presenceEvent({ agentId: AGENTS[1]!, systemPresence: 'ON_QUEUE', at: AT + 2 * MINUTE }))
    await local.drain()

    const everyone = ['+13175550100', '+13175550101', '+13175550102', '+13175550110', '+13175550111']
    const afterRun = counts(local)
    expect(afterRun).toEqual({ customersMessaged: everyone, triggers: 2, requested: 5, sent: 5 })
    const sessionsAfterRun = await local.sessionCount()
    const archivedEvents = local.bus.acceptedEvents(LOCAL_NAMES.partnerBus).length

    // The replay runs an hour later, over the whole run.
    const range = { from: new Date(AT - 4 * 60 * MINUTE), to: new Date(AT + 3 * MINUTE) }
    // An hour later by default; `soon` replays each event a minute after its own time, within send's expiry.
    const replayAt = (name: string, soon = false) =>
      replayPartnerArchive(local.bus, LOCAL_NAMES.partnerBus, {
        ...range,
        replayName: name,
        beforeEach: (event) => local.clock.set(soon ? Date.parse(event.time) + MINUTE : AT + 60 * MINUTE),
      })
    const documents = DynamoDBDocumentClient.from(local.dynamo)
    const agentStates = () => Promise.all(AGENTS.map(async (agentId) => (await documents.send(new GetCommand({ TableName: LOCAL_NAMES.stateTable, Key: { pk: `agent#${agentId}` } }))).Item))
    const statesAfterRun = await agentStates()
    expect(statesAfterRun.map((state) => state?.presence?.status)).toEqual(['AWAY', 'ON_QUEUE'])

    const first = await replayAt('fix-2026-03-03')
    await local.drain()
    expect(first).toHaveLength(archivedEvents)
    const originalIds = new Set(
      local.bus
        .acceptedEvents(LOCAL_NAMES.partnerBus)
        .filter((e) => !('replay-name' in e))
        .map((e) => e.id),
    )
    expect(first.every((event) => originalIds.has(event.id) && event['replay-name'] === 'fix-2026-03-03')).toBe(true)
    expect(counts(local)).toEqual(afterRun)
    // Every replayed agent event is older than, or the same event (same id and instant) as, what presence stored:
    // stale, so the agents' state is exactly as the run left it and nothing is triggered.
    expect(first.filter((event) => event['detail-type'].includes('presence'))).toHaveLength(5)
    expect(await agentStates()).toEqual(statesAfterRun)
    // Sessions are upserts: replaying the conversation events changes nothing either.
    expect(await local.sessionCount()).toBe(sessionsAfterRun)

    // A second replay of the same range (replayed events are not archived again): the same.
    const second = await replayAt('fix-2026-03-03-again')
    await local.drain()
    expect(second).toHaveLength(archivedEvents)
    expect(counts(local)).toEqual(afterRun)

    // Worst case: the agents' stored state is gone, so the replayed transitions trigger again and presence
    // requests the customers again (same dedupe keys). An hour later, send drops every such request as expired.
    const forgetAgents = () => Promise.all(AGENTS.map((agentId) => documents.send(new DeleteCommand({ TableName: LOCAL_NAMES.stateTable, Key: { pk: `agent#${agentId}` } }))))
    await forgetAgents()
    const expiredBefore = local.tally.total(METRIC_NAMES.messagesExpired)
    await replayAt('fix-after-state-loss')
    await local.drain()
    expect(counts(local)).toMatchObject({ customersMessaged: everyone, triggers: 4, sent: 5 })
    expect(local.tally.total(METRIC_NAMES.messagesExpired) - expiredBefore).toBe(5)

    // And replayed within the expiry: send's delivery ledger (the dedupe keys it already sent) and the 24 h cap
    // reservation refuse every repeated request. Still no customer messaged twice.
    await forgetAgents()
    const before = counts(local)
    const refusedBefore = local.tally.get('send', METRIC_NAMES.duplicatesAcknowledged)
    await replayAt('fix-soon-after-state-loss', true)
    await local.drain()
    expect(counts(local)).toMatchObject({ customersMessaged: everyone, triggers: before.triggers + 2, requested: before.requested + 5, sent: 5 })
    expect(local.tally.get('send', METRIC_NAMES.duplicatesAcknowledged) - refusedBefore).toBe(5)
    expect(await local.deadLetters()).toEqual([])
  }, 120_000)
})
