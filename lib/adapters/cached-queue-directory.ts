/** An agent's queue ids, cached per agent in memory and in the state table (`queues#<agentId>`): state-table-cache.ts. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Clock, QueueDirectory } from '../domain/ports.ts'
import { StateTableCache } from './state-table-cache.ts'

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

const isQueueIds = (value: unknown): value is string[] => Array.isArray(value) && value.every((id) => typeof id === 'string')

export class CachedQueueDirectory implements QueueDirectory {
  private readonly cache: StateTableCache<string[]>

  constructor(private readonly options: CachedQueueDirectoryOptions) {
    this.cache = new StateTableCache({ ...options, keyPrefix: 'queues', attribute: 'queueIds', isValue: isQueueIds })
  }

  async queueIdsOf(agentId: string): Promise<string[]> {
    return [...(await this.cache.get(agentId, () => this.options.inner.queueIdsOf(agentId)))]
  }
}
