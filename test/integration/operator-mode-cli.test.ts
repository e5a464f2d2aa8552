/**
 * `proactive mode`: the command writes the override into the state table it finds by the stack
 * output StateTableName; the real presence and send handlers act on it within their 30 s cache.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { DynamoDbSendingModeOverrides, MODE_CACHE_MS } from '#lib/adapters/dynamodb-sending-mode.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { runMode, type ModeDeps } from '../../cli/commands/mode.ts'
import { runScenario } from '../../local/run-scenario.ts'
import type { ScenarioEntry } from '../../local/scenario.ts'
import { StackOutputError } from '../../cli/stack-outputs.ts'
import { capturedIo } from '../support/captured-io.ts'
import { conversationLifecycle, presenceEvent, uuidFrom, type GenesysEnvelope } from '../support/genesys-events.ts'

const AGENT = uuidFrom('mode-cli', 'agent')
const QUEUE = uuidFrom('mode-cli', 'queue')
const MINUTE = 60_000
const T0 = Date.parse('2025-06-10T09:00:00Z')
const CHANGED_AT = Date.parse('2026-11-28T21:00:00Z')

function customers(batch: number, start: number): GenesysEnvelope[] {
  return [1, 2].flatMap((i) =>
    conversationLifecycle({ conversationId: uuidFrom('mode-c', batch * 10 + i), messageType: 'SMS', start: start + i * MINUTE, agentId: AGENT, queueId: QUEUE, addressFrom: `+15553339${batch}0${i}` }),
  )
}
const trigger = (at: number): GenesysEnvelope[] => [presenceEvent({ agentId: AGENT, systemPresence: 'BREAK', at: at - 5 * MINUTE }), presenceEvent({ agentId: AGENT, systemPresence: 'ON_QUEUE', at })]
const entries = (events: readonly GenesysEnvelope[]): ScenarioEntry[] => events.map((event, index) => ({ ok: true, event, origin: `event ${index + 1}` }))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

function depsFor(c: LocalCloud | undefined, outputs: Record<string, string> = { StateTableName: LOCAL_NAMES.stateTable }): ModeDeps & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    stackOutputs: async (stack) => {
      asked.push(stack)
      return outputs
    },
    overrides: (table) => {
      if (!c) throw new Error('no cloud in this test')
      return new DynamoDbSendingModeOverrides(DynamoDBDocumentClient.from(c.dynamo), table)
    },
    now: () => CHANGED_AT,
  }
}

describe('proactive mode', () => {
  it('paused by the command: the next trigger, once the 30 s cache has passed, is counted paused, requests and sends nothing', async () => {
    const c = (cloud = await LocalCloud.start({ config: { GENESYS_ORG_ID: '32aa07aa-db1b-4987-abd0-9483601ec29d' } }))
    const first = await runScenario(c, entries([...customers(1, T0), ...trigger(T0 + 30 * MINUTE)]))
    expect(first.messages.sent).toBe(2)

    const deps = depsFor(c)
    const io = capturedIo()
    expect(await runMode(['paused', '--stack', 'Pilot'], io, deps)).toBe(0)
    expect(deps.asked).toEqual(['Pilot'])
    expect(io.stdout).toEqual(['Pilot: mode paused from 2026-11-28T21:00:00.000Z; in force everywhere within 30 s'])

    c.clock.advance(MODE_CACHE_MS)
    const later = T0 + 60 * MINUTE
    const second = await runScenario(c, entries([...customers(2, later), ...trigger(later + 30 * MINUTE)]))
    // Counted over the cloud's life: the second trigger was paused before it read a customer, so it requested
    // nothing and nothing more was sent.
    expect(second.pausedTriggers).toBe(1)
    expect(second.messages).toMatchObject({ requested: 2, sent: 2, deadLettered: 0 })
    expect(second.genesys.requests).toHaveLength(2)

    const shown = capturedIo()
    expect(await runMode(['--stack', 'Pilot'], shown, deps)).toBe(0)
    expect(shown.stdout).toEqual(['Pilot: mode paused (run-time override since 2026-11-28T21:00:00.000Z)'])

    const json = capturedIo()
    expect(await runMode(['live', '--stack', 'Pilot', '--json'], json, deps)).toBe(0)
    expect(JSON.parse(json.stdout[0] as string)).toEqual({ stack: 'Pilot', override: { mode: 'live', since: '2026-11-28T21:00:00.000Z' } })
    c.clock.advance(MODE_CACHE_MS)
    const third = await runScenario(c, entries([...customers(3, later + 60 * MINUTE), ...trigger(later + 90 * MINUTE)]))
    // Live again: the customers left out while paused were never capped, so they are messaged now with the new ones.
    expect(third.messages).toMatchObject({ sent: 6 })
    expect(third.pausedTriggers).toBe(1)
    // Three replays in one cloud: took 30 s once on the shared 2-core machine under load.
  }, 90_000)

  it('with no override yet, says the setting applies', async () => {
    const c = (cloud = await LocalCloud.start({}))
    const io = capturedIo()
    expect(await runMode([], io, depsFor(c))).toBe(0)
    expect(io.stdout).toEqual(['ProactiveMessaging: no run-time override; the functions use their SENDING_MODE setting (dry-run unless sendingMode was set at deploy)'])
  })

  it('an unknown mode is an error naming the value, exit 2, and nothing is asked of AWS', async () => {
    const deps = depsFor(undefined)
    const io = capturedIo()
    expect(await runMode(['stopped'], io, deps)).toBe(2)
    expect(io.stderr.join('\n')).toContain('unknown sending mode "stopped": expected one of live, dry-run, paused')
    expect(deps.asked).toEqual([])
  })

  it('usage errors exit 2; a stack without the output exits 1 naming it; --local says how to set a local run', async () => {
    const two = capturedIo()
    expect(await runMode(['paused', 'live'], two, depsFor(undefined))).toBe(2)
    expect(two.stderr[0]).toContain('one mode at most')
    expect(await runMode(['--colour'], capturedIo(), depsFor(undefined))).toBe(2)

    const local = capturedIo()
    expect(await runMode(['paused', '--local'], local, depsFor(undefined))).toBe(2)
    expect(local.stderr[0]).toContain('npm start -- --set SENDING_MODE=paused')

    const old = capturedIo()
    expect(await runMode(['paused', '--stack', 'Old'], old, depsFor(undefined, { SendDlqUrl: 'x' }))).toBe(1)
    expect(old.stderr[0]).toBe('proactive mode: stack "Old" has no output StateTableName (deployed from an older version? run cdk deploy)')

    const missing = capturedIo()
    const gone: ModeDeps = { ...depsFor(undefined), stackOutputs: async () => Promise.reject(new StackOutputError('stack "Gone": Stack with id Gone does not exist')) }
    expect(await runMode(['paused', '--stack', 'Gone'], missing, gone)).toBe(1)
    expect(missing.stderr[0]).toBe('proactive mode: stack "Gone": Stack with id Gone does not exist')
  })
})
