/**
 * A per-agent lookup cached for `ttlMs`: in this container's memory, and in the state table (`<prefix>#<agentId>`)
 * so other containers share one Genesys call. Used for queue memberships and messaging capacity, which change
 * rarely while a presence burst asks for them often, and each Genesys call spends the org's API budget.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Clock } from '../domain/ports.ts'

export interface StateTableCacheOptions<T> {
  readonly client: DynamoDBDocumentClient
  readonly tableName: string
  /** The item kind's key prefix (TABLES.state.keyPrefixes, lib/topology.ts). */
  readonly keyPrefix: string
  /** The attribute the value is stored in. */
  readonly attribute: string
  /** Checks a stored value; anything else is treated as a miss. */
  readonly isValue: (stored: unknown) => stored is T
  /** How long a lookup stays fresh; 0 disables caching. */
  readonly ttlMs: number
  readonly clock: Clock
  /** Agents remembered in memory; the oldest entry is dropped beyond this. */
  readonly maxMemoryEntries?: number
}

interface Entry<T> {
  readonly value: T
  readonly fetchedAt: number
}

export class StateTableCache<T> {
  private readonly memory = new Map<string, Entry<T>>()

  constructor(private readonly options: StateTableCacheOptions<T>) {}

  /** The cached value for `agentId`, or `fetch`'s (then stored) when there is none fresh. */
  async get(agentId: string, fetch: () => Promise<T>): Promise<T> {
    const { ttlMs, clock } = this.options
    if (ttlMs <= 0) return fetch()
    const now = clock.now()
    const cached = this.fresh(this.memory.get(agentId), now) ?? this.fresh(await this.readTable(agentId), now)
    if (cached) {
      this.remember(agentId, cached)
      return cached.value
    }
    const entry: Entry<T> = { value: await fetch(), fetchedAt: now }
    await this.writeTable(agentId, entry)
    this.remember(agentId, entry)
    return entry.value
  }

  private key(agentId: string): string {
    return `${this.options.keyPrefix}#${agentId}`
  }

  private fresh(entry: Entry<T> | undefined, now: number): Entry<T> | undefined {
    // A fetchedAt in the future (clock skew between containers) is not trusted.
    return entry && entry.fetchedAt <= now && now - entry.fetchedAt < this.options.ttlMs ? entry : undefined
  }

  private remember(agentId: string, entry: Entry<T>): void {
    this.memory.delete(agentId)
    this.memory.set(agentId, entry)
    if (this.memory.size > (this.options.maxMemoryEntries ?? 1000)) {
      const oldest = this.memory.keys().next().value
      if (oldest !== undefined) this.memory.delete(oldest)
    }
  }

  private async readTable(agentId: string): Promise<Entry<T> | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { pk: this.key(agentId) } }))
    const value: unknown = Item?.[this.options.attribute]
    if (!Item || !this.options.isValue(value) || typeof Item.fetchedAt !== 'number') return undefined
    return { value, fetchedAt: Item.fetchedAt }
  }

  private async writeTable(agentId: string, entry: Entry<T>): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          pk: this.key(agentId),
          [this.options.attribute]: entry.value,
          fetchedAt: entry.fetchedAt,
          expiresAt: Math.ceil((entry.fetchedAt + this.options.ttlMs) / 1000),
        },
      }),
    )
  }
}
