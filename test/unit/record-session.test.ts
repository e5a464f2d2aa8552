/**
 * session-recorder's use case against an in-memory repository with the same compare-and-set contract as the
 * DynamoDB adapter (a put succeeds only when the stored version is the one read), and a writer that gets in
 * between the read and the write. The integration tests (dynamodb-adapters, pipeline-scenarios) run the real
 * adapter; these pin the retry loop itself: losing the race, re-reading, and giving up.
 */
import { describe, expect, it } from 'vitest'
import { parseGenesysEvent, type ConversationEvent } from '#lib/domain/events.ts'
import type { Session } from '#lib/domain/model.ts'
import type { SessionRepository, WriteResult } from '#lib/domain/ports.ts'
import { hasConnectedAgent } from '#lib/domain/session.ts'
import { recordSession } from '#lib/session-recorder/record-session.ts'
import { conversationEvent, type ConversationEventInput, type ConversationTopicName } from '../support/genesys-events.ts'

const CONVERSATION = '5a6b7c8d-0000-4000-8000-00000000c0a1'
const AGENT = '11111111-0000-4000-8000-00000000000a'
const T = Date.parse('2026-03-01T10:00:00.000Z')
const POLICY = { windowMs: 24 * 3_600_000 }

function parse(topic: ConversationTopicName, input: Partial<ConversationEventInput> & { at: number }): ConversationEvent {
  const event = parseGenesysEvent(conversationEvent(topic, { conversationId: CONVERSATION, messageType: 'SMS', ...input }))
  if (event.kind !== 'conversation') throw new Error('expected a conversation event')
  return event
}

/** Compare-and-set on `version`, as DynamoDbSessionRepository; `beforePut` runs between a read and the write. */
class InMemorySessions implements SessionRepository {
  stored: Session | undefined
  gets = 0
  puts: WriteResult[] = []
  beforePut: (() => void) | undefined

  async get(): Promise<Session | undefined> {
    this.gets++
    return this.stored
  }

  async put(next: Session): Promise<WriteResult> {
    this.beforePut?.()
    const result: WriteResult = (this.stored?.version ?? undefined) === next.version ? 'written' : 'conflict'
    if (result === 'written') this.stored = { ...next, version: (next.version ?? 0) + 1 }
    this.puts.push(result)
    return result
  }

  openCandidates = async function* (): AsyncIterable<Session> {}
  findByCustomer = async () => []
}

describe('recordSession', () => {
  it('creates the session on the first event and says so', async () => {
    const sessions = new InMemorySessions()
    expect(await recordSession(parse('customer.start', { at: T, addressFrom: '+13175550123' }), sessions, POLICY)).toEqual({
      kind: 'recorded',
      created: true,
      session: expect.objectContaining({ conversationId: CONVERSATION, channel: 'sms' }),
    })
    expect(sessions.stored).toMatchObject({ conversationId: CONVERSATION, channel: 'sms', version: 1 })
    expect(sessions.puts).toEqual(['written'])
  })

  it('updates an existing session (created: false), and writes nothing for a duplicate', async () => {
    const sessions = new InMemorySessions()
    const start = parse('user.start', { at: T + 5, userId: AGENT })
    await recordSession(parse('customer.start', { at: T, addressFrom: '+13175550123' }), sessions, POLICY)
    expect(await recordSession(start, sessions, POLICY)).toEqual({ kind: 'recorded', created: false, session: expect.objectContaining({ conversationId: CONVERSATION }) })
    expect(await recordSession(start, sessions, POLICY)).toEqual({ kind: 'unchanged', session: sessions.stored })
    expect(sessions.puts).toEqual(['written', 'written'])
    expect(sessions.stored?.version).toBe(2)
  })

  it('is stale on a redelivery that comes after newer events: unchanged, nothing written', async () => {
    const sessions = new InMemorySessions()
    const start = parse('customer.start', { at: T, addressFrom: '+13175550123' })
    await recordSession(start, sessions, POLICY)
    await recordSession(parse('user.start', { at: T + 5, userId: AGENT }), sessions, POLICY)
    const before = sessions.stored
    expect(await recordSession(start, sessions, POLICY)).toEqual({ kind: 'unchanged', session: sessions.stored })
    expect(sessions.puts).toEqual(['written', 'written'])
    expect(sessions.stored).toBe(before)
  })

  it('ignores a non-messaging event without reading or writing', async () => {
    const sessions = new InMemorySessions()
    expect(await recordSession(parse('customer.start', { at: T, mediaType: 'VOICE' }), sessions, POLICY)).toEqual({ kind: 'ignored', reason: 'not-messaging' })
    expect(sessions.puts).toEqual([])
  })

  it('loses the race to a concurrent writer, re-reads, and folds its event into what the other wrote', async () => {
    const sessions = new InMemorySessions()
    await recordSession(parse('customer.start', { at: T, addressFrom: '+13175550123' }), sessions, POLICY)
    // Between our read and our write, another recorder stores the agent's start.
    let raced = false
    sessions.beforePut = () => {
      if (raced) return
      raced = true
      const other = sessions.stored!
      sessions.stored = { ...other, agents: { [AGENT]: { connected: true, changedAt: T + 5, connectedAt: T + 5 } }, lastAgentId: AGENT, version: other.version! + 1 }
    }
    const outcome = await recordSession(parse('customer.end', { at: T + 10 }), sessions, POLICY)
    expect(outcome).toEqual({ kind: 'recorded', created: false, session: expect.objectContaining({ conversationId: CONVERSATION }) })
    expect(sessions.puts).toEqual(['written', 'conflict', 'written'])
    expect(sessions.gets).toBe(3)
    // Both writers' events are in the result: the agent the other one recorded, ended by our customer.end.
    expect(sessions.stored).toMatchObject({ lastAgentId: AGENT, customerEndedAt: T + 10, version: 3 })
    expect(hasConnectedAgent(sessions.stored!)).toBe(false)
  })

  it('when losing the race to create, reports an update (created: false), not a creation', async () => {
    const sessions = new InMemorySessions()
    let raced = false
    sessions.beforePut = () => {
      if (raced) return
      raced = true
      sessions.stored = { conversationId: CONVERSATION, agents: {}, lastActiveAt: T - 1, expiresAt: 0, version: 1 }
    }
    expect(await recordSession(parse('customer.start', { at: T, addressFrom: '+13175550123' }), sessions, POLICY)).toEqual({
      kind: 'recorded',
      created: false,
      session: expect.objectContaining({ conversationId: CONVERSATION }),
    })
    expect(sessions.puts).toEqual(['conflict', 'written'])
  })

  it('gives up after 8 conflicts in a row with an error that names no full conversation id (the message is retried)', async () => {
    const sessions = new InMemorySessions()
    sessions.beforePut = () => {
      sessions.stored = { conversationId: CONVERSATION, agents: {}, lastActiveAt: T - 1, expiresAt: 0, version: (sessions.stored?.version ?? 0) + 1 }
    }
    const failure = recordSession(parse('customer.start', { at: T, addressFrom: '+13175550123' }), sessions, POLICY)
    await expect(failure).rejects.toThrow(`session ${CONVERSATION.slice(0, 8)}…: too many concurrent writers, will retry`)
    await failure.catch((error: Error) => expect(error.message).not.toContain(CONVERSATION))
    expect(sessions.puts).toEqual(Array(8).fill('conflict'))
  })
})
