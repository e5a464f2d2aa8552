/**
 * The send side's guarantees, part by part, against a real (local) DynamoDB: the delivery ledger never lets a
 * request be sent twice, the shared rate limiter never lets the workers together exceed the budget, and the
 * send use case turns every fault into exactly one decision.
 */
import { describe, expect, it } from 'vitest'
import { retryDelaySeconds } from '#lib/send/retry.ts'
import { DynamoDbDeliveryLedger } from '#lib/adapters/dynamodb-delivery-ledger.ts'
import { DynamoDbRateLimiter, PACE_WINDOW_MS, windowLimit } from '#lib/adapters/dynamodb-rate-limiter.ts'
import { DynamoDbCapLedger } from '#lib/adapters/dynamodb-cap-ledger.ts'
import { DynamoDbOptOutLookup } from '#lib/adapters/dynamodb-opt-out-lookup.ts'
import { channelSettings, loadConfig, sendConfigSchema } from '#lib/config.ts'
import type { MessageRequest } from '#lib/domain/model.ts'
import type { AgentlessSendResult, GenesysMessaging } from '#lib/domain/ports.ts'
import { sendMessage, type SendSettings } from '#lib/send/send-message.ts'
import { useLocalDynamo } from '../support/local-dynamo.ts'
import { recordedSessions } from '../support/recorded-sessions.ts'

const STATE = 'state-guarantees'
const tables = useLocalDynamo({ sessions: 'sessions-guarantees', state: STATE })

let sequence = 0
const key = (): string => `trigger-${++sequence}:conversation`

describe('delivery ledger', () => {
  it('starts a request once; a second claim sees it in flight, then sent', async () => {
    const ledger = new DynamoDbDeliveryLedger(tables.dynamo, STATE)
    const k = key()
    expect(await ledger.begin(k, 1_000)).toBe('started')
    expect(await ledger.begin(k, 2_000)).toEqual({ state: 'in-flight', startedAt: 1_000 })
    await ledger.finish(k, 'sent', 3_000)
    expect(await ledger.begin(k, 4_000)).toEqual({ state: 'sent', notified: false })
    await ledger.markNotified(k)
    expect(await ledger.begin(k, 5_000)).toEqual({ state: 'sent', notified: true })
  })

  it('lets a retryable request start again, but a dead-lettered one only for the redrive of its own dead letter', async () => {
    const ledger = new DynamoDbDeliveryLedger(tables.dynamo, STATE)
    const retryable = key()
    await ledger.begin(retryable, 1_000)
    await ledger.finish(retryable, 'retryable', 1_500)
    expect(await ledger.begin(retryable, 2_000)).toBe('started')

    const dead = key()
    await ledger.begin(dead, 1_000, { attempt: 'message-1' })
    await ledger.finish(dead, 'dead-lettered', 1_500, 'outcome-unknown')
    const stillDead = { state: 'dead-lettered', notified: false, reason: 'outcome-unknown' }
    expect(await ledger.begin(dead, 2_000)).toEqual(stillDead)
    // A hand-written copy claiming to be a redrive names a message whose attempt did not dead-letter it.
    expect(await ledger.begin(dead, 2_000, { attempt: 'message-9', redriveOf: 'message-9' })).toEqual(stillDead)
    expect(await ledger.begin(dead, 2_000, { attempt: 'message-2', redriveOf: 'message-1' })).toBe('started')
    // Once restarted, the same redrive claim is spent: the record is now that attempt's.
    await ledger.finish(dead, 'dead-lettered', 2_500, 'outcome-unknown')
    expect(await ledger.begin(dead, 3_000, { attempt: 'message-3', redriveOf: 'message-1' })).toEqual(stillDead)
    expect(await ledger.begin(dead, 3_000, { attempt: 'message-3', redriveOf: 'message-2' })).toBe('started')

    // An attempt that named no queue message: no redrive claim matches it.
    const anonymous = key()
    await ledger.begin(anonymous, 1_000)
    await ledger.finish(anonymous, 'dead-lettered', 1_500, 'outcome-unknown')
    expect(await ledger.begin(anonymous, 2_000, { attempt: 'message-5', redriveOf: 'message-4' })).toEqual(stillDead)
  })

  it("keeps a sent message's Genesys ids and gives them back with the settled state", async () => {
    const ledger = new DynamoDbDeliveryLedger(tables.dynamo, STATE)
    const k = key()
    await ledger.begin(k, 1_000)
    await ledger.finish(k, 'sent', 2_000, undefined, { conversationId: 'genesys-conversation-1', messageId: 'genesys-message-1' })
    expect(await ledger.begin(k, 3_000)).toEqual({ state: 'sent', notified: false, genesys: { conversationId: 'genesys-conversation-1', messageId: 'genesys-message-1' } })
  })

  it('gives exactly one of ten concurrent claims', async () => {
    const ledger = new DynamoDbDeliveryLedger(tables.dynamo, STATE)
    const k = key()
    const claims = await Promise.all(Array.from({ length: 10 }, () => ledger.begin(k, 1_000)))
    expect(claims.filter((claim) => claim === 'started')).toHaveLength(1)
  })
})

describe('shared rate limiter', () => {
  it('spreads a fractional per-window rate so the long run is exact', () => {
    const limits = Array.from({ length: 60 }, (_, k) => windowLimit(k, 4.75))
    expect(limits.reduce((a, b) => a + b, 0)).toBe(285)
    expect(new Set(limits)).toEqual(new Set([4, 5]))
  })

  it('never lets workers together claim more than the window limit', async () => {
    let now = 1_800_000_000_000
    const sleeps: number[] = []
    const options = {
      client: tables.dynamo,
      tableName: STATE,
      perMinute: 300,
      now: () => now,
      // A worker that finds the window full waits for the next one: advance the clock instead of sleeping.
      sleep: async (ms: number) => {
        sleeps.push(ms)
        now += ms
      },
    }
    const workers = [new DynamoDbRateLimiter(options), new DynamoDbRateLimiter(options), new DynamoDbRateLimiter(options)]
    const granted: number[] = []
    for (let i = 0; i < 30; i++) {
      await (workers[i % 3] as DynamoDbRateLimiter).acquire()
      granted.push(Math.floor(now / 1000))
    }
    const perSecond = new Map<number, number>()
    for (const second of granted) perSecond.set(second, (perSecond.get(second) ?? 0) + 1)
    expect(Math.max(...perSecond.values())).toBe(5) // 300 a minute
    expect(perSecond.size).toBe(6)
    expect(sleeps.length).toBeGreaterThan(0)
  })

  it('waits out a pause (Retry-After) before granting again', async () => {
    let now = 1_900_000_000_000
    const limiter = new DynamoDbRateLimiter({ client: tables.dynamo, tableName: STATE, perMinute: 6000, now: () => now, sleep: async (ms) => void (now += ms) })
    limiter.pause(3)
    const before = now
    await limiter.acquire()
    expect(now - before).toBeGreaterThanOrEqual(3_000)
  })

  it('does not wait past the deadline: returns the wait it would need, taking no slot', async () => {
    let now = 1_900_000_000_000
    const sleeps: number[] = []
    const limiter = new DynamoDbRateLimiter({ client: tables.dynamo, tableName: STATE, perMinute: 6000, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) })
    limiter.pause(60)
    expect(await limiter.acquire(now + 30_000)).toEqual({ waitMs: 60_000 })
    expect(sleeps).toEqual([])
    // With time enough for the wait, it waits and grants.
    expect(await limiter.acquire(now + 61_000)).toBeUndefined()
    expect(sleeps).toEqual([60_000])
  })
})

describe('adaptive pacing (rate-limit headers)', () => {
  /** Grants per second over `seconds`, with the clock advanced instead of sleeping; `report` feeds headers after each grant. */
  async function grantsPerSecond(limiters: DynamoDbRateLimiter[], clock: { now: number }, seconds: number, report?: (granted: number) => void): Promise<number[]> {
    const start = clock.now
    const counts = Array.from({ length: seconds }, () => 0)
    let granted = 0
    for (let i = 0; clock.now < start + seconds * 1000; i++) {
      await (limiters[i % limiters.length] as DynamoDbRateLimiter).acquire()
      const second = Math.floor((clock.now - start) / 1000)
      if (second < seconds) counts[second] = (counts[second] ?? 0) + 1
      granted++
      report?.(granted)
    }
    return counts
  }
  const limiterAt = (clock: { now: number }, perMinute: number) =>
    new DynamoDbRateLimiter({ client: tables.dynamo, tableName: STATE, perMinute, now: () => clock.now, sleep: async (ms) => void (clock.now += ms) })

  it('paces to what is left of the reported allowance until the reset, across workers', async () => {
    const clock = { now: 2_000_000_000_000 }
    // Configured for 60 a minute; Genesys reports 600 a minute, 120 already used, 60 s to the reset.
    const workers = [limiterAt(clock, 60), limiterAt(clock, 60)]
    for (const worker of workers) worker.observe({ allowed: 600, count: 120, resetSeconds: 60 })
    const counts = await grantsPerSecond(workers, clock, 10)
    // (600 − 120 − 1) / 60 s ≈ 7.98 a second, not the configured 1 a second.
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(79)
    expect(Math.max(...counts)).toBeLessThanOrEqual(8)
  })

  it('slows down when another consumer uses the same allowance', async () => {
    const clock = { now: 2_100_000_000_000 }
    const limiter = limiterAt(clock, 600)
    // 30 requests left for the 30 s to the reset: 1 a second, whatever the budget says.
    limiter.observe({ allowed: 300, count: 269, resetSeconds: 30 })
    const counts = await grantsPerSecond([limiter], clock, 10)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10)
  })

  it('narrows the window end from whole-second resets, so the allowance is not spread over a second too long', async () => {
    const clock = { now: 2_300_000_000_000 }
    const limiter = limiterAt(clock, 60)
    // Genesys gives whole seconds, rounded up: 5, then 0.9 s later 4 (so the window ends within 4.9 s).
    limiter.observe({ allowed: 300, count: 100, resetSeconds: 5 })
    expect(limiter.perWindowAt(clock.now)).toBeCloseTo((199 * PACE_WINDOW_MS) / 5000, 6)
    clock.now += 900
    limiter.observe({ allowed: 300, count: 120, resetSeconds: 4 })
    // The window now ends at most 4.9 s after the first report: 179 left over 4 s.
    expect(limiter.perWindowAt(clock.now)).toBeCloseTo((179 * PACE_WINDOW_MS) / 4000, 6)
    clock.now += 1_000
    // A looser bound (4 s from now would be 5.9 s after the first report) does not widen it: 3 s, not 4.
    limiter.observe({ allowed: 300, count: 150, resetSeconds: 4 })
    expect(limiter.perWindowAt(clock.now)).toBeCloseTo((149 * PACE_WINDOW_MS) / 3000, 6)
    // After the window ends, a report with a long reset is a new window, not a looser bound on the old one.
    clock.now += 3_100
    limiter.observe({ allowed: 300, count: 1, resetSeconds: 60 })
    expect(limiter.perWindowAt(clock.now)).toBeCloseTo((298 * PACE_WINDOW_MS) / 60_000, 6)
  })

  it('stops at an exhausted allowance until the reset, then falls back to the budget', async () => {
    const clock = { now: 2_200_000_000_000 }
    const limiter = limiterAt(clock, 120)
    limiter.observe({ allowed: 300, count: 300, resetSeconds: 5 })
    const before = clock.now
    await limiter.acquire()
    expect(clock.now - before).toBeGreaterThanOrEqual(5_000)
    expect(limiter.perWindowAt(clock.now)).toBe((120 * PACE_WINDOW_MS) / 60_000) // 120 a minute, in pace windows (a quarter second since the plan per window)
  })
})

describe('retry backoff', () => {
  it('doubles with each delivery up to the maximum, jittered down by at most half', () => {
    expect(retryDelaySeconds(1, 10, 900, () => 1)).toBe(10)
    expect(retryDelaySeconds(3, 10, 900, () => 1)).toBe(40)
    expect(retryDelaySeconds(3, 10, 900, () => 0)).toBe(20)
    expect(retryDelaySeconds(20, 10, 900, () => 1)).toBe(900)
  })
})

describe('send use case', () => {
  const config = loadConfig('send', sendConfigSchema, { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: STATE, APP_EVENT_BUS_NAME: 'bus', SEND_DLQ_URL: 'http://127.0.0.1/1/dlq' })
  const settings: SendSettings = { maxDelayMs: 15 * 60_000, channels: channelSettings(config), brand: '', attemptTimeoutMs: 60_000, capMs: 24 * 3_600_000, windowMs: 3_600_000 }
  // A customer per request unless a test says otherwise (copies of one request share it), so the outreach cap
  // keeps the tests apart.
  const phones = new Map<string, string>()
  const phoneOf = (dedupeKey: string): string => phones.get(dedupeKey) ?? phones.set(dedupeKey, `+1317555${String(phones.size + 1).padStart(4, '0')}`).get(dedupeKey)!
  // The recorded session of each request's conversation (one conversation per customer), as the recorder wrote it.
  const sessions = recordedSessions()
  const request = (dedupeKey: string, phone = phoneOf(dedupeKey)): MessageRequest =>
    sessions.record({
      dedupeKey,
      conversationId: `c0a8012e-0000-4000-8000-${phone.replace(/\D/g, '').padStart(12, '0').slice(-12)}`,
      customer: { channel: 'sms', address: phone },
      agentId: 'a',
      scope: 'agent',
      requestedAt: 1_000,
      triggerEventId: 'e',
    })
  const genesysAnswering = (...results: AgentlessSendResult[]) => {
    const calls: unknown[] = []
    const genesys: GenesysMessaging = {
      sendAgentless: async (body) => {
        calls.push(body)
        return results[Math.min(calls.length - 1, results.length - 1)] as AgentlessSendResult
      },
    }
    return { genesys, calls }
  }
  const deps = (genesys: GenesysMessaging, wall = 10_000) => ({
    genesys,
    clock: { now: () => wall },
    pacer: { acquire: async () => {}, pause: () => {} },
    ledger: new DynamoDbDeliveryLedger(tables.dynamo, STATE),
    cap: new DynamoDbCapLedger(tables.dynamo, STATE),
    optOuts: new DynamoDbOptOutLookup(tables.dynamo, STATE),
    sessions,
  })

  it('sends once: a duplicate delivery after success is acknowledged without a call', async () => {
    const { genesys, calls } = genesysAnswering({ ok: true, status: 200, messageId: 'm' })
    const k = key()
    expect(await sendMessage(request(k), deps(genesys), settings)).toMatchObject({ kind: 'sent', status: 200 })
    // Not reported yet (the handler reports, then marks): the duplicate is told to finish reporting.
    expect(await sendMessage(request(k), deps(genesys), settings)).toEqual({ kind: 'duplicate', unreported: { state: 'sent', genesys: { messageId: 'm' } } })
    await new DynamoDbDeliveryLedger(tables.dynamo, STATE).markNotified(k)
    expect(await sendMessage(request(k), deps(genesys), settings)).toEqual({ kind: 'duplicate' })
    expect(calls).toHaveLength(1)
  })

  it('does not resend after an unknown outcome; a redrive sends it once more', async () => {
    const { genesys, calls } = genesysAnswering({ ok: false, kind: 'unknown', code: 'ECONNABORTED' }, { ok: true, status: 200 })
    const k = key()
    expect(await sendMessage(request(k), deps(genesys), settings, { attempt: 'message-1' })).toMatchObject({ kind: 'outcome-unknown' })
    expect(await sendMessage(request(k), deps(genesys), settings)).toEqual({ kind: 'duplicate', unreported: { state: 'dead-lettered', reason: 'outcome-unknown' } })
    expect(await sendMessage(request(k), deps(genesys), settings, { attempt: 'message-9', redriveOf: 'message-9' })).toEqual({
      kind: 'duplicate',
      unreported: { state: 'dead-lettered', reason: 'outcome-unknown' },
    })
    expect(await sendMessage(request(k), deps(genesys), settings, { attempt: 'message-2', redriveOf: 'message-1' })).toMatchObject({ kind: 'sent' })
    expect(calls).toHaveLength(2)
  })

  it('treats an attempt that never finished as in progress, then as outcome unknown once it is older than the timeout', async () => {
    const k = key()
    await new DynamoDbDeliveryLedger(tables.dynamo, STATE).begin(k, 10_000) // a worker that died after claiming
    const { genesys, calls } = genesysAnswering({ ok: true, status: 200 })
    expect(await sendMessage(request(k), deps(genesys, 20_000), settings)).toEqual({ kind: 'retry', reason: 'attempt-in-progress' })
    expect(await sendMessage(request(k), deps(genesys, 80_001), settings)).toMatchObject({ kind: 'outcome-unknown' })
    expect(calls).toHaveLength(0)
  })

  it('retries a 429 after Retry-After and a 503, sending once they clear', async () => {
    const { genesys, calls } = genesysAnswering({ ok: false, kind: 'rate-limited', status: 429, retryAfterSeconds: 7 }, { ok: false, kind: 'transient', status: 503 }, { ok: true, status: 200 })
    const k = key()
    expect(await sendMessage(request(k), deps(genesys), settings)).toMatchObject({ kind: 'retry', reason: 'rate-limited', delaySeconds: 7 })
    expect(await sendMessage(request(k), deps(genesys), settings)).toMatchObject({ kind: 'retry', reason: 'transient' })
    expect(await sendMessage(request(k), deps(genesys), settings)).toMatchObject({ kind: 'sent' })
    expect(calls).toHaveLength(3)
  })

  it('expires a request older than the max delay without claiming or calling', async () => {
    const { genesys, calls } = genesysAnswering({ ok: true, status: 200 })
    const old = { ...request(key()), requestedAt: 2_000 - 15 * 60_000 - 1 }
    expect(await sendMessage(old, deps(genesys), settings)).toMatchObject({ kind: 'expired' })
    expect(calls).toHaveLength(0)
  })

  it('dead-letters a request Genesys would reject, naming the field, without calling', async () => {
    const { genesys, calls } = genesysAnswering({ ok: true, status: 200 })
    const bad = sessions.record({ ...request(key()), customer: { channel: 'sms' as const, address: '3175550123' } })
    const decision = await sendMessage(bad, deps(genesys), settings)
    expect(decision).toMatchObject({ kind: 'invalid', reason: 'invalid-payload' })
    expect(decision.kind === 'invalid' && decision.detail).toMatch(/toAddress/)
    expect(calls).toHaveLength(0)
  })

  it('messages a customer once per cap window: a request from another trigger is capped without a call', async () => {
    const { genesys, calls } = genesysAnswering({ ok: true, status: 200 })
    const phone = phoneOf(key())
    const first = request(key(), phone)
    expect(await sendMessage(first, deps(genesys), settings)).toMatchObject({ kind: 'sent' })
    expect(await sendMessage(request(key(), phone), deps(genesys), settings)).toEqual({ kind: 'capped' })
    // The same request again is not capped by its own reservation: the delivery ledger recognises it.
    expect(await sendMessage(first, deps(genesys), settings)).toMatchObject({ kind: 'duplicate' })
    // The cap runs from when the first was reserved (the clock's now, 10_000 in deps), not from its trigger.
    const dayLater = sessions.record({ ...request(key(), phone), requestedAt: 10_000 + settings.capMs - 1_000 })
    expect(await sendMessage(dayLater, { ...deps(genesys), clock: { now: () => 10_000 + settings.capMs - 1 } }, settings)).toEqual({ kind: 'capped' })
    expect(await sendMessage(dayLater, { ...deps(genesys), clock: { now: () => 10_000 + settings.capMs } }, settings)).toMatchObject({ kind: 'sent' })
    expect(calls).toHaveLength(2)
  })

  it('lets only one of two concurrent requests for the same customer through', async () => {
    const { genesys, calls } = genesysAnswering({ ok: true, status: 200 })
    const phone = phoneOf(key())
    const decisions = await Promise.all([sendMessage(request(key(), phone), deps(genesys), settings), sendMessage(request(key(), phone), deps(genesys), settings)])
    expect(decisions.map((d) => d.kind).sort()).toEqual(['capped', 'sent'])
    expect(calls).toHaveLength(1)
  })

  it('does not use the cap up on a request that is not sent (expired, or failing preflight)', async () => {
    const { genesys, calls } = genesysAnswering({ ok: true, status: 200 })
    const phone = phoneOf(key())
    const expired = { ...request(key(), phone), requestedAt: 2_000 - 15 * 60_000 - 1 }
    expect(await sendMessage(expired, deps(genesys), settings)).toMatchObject({ kind: 'expired' })
    const tooLongForSms = { ...settings, channels: { ...settings.channels, sms: { ...settings.channels.sms, text: 'x'.repeat(800) } } }
    expect(await sendMessage(request(key(), phone), deps(genesys), tooLongForSms)).toMatchObject({ kind: 'invalid' })
    expect(await sendMessage(request(key(), phone), deps(genesys), settings)).toMatchObject({ kind: 'sent' })
    expect(calls).toHaveLength(1)
  })
})
