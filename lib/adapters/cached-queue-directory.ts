/**
 * Queue membership changes rarely but a presence burst asks for it often, and each Genesys call spends
 * the org's API budget. So each agent's queue ids are kept for `ttlMs`: in this container's memory, and in
 * the state table (`queues#<agentId>`) so other containers share one lookup.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Clock, QueueDirectory } from '../domain/ports.ts'

export interface CachedQueueDirectoryOptions {
  readonly inner: QueueDirectory
  readonly client: DynamoDBDocumentClient
  readonly tableName: string
  /** How long a lookup stays fresh (config QUEUE_CACHE_MINUTES); 0 disables caching. */
  readonly ttlMs: number
  readonly clock: Clock
  /** Agents remembered in memory; the oldest entry is dropped beyond this. */
  readonly maxMemoryEntries?: number
}

interface Entry {
  readonly queueIds: string[]
  readonly fetchedAt: number
}

const cacheKey = (agentId: string): string => `queues#${agentId}`

export class CachedQueueDirectory implements QueueDirectory {
  private readonly memory = new Map<string, Entry>()
  private readonly maxMemoryEntries: number

  constructor(private readonly options: CachedQueueDirectoryOptions) {
    this.maxMemoryEntries = options.maxMemoryEntries ?? 1000
  }

  async queueIdsOf(agentId: string): Promise<string[]> {
    const { inner, ttlMs, clock } = this.options
    if (ttlMs <= 0) return inner.queueIdsOf(agentId)
    const now = clock.now()
    const cached = this.fresh(this.memory.get(agentId), now) ?? this.fresh(await this.readTable(agentId), now)
    if (cached) {
      this.remember(agentId, cached)
      return [...cached.queueIds]
    }
    const entry: Entry = { queueIds: await inner.queueIdsOf(agentId), fetchedAt: now }
    await this.writeTable(agentId, entry)
    this.remember(agentId, entry)
    return [...entry.queueIds]
  }

  private fresh(entry: Entry | undefined, now: number): Entry | undefined {
    // A fetchedAt in the future (clock skew between containers) is not trusted.
    return entry && entry.fetchedAt <= now && now - entry.fetchedAt < this.options.ttlMs ? entry : undefined
  }

  private remember(agentId: string, entry: Entry): void {
    this.memory.delete(agentId)
    this.memory.set(agentId, entry)
    if (this.memory.size > this.maxMemoryEntries) {
      const oldest = this.memory.keys().next().value
      if (oldest !== undefined) this.memory.delete(oldest)
    }
  }

  private async readTable(agentId: string): Promise<Entry | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: cacheKey(agentId) } }))
    if (!Item || !Array.isArray(Item.queueIds) || typeof Item.fetchedAt !== 'number') return undefined
    return { queueIds: Item.queueIds as string[], fetchedAt: Item.fetchedAt }
  }

  private async writeTable(agentId: string, entry: Entry): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          pk: cacheKey(agentId),
          queueIds: entry.queueIds,
          fetchedAt: entry.fetchedAt,
          expiresAt: Math.ceil((entry.fetchedAt + this.options.ttlMs) / 1000),
        },
      }),
    )
  }
}
