/**
 * Who is eligible, through the real handlers on the local cloud: ELIGIBLE_SESSIONS=unserved
 * (queue scope) messages only customers no agent ever connected to, and EXCLUDE_WRAPUP_CODES leaves out a
 * conversation wrapped up with an excluded code. Both are counted as `ineligible`, before the per-trigger limit.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LocalCloud, type LocalCloudOptions } from '../../local/cloud.ts'
import { runScenario, type RunSummary } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { conversationLifecycle, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT = uuidFrom('eligibility', 'agent')
const EARLIER = uuidFrom('eligibility', 'earlier-agent')
const QUEUE = uuidFrom('eligibility', 'queue')
const RESOLVED = uuidFrom('eligibility', 'wrapup-resolved')
const FOLLOW_UP = uuidFrom('eligibility', 'wrapup-follow-up')
const MINUTE = 60_000
const T0 = Date.parse('2026-03-02T08:00:00Z')
const number = (i: number) => `+1555666${String(1000 + i).slice(-4)}`

const served = (i: number, agentId: string, wrapupCode?: string): GenesysEnvelope[] =>
  conversationLifecycle({ conversationId: uuidFrom('conversation', 'eligibility', i), messageType: 'SMS', start: T0 + i * MINUTE, agentId, queueId: QUEUE, addressFrom: number(i), wrapupCode })
const abandoned = (i: number): GenesysEnvelope[] =>
  conversationLifecycle({
    conversationId: uuidFrom('conversation', 'eligibility', i),
    messageType: 'SMS',
    start: T0 + i * MINUTE,
    agentId: EARLIER,
    queueId: QUEUE,
    addressFrom: number(i),
    abandoned: true,
  })
const trigger = (at: number): GenesysEnvelope[] => [presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: at - MINUTE }), presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at })]
const entries = (events: readonly GenesysEnvelope[]): ScenarioEntry[] => events.map((event, index) => ({ ok: true, event, origin: `event ${index + 1}` }))
const messaged = (summary: RunSummary): string[] => summary.genesys.requests.filter((r) => r.status === 200).map((r) => String((r.body as { toAddress?: unknown }).toAddress))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

async function run(events: readonly GenesysEnvelope[], config: Record<string, string>, options: Partial<LocalCloudOptions> = {}): Promise<RunSummary> {
  cloud = await LocalCloud.start({ ...options, config })
  return runScenario(cloud, entries(events))
}

describe('who is eligible', () => {
  it('ELIGIBLE_SESSIONS=unserved in queue scope: only the customers no agent connected to, the others counted ineligible', async () => {
    const summary = await run(
      [...served(1, EARLIER), ...abandoned(2), ...served(3, EARLIER), ...abandoned(4), ...trigger(T0 + 30 * MINUTE)],
      { TARGET_SCOPE: 'queue', ELIGIBLE_SESSIONS: 'unserved', MAX_MESSAGES_PER_TRIGGER: '10' },
      { simulator: { queueMemberships: { [AGENT]: [QUEUE] } } },
    )
    expect(messaged(summary).sort()).toEqual([number(2), number(4)].sort())
    expect(summary.messages).toMatchObject({ requested: 2, sent: 2, ineligible: 2, deferred: 0 })
  })

  it('ELIGIBLE_SESSIONS=all (the default) messages served and unserved alike', async () => {
    const summary = await run(
      [...served(1, EARLIER), ...abandoned(2), ...trigger(T0 + 30 * MINUTE)],
      { TARGET_SCOPE: 'queue', MAX_MESSAGES_PER_TRIGGER: '10' },
      { simulator: { queueMemberships: { [AGENT]: [QUEUE] } } },
    )
    expect(messaged(summary).sort()).toEqual([number(1), number(2)].sort())
    expect(summary.messages).toMatchObject({ requested: 2, ineligible: 0 })
  })

  it('EXCLUDE_WRAPUP_CODES: a conversation wrapped up as resolved is never targeted, and does not use the limit', async () => {
    // Limit 2 and three customers, the newest one resolved: the two others are messaged, nobody deferred.
    const summary = await run([...served(1, AGENT, FOLLOW_UP), ...served(2, AGENT, FOLLOW_UP), ...served(3, AGENT, RESOLVED), ...trigger(T0 + 30 * MINUTE)], {
      EXCLUDE_WRAPUP_CODES: `${RESOLVED}`,
      MAX_MESSAGES_PER_TRIGGER: '2',
    })
    expect(messaged(summary).sort()).toEqual([number(1), number(2)].sort())
    expect(summary.messages).toMatchObject({ requested: 2, sent: 2, ineligible: 1, deferred: 0 })
  })

  it('unserved outside queue scope stops the presence function with an error naming both settings', async () => {
    await expect(run(trigger(T0), { TARGET_SCOPE: 'agent', ELIGIBLE_SESSIONS: 'unserved' })).rejects.toThrow(/ELIGIBLE_SESSIONS.*TARGET_SCOPE/)
  })
})
