/**
 * presence's use case against in-memory ports with the same compare-and-set contract as the DynamoDB adapter
 * (a put succeeds only when the stored version is the one read), a writer that can get in between a read and a
 * write, and a publisher that can fail. Pins the order of steps (save the state with its outbox → publish →
 * clear), losing the race, too many writers, stale events, and the outbox finished by whoever comes next.
 * test/integration/outbox.test.ts runs the same interleaving through the real handlers and adapters.
 */
import { describe, expect, it } from 'vitest'
import type { AgentAvailabilityEvent } from '#lib/domain/events.ts'
import type { AgentState, MessageRequest, Session } from '#lib/domain/model.ts'
import type { AgentStateRepository, CapLedger, MessageRequestPublisher, WriteResult } from '#lib/domain/ports.ts'
import { FanOutPendingError, handleAvailability, MAX_OUTBOX_REQUESTS, type AvailabilityDeps } from '#lib/presence/handle-availability.ts'

import { TEST_AVAILABILITY_SETTINGS } from '../support/availability-settings.ts'
import { InMemorySessions } from '../support/in-memory-sessions.ts'
const AGENT = '9ed7d9f6-0c59-4360-ac54-40dd35eb9c2f'
const QUEUE = '33333333-0000-4000-8000-000000000001'
const HOUR = 3_600_000
const T = Date.parse('2026-03-02T09:00:00.000Z')
const SETTINGS = TEST_AVAILABILITY_SETTINGS

const presence = (status: string, at: number, eventId = `evt-${status}-${at}`): AgentAvailabilityEvent => ({
  kind: 'agent',
  signal: 'presence',
  agentId: AGENT,
  status,
  presence: { status, at },
  eventId,
  at,
  source: 'test',
})

function session(n: number): Session {
  const conversationId = `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`
  const customer = { channel: 'webmessaging' as const, externalContactId: `e0000000-0000-4000-8000-${String(n).padStart(12, '0')}` }
  return {
    conversationId,
    channel: 'webmessaging',
    customer,
    queueId: QUEUE,
    lastAgentId: AGENT,
    agents: { [AGENT]: { connected: false, changedAt: T - HOUR, connectedAt: T - 2 * HOUR } },
    lastActiveAt: T - HOUR,
    customerEndedAt: T - HOUR,
    expiresAt: Math.ceil((T + 48 * HOUR) / 1000),
  }
}

/** The agent item, compare-and-set on `version`; `beforePut` runs between a read and the write. */
class InMemoryAgents implements AgentStateRepository {
  stored: AgentState | undefined
  puts: WriteResult[] = []
  /** Every state written, in order (what the table went through). */
  history: AgentState[] = []
  beforePut: ((next: AgentState) => void) | undefined

  async get(): Promise<AgentState | undefined> {
    return this.stored
  }

  async put(next: AgentState): Promise<WriteResult> {
    this.beforePut?.(next)
    const result: WriteResult = this.stored?.version === next.version ? 'written' : 'conflict'
    if (result === 'written') {
      this.stored = { ...next, version: (next.version ?? 0) + 1 }
      this.history.push(this.stored)
    }
    this.puts.push(result)
    return result
  }
}

/** Records every publish call, and what the agent's stored state was at that moment. */
class RecordingPublisher implements MessageRequestPublisher {
  calls: { requests: MessageRequest[]; storedPending: number | undefined }[] = []
  failuresLeft = 0
  constructor(private readonly agents: InMemoryAgents) {}
  async publish(requests: readonly MessageRequest[]): Promise<void> {
    this.calls.push({ requests: [...requests], storedPending: this.agents.stored?.pending?.requests.length })
    if (this.failuresLeft > 0) {
      this.failuresLeft--
      throw new Error('PutEvents: 1 entry failed (InternalFailure)')
    }
  }
  get published(): string[] {
    return this.calls.flatMap((call) => call.requests.map((request) => request.dedupeKey))
  }
}

function world(sessionCount = 3) {
  const agents = new InMemoryAgents()
  const publisher = new RecordingPublisher(agents)
  const sessions = new InMemorySessions(Array.from({ length: sessionCount }, (_, i) => session(i + 1)))
  const reservations: Pick<CapLedger, 'reservationsOf'> = { reservationsOf: async () => new Map() }
  const deps: AvailabilityDeps = { agents, sessions, reservations, publisher, optOuts: { optOutsOf: async () => new Map() } }
  return { agents, publisher, deps }
}

/** The agent was seen OFFLINE before: the next ON_QUEUE is a transition. */
async function offlineBefore(deps: AvailabilityDeps, at = T - 30 * 60_000): Promise<void> {
  expect(await handleAvailability(presence('OFFLINE', at), deps, SETTINGS)).toEqual({ kind: 'no-trigger', reason: 'no-transition' })
}

describe('handleAvailability: save with the outbox, then publish, then clear', () => {
  it('saves the new state with the requests before publishing them, and clears the outbox after', async () => {
    const { agents, publisher, deps } = world(3)
    await offlineBefore(deps)
    const outcome = await handleAvailability(presence('ON_QUEUE', T, 'trigger-1'), deps, SETTINGS)

    expect(outcome).toMatchObject({ kind: 'triggered', requested: 3, sessionsFound: 3 })
    expect(publisher.calls).toHaveLength(1)
    // When PutEvents was called, the stored state already held all three requests: nothing rests on memory alone.
    expect(publisher.calls[0]?.storedPending).toBe(3)
    const [offline, saved, cleared] = agents.history
    expect(offline?.pending).toBeUndefined()
    expect(saved).toMatchObject({ lastTriggeredAt: T, pending: { triggerEventId: 'trigger-1' } })
    expect(saved?.pending?.requests.map((r) => r.dedupeKey)).toEqual(publisher.published)
    expect(cleared).toMatchObject({ lastTriggeredAt: T })
    expect(cleared?.pending).toBeUndefined()
    expect(agents.puts).toEqual(['written', 'written', 'written'])
  })

  it('publishes nothing when the state cannot be saved (losing every race): no request without its saved trigger', async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    agents.beforePut = () => {
      const other = agents.stored as AgentState
      agents.stored = { ...other, version: (other.version ?? 0) + 1 }
    }
    const failure = handleAvailability(presence('ON_QUEUE', T), deps, SETTINGS)
    await expect(failure).rejects.toThrow(`agent ${AGENT.slice(0, 8)}…: too many concurrent writers, will retry`)
    await failure.catch((error: Error) => expect(error.message).not.toContain(AGENT))
    expect(agents.puts.slice(1)).toEqual(Array(8).fill('conflict'))
    expect(publisher.calls).toEqual([])
  })

  it('loses the race to a newer event, decides again against it, and publishes only if the trigger still stands', async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    // Between our read and our write, another worker saves a NEWER presence: the agent went AWAY after ON_QUEUE.
    let raced = false
    agents.beforePut = () => {
      if (raced) return
      raced = true
      const other = agents.stored as AgentState
      agents.stored = { ...other, presence: { status: 'AWAY', at: T + 1_000 }, observedAt: T + 1_000, version: (other.version ?? 0) + 1 }
    }
    const outcome = await handleAvailability(presence('ON_QUEUE', T), deps, SETTINGS)
    // Re-decided against the newer state, our ON_QUEUE is older than the stored presence: stale, nothing fired.
    expect(outcome).toEqual({ kind: 'stale' })
    expect(agents.puts.slice(1)).toEqual(['conflict'])
    expect(publisher.calls).toEqual([])
    expect(agents.stored?.pending).toBeUndefined()
  })

  it('after a lost race that leaves the trigger standing, fans out once and publishes once', async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    let raced = false
    agents.beforePut = () => {
      if (raced) return
      raced = true
      // Another worker saved an unrelated routing status: the transition is still ours to fire.
      const other = agents.stored as AgentState
      agents.stored = { ...other, version: (other.version ?? 0) + 1 }
    }
    const outcome = await handleAvailability(presence('ON_QUEUE', T), deps, SETTINGS)
    expect(outcome).toMatchObject({ kind: 'triggered', requested: 2 })
    expect(agents.puts.slice(1)).toEqual(['conflict', 'written', 'written'])
    expect(publisher.calls).toHaveLength(1)
    expect(agents.stored?.pending).toBeUndefined()
  })

  it('is stale on a redelivery of an event already saved, and publishes nothing again', async () => {
    const { publisher, deps } = world(2)
    await offlineBefore(deps)
    const event = presence('ON_QUEUE', T, 'trigger-1')
    await handleAvailability(event, deps, SETTINGS)
    expect(await handleAvailability(event, deps, SETTINGS)).toEqual({ kind: 'stale' })
    expect(publisher.calls).toHaveLength(1)
  })
})

describe('handleAvailability: a publish that fails leaves the outbox for whoever comes next', () => {
  it('keeps the requests in the saved state and throws FanOutPendingError with the trigger outcome', async () => {
    const { agents, publisher, deps } = world(3)
    await offlineBefore(deps)
    publisher.failuresLeft = 1
    const failure = handleAvailability(presence('ON_QUEUE', T, 'trigger-1'), deps, SETTINGS)
    await expect(failure).rejects.toBeInstanceOf(FanOutPendingError)
    const error = (await failure.catch((e: unknown) => e)) as FanOutPendingError
    expect(error.pending).toBe(3)
    expect(error.message).toBe("3 request(s) kept in the agent's outbox, not yet published: PutEvents: 1 entry failed (InternalFailure)")
    expect(error.outcome).toMatchObject({ kind: 'triggered', requested: 3 })
    expect(agents.stored).toMatchObject({ pending: { triggerEventId: 'trigger-1' } })
    expect(agents.stored?.pending?.requests).toHaveLength(3)
  })

  it('THE INTERLEAVING: a newer event saved before the retry publishes the outbox first; the retry is stale; every request published', async () => {
    const { agents, publisher, deps } = world(3)
    await offlineBefore(deps)
    publisher.failuresLeft = 1
    const trigger = presence('ON_QUEUE', T, 'trigger-1')
    await expect(handleAvailability(trigger, deps, SETTINGS)).rejects.toBeInstanceOf(FanOutPendingError)
    const keys = agents.stored?.pending?.requests.map((r) => r.dedupeKey) ?? []
    expect(keys).toHaveLength(3)

    // The agent starts interacting before SQS redelivers the trigger: a newer event for the same agent.
    const newer = await handleAvailability(presence('AWAY', T + 60_000, 'newer'), deps, SETTINGS)
    expect(newer).toEqual({ kind: 'no-trigger', reason: 'no-transition', completedLate: { fanOuts: 1, requests: 3 } })
    expect(agents.stored).toMatchObject({ presence: { status: 'AWAY' } })
    expect(agents.stored?.pending).toBeUndefined()

    // The retry of the trigger is stale, as before the outbox; but its requests were made.
    expect(await handleAvailability(trigger, deps, SETTINGS)).toEqual({ kind: 'stale' })
    expect(publisher.published.slice(3)).toEqual(keys)
    expect(new Set(publisher.published.slice(3)).size).toBe(3)
  })

  it("the trigger's own retry completes its outbox and is then stale", async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    publisher.failuresLeft = 1
    const trigger = presence('ON_QUEUE', T, 'trigger-1')
    await expect(handleAvailability(trigger, deps, SETTINGS)).rejects.toBeInstanceOf(FanOutPendingError)
    expect(await handleAvailability(trigger, deps, SETTINGS)).toEqual({ kind: 'stale', completedLate: { fanOuts: 1, requests: 2 } })
    expect(publisher.calls.map((call) => call.requests.length)).toEqual([2, 2])
    expect(agents.stored?.pending).toBeUndefined()
  })

  it('a newer event that cannot publish the outbox either fails without touching the state (retried; nothing lost)', async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    publisher.failuresLeft = 2
    await expect(handleAvailability(presence('ON_QUEUE', T, 'trigger-1'), deps, SETTINGS)).rejects.toBeInstanceOf(FanOutPendingError)
    const before = agents.stored
    await expect(handleAvailability(presence('AWAY', T + 60_000), deps, SETTINGS)).rejects.toThrow(/PutEvents/)
    expect(agents.stored).toBe(before)
    expect(agents.stored?.pending?.requests).toHaveLength(2)
  })

  it('a conflict while clearing neither loses nor republishes: the outbox is cleared on the re-read', async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    let puts = 0
    agents.beforePut = (next) => {
      puts++
      // The clearing put (the one without an outbox after the save) meets an unrelated concurrent write.
      if (puts === 2 && next.pending === undefined) {
        const other = agents.stored as AgentState
        agents.stored = { ...other, version: (other.version ?? 0) + 1 }
      }
    }
    expect(await handleAvailability(presence('ON_QUEUE', T), deps, SETTINGS)).toMatchObject({ kind: 'triggered', requested: 2 })
    expect(agents.puts.slice(1)).toEqual(['written', 'conflict', 'written'])
    expect(publisher.calls).toHaveLength(1)
    expect(agents.stored?.pending).toBeUndefined()
  })

  it('gives up clearing after 8 conflicts in a row: the outcome stands, the outbox stays for the next processing', async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    let clearingPuts = 0
    agents.beforePut = (next) => {
      if (next.pending !== undefined) return
      // Every clearing put meets a concurrent write that keeps our outbox (a guard stops a loop that never ends).
      if (++clearingPuts > 20) throw new Error('clearOutbox does not give up')
      const other = agents.stored as AgentState
      agents.stored = { ...other, version: (other.version ?? 0) + 1 }
    }
    expect(await handleAvailability(presence('ON_QUEUE', T, 'trigger-1'), deps, SETTINGS)).toMatchObject({ kind: 'triggered', requested: 2 })
    expect(agents.puts.slice(1)).toEqual(['written', ...Array<WriteResult>(8).fill('conflict')])
    expect(publisher.calls).toHaveLength(1)
    expect(agents.stored?.pending?.triggerEventId).toBe('trigger-1')
  })

  it.each([
    ['the agent item is gone', () => undefined],
    ['someone else cleared the outbox', (other: AgentState) => ({ ...other, pending: undefined, version: (other.version ?? 0) + 1 })],
  ])('stops clearing when the re-read finds nothing to clear (%s)', async (_case, concurrent) => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    agents.beforePut = (next) => {
      if (next.pending === undefined && agents.stored?.pending !== undefined) agents.stored = concurrent(agents.stored)
    }
    expect(await handleAvailability(presence('ON_QUEUE', T), deps, SETTINGS)).toMatchObject({ kind: 'triggered', requested: 2 })
    expect(agents.puts.slice(1)).toEqual(['written', 'conflict'])
    expect(publisher.calls).toHaveLength(1)
    expect(agents.stored?.pending).toBeUndefined()
  })

  it("leaves another trigger's outbox alone when clearing its own finds it replaced", async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    const foreign = { triggerEventId: 'someone-else', requests: [] }
    let puts = 0
    agents.beforePut = (next) => {
      puts++
      if (puts === 2 && next.pending === undefined) {
        const other = agents.stored as AgentState
        agents.stored = { ...other, pending: foreign, version: (other.version ?? 0) + 1 }
      }
    }
    await handleAvailability(presence('ON_QUEUE', T), deps, SETTINGS)
    expect(publisher.calls).toHaveLength(1)
    expect(agents.stored?.pending).toEqual(foreign)
  })
})

describe('handleAvailability: what never enters the outbox', () => {
  it('paused: the state is saved without an outbox, no session is read and nothing is published', async () => {
    const { agents, publisher, deps } = world(2)
    await offlineBefore(deps)
    const outcome = await handleAvailability(presence('ON_QUEUE', T), { ...deps, mode: { current: async () => 'paused' } }, SETTINGS)
    expect(outcome).toEqual({ kind: 'paused' })
    expect((deps.sessions as InMemorySessions).reads).toMatchObject({ openCandidates: [], byCustomer: [] })
    expect(publisher.calls).toEqual([])
    expect(agents.stored).toMatchObject({ presence: expect.anything() })
    expect(agents.stored?.pending).toBeUndefined()
  })

  it(`bounds the outbox to ${MAX_OUTBOX_REQUESTS} requests (one DynamoDB item); the rest are counted, not requested`, async () => {
    const { agents, publisher, deps } = world(MAX_OUTBOX_REQUESTS + 2)
    await offlineBefore(deps)
    publisher.failuresLeft = 1
    const error = (await handleAvailability(presence('ON_QUEUE', T), deps, SETTINGS).catch((e: unknown) => e)) as FanOutPendingError
    expect(error.outcome).toMatchObject({ requested: MAX_OUTBOX_REQUESTS, overOutboxLimit: 2 })
    expect(agents.stored?.pending?.requests).toHaveLength(MAX_OUTBOX_REQUESTS)
    // A request is well under 1 KB, so the bounded outbox fits an item (400 KB) with room to spare.
    expect(Buffer.byteLength(JSON.stringify(agents.stored))).toBeLessThan(200_000)
  })
})

describe('handleAvailability: busy customers are left alone', () => {
  it('leaves out a customer with another active conversation (byCustomer) or whose own has no customer.end, and counts them', async () => {
    const { publisher, deps } = world(3)
    const ownNotEnded: Session = { ...session(2), customerEndedAt: undefined }
    const elsewhere: Session = { ...session(99), customer: session(3).customer, lastAgentId: 'other-agent', customerEndedAt: undefined, lastActiveAt: T - 10 * 60_000 }
    const sessions = new InMemorySessions([session(1), ownNotEnded, session(3), elsewhere])
    const busyDeps = { ...deps, sessions }
    await offlineBefore(busyDeps)
    const outcome = await handleAvailability(presence('ON_QUEUE', T, 'trigger-busy'), busyDeps, SETTINGS)
    expect(outcome).toMatchObject({ kind: 'triggered', requested: 1, customerBusy: 2 })
    expect(publisher.published).toEqual([`trigger-busy:${session(1).conversationId}`])
    // Looked up from the window's start (their newest session in it stands for them; the window is longer than the
    // time a conversation can stay active).
    expect(sessions.reads.byCustomer.map((lookup) => lookup.from)).toEqual([T - 24 * HOUR, T - 24 * HOUR, T - 24 * HOUR])
  })

  it('a conversation with no event for the stale time no longer blocks its customer', async () => {
    const { publisher, deps } = world(1)
    const stale: Session = { ...session(1), customerEndedAt: undefined, lastActiveAt: T - 4 * HOUR }
    const staleDeps = { ...deps, sessions: new InMemorySessions([stale]) }
    await offlineBefore(staleDeps)
    expect(await handleAvailability(presence('ON_QUEUE', T, 'trigger-stale'), staleDeps, SETTINGS)).toMatchObject({ kind: 'triggered', requested: 1, customerBusy: 0 })
    expect(publisher.published).toEqual([`trigger-stale:${stale.conversationId}`])
  })
})
