import { DynamoDBClient, ScanCommand as RawScanCommand } from '@aws-sdk/client-dynamodb'
import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { CachedQueueDirectory } from '#lib/adapters/cached-queue-directory.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { DynamoDbAgentStateRepository, hashRecipientKey } from '#lib/adapters/dynamodb-state.ts'
import { DynamoDbCapLedger } from '#lib/adapters/dynamodb-cap-ledger.ts'
import type { Session } from '#lib/domain/model.ts'
import type { QueueDirectory } from '#lib/domain/ports.ts'
import { createTables, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb.ts'

const TABLE_NAMES = { sessions: 'sessions-test', state: 'state-test' }

let local: LocalDynamo
let raw: DynamoDBClient
let dynamo: DynamoDBDocumentClient

beforeAll(async () => {
  local = await startLocalDynamo()
  raw = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1' })
  await createTables(raw, TABLE_NAMES)
  dynamo = createAwsClients({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: local.endpoint }).dynamo
})

afterAll(async () => {
  dynamo?.destroy()
  raw?.destroy()
  await local?.close()
})

let sequence = 0
const uniqueId = (prefix: string): string => `${prefix}-${++sequence}`

function session(overrides: Partial<Session> & { conversationId: string; lastActiveAt: number }): Session {
  return { agents: {}, expiresAt: Math.ceil(overrides.lastActiveAt / 1000) + 86_400, ...overrides }
}

describe('createAwsClients', () => {
  it('points each client at its AWS_ENDPOINT_URL_* variable and in the configured region', async () => {
    const clients = createAwsClients({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4001',
      AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:4002',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4003',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:4004',
    })
    const portOf = async (config: { endpoint?: () => Promise<{ port?: number }> }) => (await config.endpoint?.())?.port
    expect(await portOf(clients.dynamo.config)).toBe(4001)
    expect(await portOf(clients.eventBridge.config)).toBe(4002)
    expect(await portOf(clients.sqs.config)).toBe(4003)
    expect(await portOf(clients.secretsManager.config)).toBe(4004)
    expect(await clients.sqs.config.region()).toBe('eu-west-1')
  })

  it('builds one instance of each client per call, on first use', () => {
    const first = createAwsClients({ AWS_REGION: 'us-east-1' })
    const second = createAwsClients({ AWS_REGION: 'us-east-1' })
    expect(first.sqs).toBe(first.sqs)
    expect(first.dynamo).toBe(first.dynamo)
    expect(first.sqs).not.toBe(second.sqs)
  })
})

describe('DynamoDbSessionRepository', () => {
  const repository = () => new DynamoDbSessionRepository(dynamo, TABLE_NAMES.sessions)

  it('round-trips a complete session, with version 1 after the first write', async () => {
    const full = session({
      conversationId: uniqueId('conv'),
      channel: 'sms',
      customer: { channel: 'sms', address: '+13175550123' },
      queueId: 'queue-1',
      lastAgentId: 'agent-1',
      agents: {
        'agent-1': { connected: false, changedAt: 1_700_000_000_500, connectedAt: 1_700_000_000_100 },
        'agent-2': { connected: true, changedAt: 1_700_000_000_900 },
      },
      lastActiveAt: 1_700_000_001_000,
      customerEndedAt: 1_700_000_001_000,
    })
    expect(await repository().put(full)).toBe('written')
    expect(await repository().get(full.conversationId)).toStrictEqual({ ...full, version: 1 })
  })

  it('round-trips a minimal session without inventing optional fields', async () => {
    const minimal = session({ conversationId: uniqueId('conv'), lastActiveAt: 1_700_000_000_000 })
    await repository().put(minimal)
    expect(await repository().get(minimal.conversationId)).toStrictEqual({ ...minimal, version: 1 })
  })

  it('returns undefined for an unknown conversation', async () => {
    expect(await repository().get(uniqueId('missing'))).toBeUndefined()
  })

  it('refuses to create a session twice', async () => {
    const created = session({ conversationId: uniqueId('conv'), lastActiveAt: 1000, lastAgentId: 'first' })
    expect(await repository().put(created)).toBe('written')
    expect(await repository().put({ ...created, lastAgentId: 'second' })).toBe('conflict')
    expect((await repository().get(created.conversationId))?.lastAgentId).toBe('first')
  })

  it('writes on the current version and rejects a stale one', async () => {
    const created = session({ conversationId: uniqueId('conv'), lastActiveAt: 1000 })
    await repository().put(created)
    const stored = (await repository().get(created.conversationId))!
    expect(await repository().put({ ...stored, lastActiveAt: 2000 })).toBe('written')
    expect(await repository().put({ ...stored, lastActiveAt: 3000 })).toBe('conflict')
    const latest = await repository().get(created.conversationId)
    expect(latest).toMatchObject({ lastActiveAt: 2000, version: 2 })
  })

  it('rejects an update of a session that does not exist', async () => {
    expect(await repository().put(session({ conversationId: uniqueId('conv'), lastActiveAt: 1000, version: 3 }))).toBe('conflict')
  })

  const customer = () => ({ channel: 'webmessaging' as const, externalContactId: uniqueId('contact') })
  const served = (agentId: string) => ({ [agentId]: { connected: false, changedAt: 1, connectedAt: 1 } })
  const collect = async (candidates: AsyncIterable<Session>) => {
    const found: Session[] = []
    for await (const candidate of candidates) found.push(candidate)
    return found
  }

  it("reads an agent's open candidates in [from, to], inclusive at both edges, newest first then by conversation id", async () => {
    const agentId = uniqueId('agent')
    const open = (conversationId: string, lastActiveAt: number) => session({ conversationId, customer: customer(), lastAgentId: agentId, agents: served(agentId), lastActiveAt })
    const [a, b] = [`${uniqueId('conv')}-a`, `${uniqueId('conv')}-b`]
    for (const s of [open(uniqueId('conv'), 999), open(uniqueId('conv'), 1000), open(b, 1500), open(a, 1500), open(uniqueId('conv'), 2000), open(uniqueId('conv'), 2001)]) await repository().put(s)
    // Not candidates: an agent still connected, no customer, another agent's.
    await repository().put(session({ conversationId: uniqueId('conv'), customer: customer(), lastAgentId: agentId, agents: { [agentId]: { connected: true, changedAt: 1 } }, lastActiveAt: 1500 }))
    await repository().put(session({ conversationId: uniqueId('conv'), lastAgentId: agentId, agents: served(agentId), lastActiveAt: 1500 }))
    await repository().put(session({ conversationId: uniqueId('conv'), customer: customer(), lastAgentId: uniqueId('other'), agents: served('x'), lastActiveAt: 1500 }))
    const found = await collect(repository().openCandidates({ agentId }, 1000, 2000, 10))
    expect(found.map((s) => s.lastActiveAt)).toEqual([2000, 1500, 1500, 1000])
    expect(found.slice(1, 3).map((s) => s.conversationId)).toEqual([a, b])
  })

  it("reads a queue's never-served candidates before its served ones, each newest first", async () => {
    const queueId = uniqueId('queue')
    const agentId = uniqueId('agent')
    const put = (lastActiveAt: number, neverServed: boolean) =>
      repository().put(session({ conversationId: uniqueId('conv'), customer: customer(), queueId, ...(neverServed ? {} : { lastAgentId: agentId, agents: served(agentId) }), lastActiveAt }))
    await put(6000, false)
    await put(5000, true)
    await put(5500, true)
    await put(4999, true)
    const found = await collect(repository().openCandidates({ queueId }, 5000, 6000, 10))
    expect(found.map((s) => [s.lastActiveAt, Object.keys(s.agents).length])).toEqual([
      [5500, 0],
      [5000, 0],
      [6000, 1],
    ])
  })

  it('reads nothing for an inverted window instead of failing', async () => {
    expect(await collect(repository().openCandidates({ agentId: 'agent-1' }, 2000, 1000, 10))).toEqual([])
  })

  it('follows pagination to the last page, in order', async () => {
    const agentId = uniqueId('agent')
    const conversationIds = Array.from({ length: 7 }, () => uniqueId('conv'))
    for (const [i, conversationId] of conversationIds.entries()) {
      await repository().put(session({ conversationId, customer: customer(), lastAgentId: agentId, agents: served(agentId), lastActiveAt: 10_000 + i }))
    }
    const found = await collect(repository().openCandidates({ agentId }, 0, 20_000, 2))
    expect(found.map((s) => s.conversationId)).toEqual([...conversationIds].reverse())
  })

  it('keeps a session in the open indexes only while it is open, and with a queue only in the queue one', async () => {
    const agentId = uniqueId('agent')
    const withoutQueue = session({ conversationId: uniqueId('conv'), customer: customer(), lastAgentId: agentId, agents: served(agentId), lastActiveAt: 7000 })
    const emptyQueue = session({ conversationId: uniqueId('conv'), customer: customer(), queueId: '', lastActiveAt: 7000 })
    expect(await repository().put(withoutQueue)).toBe('written')
    expect(await repository().put(emptyQueue)).toBe('written')
    // A Scan of the index only to inspect it: the adapter itself never scans.
    const indexed = async (indexName: string) =>
      new Set(((await dynamo.send(new ScanCommand({ TableName: TABLE_NAMES.sessions, IndexName: indexName }))).Items ?? []).map((item) => item.conversationId))
    const byQueue = await indexed('openByQueue')
    expect(byQueue.has(withoutQueue.conversationId)).toBe(false)
    expect(byQueue.has(emptyQueue.conversationId)).toBe(false)
    expect(await collect(repository().openCandidates({ agentId }, 7000, 7000, 10))).toHaveLength(1)
    // An agent connects again: no longer open, out of the index.
    const stored = (await repository().get(withoutQueue.conversationId))!
    expect(await repository().put({ ...stored, agents: { [agentId]: { connected: true, changedAt: 7001 } } })).toBe('written')
    expect((await indexed('openByAgent')).has(withoutQueue.conversationId)).toBe(false)
  })

  it("finds a customer's sessions by the normalised key from `from` on, whichever spelling each event used, keyed by a hash", async () => {
    const number = `+4477009${String(10_000 + ++sequence).slice(-5)}`
    const spelled = (address: string, lastActiveAt: number) => session({ conversationId: uniqueId('conv'), channel: 'whatsapp', customer: { channel: 'whatsapp', address }, lastActiveAt })
    const old = spelled(number, 7999)
    const withPlus = spelled(number, 8000)
    const withoutPlus = spelled(number.slice(1), 9000)
    const otherCustomer = spelled('+447700900001', 9000)
    for (const s of [old, withPlus, withoutPlus, otherCustomer]) expect(await repository().put(s)).toBe('written')
    const found = await repository().findByCustomer(`whatsapp:${number.slice(1)}`, 8000)
    expect(found.map((s) => s.conversationId).sort()).toEqual([withPlus.conversationId, withoutPlus.conversationId].sort())
    const { Item } = await dynamo.send(new GetCommand({ TableName: TABLE_NAMES.sessions, Key: { conversationId: withPlus.conversationId } }))
    expect(Item?.customerKeyHash).toBe(hashRecipientKey(`whatsapp:${number.slice(1)}`))
    expect(JSON.stringify(Item?.customerKeyHash)).not.toContain(number.slice(1))
  })

  it('keeps sessions with no customer out of the byCustomer index', async () => {
    const anonymous = session({ conversationId: uniqueId('conv'), lastAgentId: uniqueId('agent'), lastActiveAt: 7000 })
    await repository().put(anonymous)
    const { Item } = await dynamo.send(new GetCommand({ TableName: TABLE_NAMES.sessions, Key: { conversationId: anonymous.conversationId } }))
    expect(Item).toBeDefined()
    expect(Item).not.toHaveProperty('customerKeyHash')
  })
})

describe('DynamoDbAgentStateRepository', () => {
  const repository = () => new DynamoDbAgentStateRepository(dynamo, TABLE_NAMES.state)

  it('round-trips agent state under agent#<id> and compares-and-sets on version', async () => {
    const agentId = uniqueId('agent')
    expect(await repository().get(agentId)).toBeUndefined()
    expect(await repository().put({ agentId, observedAt: 100 })).toBe('written')
    expect(await repository().put({ agentId, observedAt: 200 })).toBe('conflict')
    const stored = await repository().get(agentId)
    expect(stored).toStrictEqual({ agentId, observedAt: 100, version: 1 })
    expect(await repository().put({ ...stored!, observedAt: 200, lastTriggeredAt: 200 })).toBe('written')
    expect(await repository().put({ ...stored!, observedAt: 300 })).toBe('conflict')
    expect(await repository().get(agentId)).toStrictEqual({ agentId, observedAt: 200, lastTriggeredAt: 200, version: 2 })
    const { Item } = await dynamo.send(new GetCommand({ TableName: TABLE_NAMES.state, Key: { pk: `agent#${agentId}` } }))
    expect(Item?.agentId).toBe(agentId)
  })

  it('keeps the outbox (pending requests) with the state, and a put without one removes it', async () => {
    const agentId = uniqueId('agent')
    const request = {
      dedupeKey: 'trigger-1:c0000000-0000-4000-8000-000000000001',
      conversationId: 'c0000000-0000-4000-8000-000000000001',
      customer: { channel: 'sms' as const, address: '+13175550123', addressField: 'addressFrom' as const },
      queueId: 'q0000000-0000-4000-8000-000000000001',
      agentId,
      scope: 'agent' as const,
      requestedAt: 1_000,
      triggerEventId: 'trigger-1',
    }
    const pending = { triggerEventId: 'trigger-1', requests: [request] }
    expect(await repository().put({ agentId, observedAt: 1_000, lastTriggeredAt: 1_000, pending })).toBe('written')
    const saved = await repository().get(agentId)
    expect(saved).toStrictEqual({ agentId, observedAt: 1_000, lastTriggeredAt: 1_000, pending, version: 1 })
    const { pending: _published, ...cleared } = saved!
    expect(await repository().put(cleared)).toBe('written')
    expect(await repository().get(agentId)).toStrictEqual({ agentId, observedAt: 1_000, lastTriggeredAt: 1_000, version: 2 })
    const { Item } = await dynamo.send(new GetCommand({ TableName: TABLE_NAMES.state, Key: { pk: `agent#${agentId}` } }))
    expect(Item).not.toHaveProperty('pending')
  })
})

describe('DynamoDbCapLedger: tryReserve', () => {
  const ledger = () => new DynamoDbCapLedger(dynamo, TABLE_NAMES.state)
  const CAP = 24 * 3_600_000
  const T = 1_700_000_000_000

  it('allows one reservation per recipient per cap window', async () => {
    const recipient = `sms:+1317555${String(++sequence).padStart(4, '0')}`
    expect(await ledger().tryReserve(recipient, T, CAP, 'trigger-1:conv')).toEqual({ made: true, at: T })
    expect(await ledger().tryReserve(recipient, T + 1000, CAP, 'trigger-2:conv')).toBe('capped')
    expect(await ledger().tryReserve(recipient, T + CAP - 1, CAP, 'trigger-3:conv')).toBe('capped')
    expect(await ledger().tryReserve(recipient, T + CAP, CAP, 'trigger-4:conv')).toEqual({ made: true, at: T + CAP })
    expect(await ledger().tryReserve(recipient, T + CAP + 1, CAP, 'trigger-5:conv')).toBe('capped')
  })

  it('a redelivery of the same request finds its own hold and leaves it as it is (the cap does not restart)', async () => {
    const recipient = `webmessaging:${uniqueId('contact')}`
    expect(await ledger().tryReserve(recipient, T, CAP, 'trigger-1:conv')).toEqual({ made: true, at: T })
    expect(await ledger().tryReserve(recipient, T + 3_600_000, CAP, 'trigger-1:conv')).toEqual({ made: false })
    expect(await ledger().tryReserve(recipient, T + 3_600_000, CAP, 'trigger-2:conv')).toBe('capped')
    const { Item } = await dynamo.send(new GetCommand({ TableName: TABLE_NAMES.state, Key: { pk: `cap#${hashRecipientKey(recipient)}` } }))
    expect(Item?.reservedAt).toBe(T)
  })

  it('release gives back only the reservation this request made at that time', async () => {
    const recipient = `sms:+1317556${String(++sequence).padStart(4, '0')}`
    await ledger().tryReserve(recipient, T, CAP, 'trigger-1:conv')
    await ledger().release(recipient, 'trigger-2:conv', T)
    await ledger().release(recipient, 'trigger-1:conv', T + 1)
    expect(await ledger().tryReserve(recipient, T + 1000, CAP, 'trigger-2:conv')).toBe('capped')
    await ledger().release(recipient, 'trigger-1:conv', T)
    expect(await ledger().tryReserve(recipient, T + 1000, CAP, 'trigger-2:conv')).toEqual({ made: true, at: T + 1000 })
    // Nothing left of this request's: a second release is a no-op.
    await ledger().release(recipient, 'trigger-1:conv', T)
    expect(await ledger().tryReserve(recipient, T + 2000, CAP, 'trigger-3:conv')).toBe('capped')
  })

  it('gives exactly one of 10 concurrent callers the reservation', async () => {
    const recipient = `whatsapp:${uniqueId('4477009')}`
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ledger().tryReserve(recipient, T + i, CAP, `trigger-${i}:conv`)))
    expect(results.filter((result) => result !== 'capped')).toHaveLength(1)
  })

  it('stores the recipient key hashed, with no raw phone number in the table', async () => {
    const phone = '+13175559876'
    await ledger().tryReserve(`sms:${phone}`, T, CAP, 'trigger-x:conv')
    const pk = `cap#${hashRecipientKey(`sms:${phone}`)}`
    expect(pk).toMatch(/^cap#[0-9a-f]{64}$/)
    const { Item } = await dynamo.send(new GetCommand({ TableName: TABLE_NAMES.state, Key: { pk } }))
    expect(Item).toEqual({ pk, reservedAt: T, dedupeKey: 'trigger-x:conv', expiresAt: Math.ceil((T + CAP) / 1000) })
    const { Items } = await raw.send(new RawScanCommand({ TableName: TABLE_NAMES.state }))
    expect(JSON.stringify(Items)).not.toContain('5559876')
  })
})

describe('DynamoDbCapLedger: reservationsOf', () => {
  const T = 1_700_000_000_000
  const CAP = 24 * 3_600_000
  const writer = () => new DynamoDbCapLedger(dynamo, TABLE_NAMES.state)

  it('reads what the ledger reserved, by recipient key, across several BatchGetItem calls', async () => {
    // 250 keys: three calls of at most 100. Every third one reserved.
    const recipients = Array.from({ length: 250 }, (_, i) => `sms:+1317${String(++sequence).padStart(7, '0')}-${i}`)
    const reserved = recipients.filter((_, i) => i % 3 === 0)
    for (const [i, recipient] of reserved.entries()) await writer().tryReserve(recipient, T + i, CAP, `trigger-${i}:conv`)
    const found = await new DynamoDbCapLedger(dynamo, TABLE_NAMES.state).reservationsOf(recipients)
    expect(found.size).toBe(reserved.length)
    expect(found.get(reserved[5] as string)).toEqual({ reservedAt: T + 5, dedupeKey: 'trigger-5:conv' })
    expect(found.has(recipients[1] as string)).toBe(false)
  })

  it('returns an empty map for no keys, and tolerates the same key twice', async () => {
    const reservations = new DynamoDbCapLedger(dynamo, TABLE_NAMES.state)
    expect((await reservations.reservationsOf([])).size).toBe(0)
    const recipient = `webmessaging:${uniqueId('contact')}`
    await writer().tryReserve(recipient, T, CAP, 'trigger-1:conv')
    expect([...(await reservations.reservationsOf([recipient, recipient])).keys()]).toEqual([recipient])
  })

  it('asks again for the keys DynamoDB leaves unprocessed, and gives up after a bounded number of rounds', async () => {
    const recipient = `webmessaging:${uniqueId('contact')}`
    await writer().tryReserve(recipient, T, CAP, 'trigger-1:conv')
    let calls = 0
    const throttling = (unprocessedRounds: number) =>
      ({
        send: async (command: { input: { RequestItems: Record<string, { Keys: unknown[] }> } }) => {
          calls++
          if (calls <= unprocessedRounds) return { Responses: {}, UnprocessedKeys: command.input.RequestItems }
          return dynamo.send(command as never)
        },
      }) as unknown as typeof dynamo
    const noWait = async () => {}
    expect((await new DynamoDbCapLedger(throttling(2), TABLE_NAMES.state, noWait).reservationsOf([recipient])).get(recipient)).toMatchObject({ dedupeKey: 'trigger-1:conv' })
    expect(calls).toBe(3)
    calls = 0
    await expect(new DynamoDbCapLedger(throttling(100), TABLE_NAMES.state, noWait).reservationsOf([recipient])).rejects.toThrow(/unprocessed after 6 BatchGetItem rounds/)
  })
})

describe('CachedQueueDirectory', () => {
  const TTL = 5 * 60_000

  function fixture() {
    const calls: string[] = []
    let queueIds = ['queue-a', 'queue-b']
    const inner: QueueDirectory = {
      queueIdsOf: async (agentId) => {
        calls.push(agentId)
        return [...queueIds]
      },
    }
    const clock = {
      time: 1_700_000_000_000,
      now() {
        return this.time
      },
    }
    const directory = () => new CachedQueueDirectory({ inner, client: dynamo, tableName: TABLE_NAMES.state, ttlMs: TTL, clock })
    return { calls, inner, clock, directory, setQueueIds: (ids: string[]) => (queueIds = ids) }
  }

  it('serves repeat lookups from memory, then from the table in another container, until the TTL passes', async () => {
    const { calls, clock, directory, setQueueIds } = fixture()
    const agentId = uniqueId('agent')
    const container = directory()
    expect(await container.queueIdsOf(agentId)).toEqual(['queue-a', 'queue-b'])
    expect(calls).toHaveLength(1)
    setQueueIds(['queue-c'])
    clock.time += TTL - 1
    expect(await container.queueIdsOf(agentId)).toEqual(['queue-a', 'queue-b'])
    expect(await directory().queueIdsOf(agentId)).toEqual(['queue-a', 'queue-b'])
    expect(calls).toHaveLength(1)
    clock.time += 1
    expect(await container.queueIdsOf(agentId)).toEqual(['queue-c'])
    expect(calls).toHaveLength(2)
  })

  it('keeps the cache per agent in queues#<agentId> with a TTL', async () => {
    const { clock, directory } = fixture()
    const agentId = uniqueId('agent')
    await directory().queueIdsOf(agentId)
    const { Item } = await dynamo.send(new GetCommand({ TableName: TABLE_NAMES.state, Key: { pk: `queues#${agentId}` } }))
    expect(Item).toEqual({
      pk: `queues#${agentId}`,
      queueIds: ['queue-a', 'queue-b'],
      fetchedAt: clock.time,
      expiresAt: Math.ceil((clock.time + TTL) / 1000),
    })
  })

  it("does not share one agent's queues with another", async () => {
    const { calls, directory } = fixture()
    const container = directory()
    await container.queueIdsOf(uniqueId('agent'))
    await container.queueIdsOf(uniqueId('agent'))
    expect(calls).toHaveLength(2)
  })

  it('asks the inner directory every time when the TTL is 0', async () => {
    const { calls, inner, clock } = fixture()
    const uncached = new CachedQueueDirectory({ inner, client: dynamo, tableName: TABLE_NAMES.state, ttlMs: 0, clock })
    const agentId = uniqueId('agent')
    await uncached.queueIdsOf(agentId)
    await uncached.queueIdsOf(agentId)
    expect(calls).toEqual([agentId, agentId])
  })
})
