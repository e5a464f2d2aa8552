/**
 * The suppression list (opt-outs) as presence reads it: one BatchGetItem per 100 customers of a fan-out, next to
 * the cap read. Items are `suppress#<sha256(customerKey)>` in the state table, written by operators
 * (`proactive suppress`, lib/adapters/dynamodb-suppression-admin.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import type { Suppression } from '../domain/opt-outs.ts'
import type { SuppressionList } from '../domain/ports.ts'
import { batchGetItems } from './dynamodb-batch-get.ts'
import { suppressionKey } from './dynamodb-state.ts'

export class DynamoDbSuppressionList implements SuppressionList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<unknown> = wait,
  ) {}

  async suppressionsOf(customerKeys: readonly string[]): Promise<ReadonlyMap<string, Suppression>> {
    const found = new Map<string, Suppression>()
    if (customerKeys.length === 0) return found
    const customerByPk = new Map(customerKeys.map((key) => [suppressionKey(key), key]))
    const items = await batchGetItems([...customerByPk.keys()], { client: this.client, tableName: this.tableName, attributes: ['addedAt'], what: 'suppression list', sleep: this.sleep })
    for (const item of items) {
      const customer = customerByPk.get(item.pk as string)
      if (customer !== undefined) found.set(customer, { since: Number(item.addedAt) || 0 })
    }
    return found
  }
}
