/** An agent's messaging capacity, cached per agent in memory and in the state table (`capacity#<agentId>`): state-table-cache.ts. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { AgentCapacityLookup, Clock } from '../domain/ports.ts'
import { StateTableCache } from './state-table-cache.ts'

export interface CachedCapacityLookupOptions {
  readonly inner: AgentCapacityLookup
  readonly client: DynamoDBDocumentClient
  readonly tableName: string
  /** How long a lookup stays fresh (config CAPACITY_CACHE_MINUTES); 0 disables caching. A failed lookup is not cached. */
  readonly ttlMs: number
  readonly clock: Clock
}

const isCapacity = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0

export class CachedCapacityLookup implements AgentCapacityLookup {
  private readonly cache: StateTableCache<number>

  constructor(private readonly options: CachedCapacityLookupOptions) {
    this.cache = new StateTableCache({ ...options, keyPrefix: 'capacity', attribute: 'capacity', isValue: isCapacity })
  }

  messageCapacityOf(agentId: string): Promise<number> {
    return this.cache.get(agentId, () => this.options.inner.messageCapacityOf(agentId))
  }
}
