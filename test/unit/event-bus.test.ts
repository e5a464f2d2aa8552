import { EventBridgeClient, PutEventsCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EventBridgeValidationError, LocalEventBridge, MAX_REQUEST_ENTRY_BYTES, type EventEnvelope } from '../../local/event-bus.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE, DETAIL_TYPES, genesysEventSourceName, rulePatterns } from '#lib/topology.ts'

const APP_BUS = 'proactive-app'
const FIXED_NOW = Date.parse('2024-05-01T09:00:00.750Z')

function sequentialIds(): () => string {
  let next = 0
  return () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`
}

function newBridge() {
  const bridge = new LocalEventBridge({ account: '123456789012', region: 'eu-west-1', clock: { now: () => FIXED_NOW }, idFactory: sequentialIds() })
  bridge.createBus(APP_BUS)
  const delivered: Record<string, EventEnvelope[]> = { requested: [], everything: [] }
  bridge.addRule({ name: 'requested', busName: APP_BUS, pattern: rulePatterns().messageRequested, target: async (e) => void delivered.requested?.push(e) })
  bridge.addRule({ name: 'everything', busName: APP_BUS, pattern: { source: [{ prefix: '' }] }, target: async (e) => void delivered.everything?.push(e) })
  return { bridge, delivered }
}

const requestEntry = (detail: Record<string, unknown> = { dedupeKey: 'k-1' }) => ({
  Source: APP_EVENT_SOURCE,
  DetailType: APP_DETAIL_TYPES.requested,
  Detail: JSON.stringify(detail),
  EventBusName: APP_BUS,
})

describe('LocalEventBridge.putEvents (in process)', () => {
  let bridge: LocalEventBridge
  let delivered: Record<string, EventEnvelope[]>
  beforeEach(() => ({ bridge, delivered } = newBridge()))

  it('builds the envelope as AWS delivers it', async () => {
    const result = await bridge.putEvents([{ ...requestEntry({ dedupeKey: 'k-1', n: 2 }), Resources: ['arn:aws:x'] }])
    expect(result).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: '00000000-0000-4000-8000-000000000001' }] })
    expect(delivered.requested).toEqual([
      {
        version: '0',
        id: '00000000-0000-4000-8000-000000000001',
        'detail-type': APP_DETAIL_TYPES.requested,
        source: APP_EVENT_SOURCE,
        account: '123456789012',
        time: '2024-05-01T09:00:00Z',
        region: 'eu-west-1',
        resources: ['arn:aws:x'],
        detail: { dedupeKey: 'k-1', n: 2 },
      },
    ])
  })

  it('takes time from the entry: Date, epoch seconds (SDK wire form) or ISO string', async () => {
    await bridge.putEvents([
      { ...requestEntry(), Time: new Date('2023-01-02T03:04:05.900Z') },
      { ...requestEntry(), Time: 1_700_000_000.5 },
      { ...requestEntry(), Time: '2022-04-06T09:30:45Z' },
    ])
    expect(delivered.requested?.map((e) => e.time)).toEqual(['2023-01-02T03:04:05Z', '2023-11-14T22:13:20Z', '2022-04-06T09:30:45Z'])
  })

  it('routes only to the rules whose pattern matches, in rule order', async () => {
    await bridge.putEvents([requestEntry({ k: 1 }), { ...requestEntry({ k: 2 }), DetailType: APP_DETAIL_TYPES.sent }, requestEntry({ k: 3 })])
    expect(delivered.requested?.map((e) => e.detail.k)).toEqual([1, 3])
    expect(delivered.everything?.map((e) => e.detail.k)).toEqual([1, 2, 3])
  })

  it('sends entries without EventBusName to the default bus, and accepts a bus ARN', async () => {
    const onDefault: EventEnvelope[] = []
    bridge.addRule({ name: 'all', pattern: { source: [APP_EVENT_SOURCE] }, target: async (e) => void onDefault.push(e) })
    const { EventBusName: _bus, ...noBus } = requestEntry()
    await bridge.putEvents([noBus, { ...requestEntry(), EventBusName: `arn:aws:events:eu-west-1:123456789012:event-bus/${APP_BUS}` }])
    expect(onDefault).toHaveLength(1)
    expect(delivered.requested).toHaveLength(1)
    expect(bridge.acceptedEvents(APP_BUS)).toHaveLength(1)
  })

  it('fails individual entries and still delivers the good ones', async () => {
    const result = await bridge.putEvents([
      { ...requestEntry(), Source: undefined },
      { ...requestEntry(), DetailType: '' },
      { ...requestEntry(), Detail: undefined },
      { ...requestEntry(), Detail: '"a string"' },
      { ...requestEntry(), Detail: '[1,2]' },
      { ...requestEntry(), Detail: '{not json' },
      { ...requestEntry(), EventBusName: 'no-such-bus' },
      requestEntry({ ok: true }),
    ])
    expect(result.FailedEntryCount).toBe(7)
    expect(result.Entries.map((entry) => ('ErrorCode' in entry ? entry.ErrorCode : 'ok'))).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'MalformedDetail',
      'ResourceNotFoundException',
      'ok',
    ])
    expect(result.Entries[0]).toMatchObject({ ErrorMessage: expect.stringContaining('Source') })
    expect(delivered.requested?.map((e) => e.detail)).toEqual([{ ok: true }])
  })

  it('rejects the whole call for 0 or 11 entries', async () => {
    await expect(bridge.putEvents([])).rejects.toBeInstanceOf(EventBridgeValidationError)
    const eleven = Array.from({ length: 11 }, (_, i) => requestEntry({ i }))
    await expect(bridge.putEvents(eleven)).rejects.toMatchObject({ name: 'ValidationException' })
    expect(delivered.everything).toEqual([])
    await expect(bridge.putEvents(eleven.slice(0, 10))).resolves.toMatchObject({ FailedEntryCount: 0 })
  })

  it('rejects the whole call when the entries add up to more than 256 KB', async () => {
    const overhead = APP_EVENT_SOURCE.length + APP_DETAIL_TYPES.requested.length + '{"pad":""}'.length
    const fits = requestEntry({ pad: 'x'.repeat(MAX_REQUEST_ENTRY_BYTES - overhead) })
    await expect(bridge.putEvents([fits])).resolves.toMatchObject({ FailedEntryCount: 0 })
    const oneByteOver = requestEntry({ pad: 'x'.repeat(MAX_REQUEST_ENTRY_BYTES - overhead + 1) })
    await expect(bridge.putEvents([oneByteOver])).rejects.toThrow(/Total size of the entries/)
    // Multi-byte characters count as their UTF-8 bytes, and the limit is on the sum of the call's entries.
    const half = requestEntry({ pad: 'é'.repeat(MAX_REQUEST_ENTRY_BYTES / 4) })
    await expect(bridge.putEvents([half, half])).rejects.toBeInstanceOf(EventBridgeValidationError)
    expect(delivered.everything).toHaveLength(1)
  })

  it('records a throwing target as a failed delivery and keeps delivering to the other rules', async () => {
    bridge.addRule({
      name: 'broken',
      busName: APP_BUS,
      pattern: { source: [APP_EVENT_SOURCE] },
      target: async () => {
        throw new Error('target down')
      },
    })
    const result = await bridge.putEvents([requestEntry({ k: 1 }), requestEntry({ k: 2 })])
    expect(result.FailedEntryCount).toBe(0)
    expect(bridge.deliveryFailures).toBe(2)
    expect(bridge.failedDeliveries.map((f) => [f.rule, f.busName, f.event.detail.k, (f.error as Error).message])).toEqual([
      ['broken', APP_BUS, 1, 'target down'],
      ['broken', APP_BUS, 2, 'target down'],
    ])
    expect(delivered.requested).toHaveLength(2)
  })

  it('refuses a partner event over 256 KB as a PutEvents entry, and counts it as undeliverable', async () => {
    const envelope = (pad: string): EventEnvelope =>
      ({
        version: '0',
        id: 'e-1',
        'detail-type': APP_DETAIL_TYPES.requested,
        source: APP_EVENT_SOURCE,
        account: '1',
        time: '2024-05-01T09:00:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { pad },
      }) as EventEnvelope
    // Entry size: 14 (Time) + source + detail-type + the detail's JSON.
    const overhead = 14 + APP_EVENT_SOURCE.length + APP_DETAIL_TYPES.requested.length + JSON.stringify({ pad: '' }).length
    await expect(bridge.deliver(APP_BUS, envelope('x'.repeat(MAX_REQUEST_ENTRY_BYTES - overhead)))).resolves.toEqual(['requested', 'everything'])
    await expect(bridge.deliver(APP_BUS, envelope('x'.repeat(MAX_REQUEST_ENTRY_BYTES - overhead + 1)))).rejects.toThrow(/262145 bytes/)
    expect(bridge.undeliverable).toBe(1)
    bridge.addRule({ name: 'broken', busName: APP_BUS, pattern: { source: [APP_EVENT_SOURCE] }, target: async () => Promise.reject(new Error('too deep')) })
    await bridge.deliver(APP_BUS, envelope('x'))
    expect(bridge.undeliverable).toBe(2)
  })

  it('stops delivering to a removed rule', async () => {
    expect(bridge.removeRule('requested', APP_BUS)).toBe(true)
    expect(bridge.removeRule('requested', APP_BUS)).toBe(false)
    await bridge.putEvents([requestEntry()])
    expect(delivered.requested).toEqual([])
    expect(delivered.everything).toHaveLength(1)
  })
})

describe('LocalEventBridge rules and buses', () => {
  it('refuses an invalid pattern, naming the problem', () => {
    const bridge = new LocalEventBridge()
    expect(() => bridge.addRule({ name: 'bad', pattern: { source: 'genesys' }, target: async () => {} })).toThrow(/rule bad: invalid event pattern: source: must be an array/)
    expect(() => bridge.addRule({ name: 'bad', pattern: { detail: { x: [{ startswith: 'a' }] } }, target: async () => {} })).toThrow(/unknown operator "startswith"/)
  })

  it('refuses duplicate rules and buses, and rules on unknown buses', () => {
    const bridge = new LocalEventBridge()
    bridge.addRule({ name: 'r', pattern: { source: ['a'] }, target: async () => {} })
    expect(() => bridge.addRule({ name: 'r', pattern: { source: ['a'] }, target: async () => {} })).toThrow(/already exists/)
    expect(() => bridge.createBus('default')).toThrow(/already exists/)
    expect(() => bridge.addRule({ name: 'r', busName: 'nope', pattern: { source: ['a'] }, target: async () => {} })).toThrow(/does not exist/)
  })
})

describe('LocalEventBridge.deliver (partner source injection)', () => {
  const partnerBus = genesysEventSourceName('org-1', 'proactive')
  const presence: EventEnvelope = {
    version: '0',
    id: 'e1',
    'detail-type': DETAIL_TYPES.presence,
    source: partnerBus,
    account: '123456789012',
    time: '2024-05-01T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { topicName: 'v2.users.u-1.presence', eventBody: { presenceDefinition: { systemPresence: 'AVAILABLE' } } },
  }

  it('returns the matched rule names and hands the envelope over unchanged', async () => {
    const bridge = new LocalEventBridge()
    bridge.createBus(partnerBus)
    const received: EventEnvelope[] = []
    const patterns = rulePatterns({ orgId: 'org-1' })
    bridge.addRule({ name: 'agentEvents', busName: partnerBus, pattern: patterns.agentEvents, target: async (e) => void received.push(e) })
    bridge.addRule({ name: 'conversationEvents', busName: partnerBus, pattern: patterns.conversationEvents, target: async () => {} })

    expect(await bridge.deliver(partnerBus, presence)).toEqual(['agentEvents'])
    expect(received).toEqual([presence])
    expect(await bridge.deliver(partnerBus, { ...presence, 'detail-type': 'v2.users.{id}.conversationsummary' })).toEqual([])
    expect(bridge.acceptedEvents(partnerBus)).toHaveLength(2)
  })

  it('throws for an unknown bus', async () => {
    await expect(new LocalEventBridge().deliver('missing', presence)).rejects.toThrow(/does not exist/)
  })
})

describe('fault injection', () => {
  async function failedIndexes(seed: number, probability = 0.5): Promise<number[]> {
    const { bridge } = newBridge()
    bridge.setFaults({ putEventsFail: probability, seed })
    const indexes: number[] = []
    for (let call = 0; call < 4; call++) {
      const result = await bridge.putEvents(Array.from({ length: 10 }, (_, i) => requestEntry({ i })))
      result.Entries.forEach((entry, i) => {
        if ('ErrorCode' in entry) {
          expect(entry.ErrorCode).toBe('InternalFailure')
          indexes.push(call * 10 + i)
        }
      })
      expect(result.FailedEntryCount).toBe(result.Entries.filter((entry) => 'ErrorCode' in entry).length)
    }
    return indexes
  }

  it('fails the same entries for the same seed, and different ones for another seed', async () => {
    const first = await failedIndexes(42)
    expect(await failedIndexes(42)).toEqual(first)
    expect(first.length).toBeGreaterThan(5)
    expect(first.length).toBeLessThan(35)
    expect(await failedIndexes(7)).not.toEqual(first)
  })

  it('does not deliver an entry that failed', async () => {
    const { bridge, delivered } = newBridge()
    bridge.setFaults({ putEventsFail: 1, seed: 1 })
    const result = await bridge.putEvents([requestEntry(), requestEntry()])
    expect(result.FailedEntryCount).toBe(2)
    expect(delivered.everything).toEqual([])
    bridge.setFaults({ putEventsFail: 0 })
    expect((await bridge.putEvents([requestEntry()])).FailedEntryCount).toBe(0)
  })

  it('refuses a probability outside 0..1', () => {
    expect(() => new LocalEventBridge().setFaults({ putEventsFail: 1.5 })).toThrow(RangeError)
  })
})

describe('HTTP endpoint with the real @aws-sdk/client-eventbridge', () => {
  let server: { endpoint: string; close(): Promise<void> }
  let client: EventBridgeClient
  const { bridge, delivered } = newBridge()

  beforeAll(async () => {
    server = await bridge.listen()
    client = new EventBridgeClient({ endpoint: server.endpoint, region: 'eu-west-1', maxAttempts: 1 })
  })
  afterAll(async () => {
    client.destroy()
    await server.close()
  })

  it('listens on 127.0.0.1', () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('answers PutEventsCommand and routes the events to the rules', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...requestEntry({ k: 'a' }), Time: new Date('2024-02-03T04:05:06Z') },
          { ...requestEntry({ k: 'b' }), EventBusName: 'no-such-bus' },
          { ...requestEntry({ k: 'c' }), Detail: '"not an object"' },
        ],
      }),
    )
    expect(result.FailedEntryCount).toBe(2)
    expect(result.Entries?.[0]?.EventId).toMatch(/^00000000-/)
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' })
    expect(result.Entries?.[2]).toMatchObject({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' })
    expect(delivered.requested?.map((e) => [e.detail.k, e.time, e.id])).toEqual([['a', '2024-02-03T04:05:06Z', result.Entries?.[0]?.EventId]])
  })

  it('rejects 11 entries with a ValidationException', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => requestEntry({ i }))
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('rejects an oversize entry with a ValidationException', async () => {
    const big = requestEntry({ pad: 'x'.repeat(MAX_REQUEST_ENTRY_BYTES) })
    await expect(client.send(new PutEventsCommand({ Entries: [big] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Total size of the entries/),
    })
  })

  it('answers any other operation with UnknownOperationException', async () => {
    await expect(client.send(new ListRulesCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 400 } })
    const response = await fetch(server.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.DeleteRule' }, body: '{}' })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException' })
  })

  it('answers with the JSON 1.1 content type', async () => {
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Entries: [{ ...requestEntry({ k: 'raw' }), Time: 1_714_550_400 }] }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(await response.json()).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] })
    expect(delivered.requested?.at(-1)).toMatchObject({ detail: { k: 'raw' }, time: '2024-05-01T08:00:00Z' })
  })
})
