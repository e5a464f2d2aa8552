/**
 * Evidence is never consumed: requests whose outcome is unknown (the Genesys call timed out: it may have been
 * delivered) are dead-lettered; an operator redrives them while sending is paused. They cannot be sent now, so
 * they go back to the DLQ with their reason, and the run still balances. Once live again, a redrive sends each
 * once. Through the real handlers on the local cloud.
 */
import { fileURLToPath } from 'node:url'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterEach, describe, expect, it } from 'vitest'
import { DynamoDbSendingModeOverrides, MODE_CACHE_MS } from '#lib/adapters/dynamodb-sending-mode.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { runScenario } from '../../local/run-scenario.ts'
import { readScenario } from '../../local/scenario.ts'

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))

let cloud: LocalCloud | undefined
afterEach(async () => {
  await cloud?.close()
  cloud = undefined
})

describe('a redrive while paused keeps the evidence', () => {
  it('outcome-unknown letters redriven while paused stay dead letters; redriven when live, each is sent once', async () => {
    cloud = await LocalCloud.start({ chaos: { timeout: 1, seed: 1 } })
    const c = cloud
    const before = await runScenario(c, await readScenario(EXAMPLES))
    const letters = (await c.deadLetters()).filter((letter) => letter.queue === 'send-dlq')
    expect(letters.length).toBeGreaterThan(0)
    expect(new Set(letters.map((letter) => letter.reason))).toEqual(new Set(['outcome-unknown']))
    expect(before.reconciliation).toMatchObject({ deadLettered: letters.length, balanced: true })

    c.simulator?.setFaults(undefined)
    const modes = new DynamoDbSendingModeOverrides(DynamoDBDocumentClient.from(c.dynamo), LOCAL_NAMES.stateTable)
    await modes.write('paused', Date.now())
    c.clock.advance(MODE_CACHE_MS)
    expect((await c.redrive('send')).status).toBe('COMPLETED')
    await c.drain()
    const paused = await runScenario(c, [])
    const kept = (await c.deadLetters()).filter((letter) => letter.queue === 'send-dlq')
    expect(kept.map((letter) => letter.dedupeKey).sort()).toEqual(letters.map((letter) => letter.dedupeKey).sort())
    expect(new Set(kept.map((letter) => letter.reason))).toEqual(new Set(['outcome-unknown']))
    expect(c.tally.total(METRIC_NAMES.redrivesNotSent)).toBe(letters.length)
    expect(paused.messages.paused).toBe(0)
    expect(paused.reconciliation).toMatchObject({ deadLettered: letters.length, notSentByControl: 0, settledTwice: 0, balanced: true })

    await modes.write('live', Date.now())
    c.clock.advance(MODE_CACHE_MS)
    expect((await c.redrive('send')).status).toBe('COMPLETED')
    await c.drain()
    const live = await runScenario(c, [])
    expect((await c.deadLetters()).filter((letter) => letter.queue === 'send-dlq')).toEqual([])
    expect(live.genesys.duplicateRecipients).toBe(0)
    expect(live.reconciliation).toMatchObject({ deadLettered: 0, sent: before.reconciliation.sent + letters.length, settledTwice: 0, balanced: true })
  }, 120_000)
})
