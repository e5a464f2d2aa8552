/**
 * The opt-out list as presence reads it: one BatchGetItem per 100 customers of a fan-out, next to
 * the cap read. Items are `optout#<sha256(customerKey)>` in the state table, written by operators
 * (`proactive suppress`, lib/adapters/dynamodb-opt-out-admin.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import type { OptOut } from '../domain/opt-outs.ts'
import type { OptOutList } from '../domain/ports.ts'
import { batchGetItems } from './dynamodb-batch-get.ts'
import { optOutItemKey } from './dynamodb-state.ts'

export class DynamoDbOptOutList implements OptOutList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<unknown> = wait,
  ) {}

  async optOutsOf(customerKeys: readonly string[]): Promise<ReadonlyMap<string, OptOut>> {
    const found = new Map<string, OptOut>()
    if (customerKeys.length === 0) return found
    const customerByPk = new Map(customerKeys.map((key) => [optOutItemKey(key), key]))
    const items = await batchGetItems([...customerByPk.keys()], { client: this.client, tableName: this.tableName, attributes: ['addedAt'], what: 'opt-out list', sleep: this.sleep })
    for (const item of items) {
      const customer = customerByPk.get(item.pk as string)
      if (customer !== undefined) found.set(customer, { since: Number(item.addedAt) || 0 })
    }
    return found
  }
}
