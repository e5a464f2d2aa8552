/**
 * The sessions table in memory, with what the DynamoDB adapter's indexes give: open candidates per agent and per
 * queue in rank order (the same rank and ranges as the adapter, lib/domain/open-candidates.ts), a customer's
 * sessions by their key. Counts each read, so a test can pin what a trigger reads.
 */
import { customerKey } from '#lib/domain/address.ts'
import type { Session } from '#lib/domain/model.ts'
import { isOpenCandidate, openRankOf, openRankRanges, type CandidatePartition } from '#lib/domain/open-candidates.ts'
import type { SessionRepository, WriteResult } from '#lib/domain/ports.ts'

export class InMemorySessions implements SessionRepository {
  readonly reads = { openCandidates: [] as { partition: CandidatePartition; from: number; to: number }[], pages: 0, candidatesRead: 0, byCustomer: [] as { key: string; from: number }[] }
  private readonly byId = new Map<string, Session>()

  constructor(sessions: readonly Session[] = []) {
    for (const session of sessions) this.byId.set(session.conversationId, session)
  }

  async get(conversationId: string): Promise<Session | undefined> {
    return this.byId.get(conversationId)
  }

  async put(next: Session): Promise<WriteResult> {
    if (this.byId.get(next.conversationId)?.version !== next.version) return 'conflict'
    this.byId.set(next.conversationId, { ...next, version: (next.version ?? 0) + 1 })
    return 'written'
  }

  async *openCandidates(partition: CandidatePartition, from: number, to: number, pageSize: number): AsyncIterable<Session> {
    this.reads.openCandidates.push({ partition, from, to })
    const inPartition = [...this.byId.values()].filter(
      (session) => isOpenCandidate(session) && ('agentId' in partition ? session.lastAgentId === partition.agentId : session.queueId === partition.queueId),
    )
    for (const { low, high } of openRankRanges(from, to)) {
      const ranked = inPartition.map((session) => ({ session, rank: openRankOf(session) })).filter(({ rank }) => rank >= low && rank <= high)
      ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
      let start = 0
      do {
        this.reads.pages++
        for (const { session } of ranked.slice(start, start + pageSize)) {
          this.reads.candidatesRead++
          yield session
        }
        start += pageSize
      } while (start < ranked.length)
    }
  }

  async findByCustomer(key: string, from: number): Promise<Session[]> {
    this.reads.byCustomer.push({ key, from })
    return [...this.byId.values()].filter((session) => session.customer !== undefined && customerKey(session.customer) === key && session.lastActiveAt >= from)
  }
}
