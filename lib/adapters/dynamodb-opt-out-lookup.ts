/**
 * The opt-out list one customer at a time, by GetItem: send checks each request again just before
 * sending (a customer may have opted out after presence requested them), and `proactive why` asks "is this
 * customer opted out, and since when".
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { optOutKeyOf, type OptOut } from '../domain/opt-outs.ts'
import type { OptOutList } from '../domain/ports.ts'
import { optOutItemKey } from './dynamodb-state.ts'

export class DynamoDbOptOutLookup implements OptOutList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async optOutOf(customerKey: string): Promise<OptOut | undefined> {
    // Consistent: an opt-out recorded a moment ago counts.
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: optOutItemKey(customerKey) }, ConsistentRead: true }))
    return Item ? { since: Number(Item.addedAt) || 0 } : undefined
  }

  async optOutsOf(customerKeys: readonly string[]): Promise<ReadonlyMap<string, OptOut>> {
    const found = new Map<string, OptOut>()
    for (const key of new Set(customerKeys)) {
      const optOut = await this.optOutOf(key)
      if (optOut) found.set(key, optOut)
    }
    return found
  }
}

/**
 * Whether the customer at `address` on `channel` is on the opt-out list, and since when (for `proactive
 * why`). The address is normalised as send builds it; one that cannot be is an error naming its problem.
 */
export async function optOutOfAddress(client: DynamoDBDocumentClient, stateTableName: string, channel: string, address: string): Promise<OptOut | undefined> {
  const key = optOutKeyOf(channel, address)
  if (!key.ok) throw new Error(key.problem)
  return new DynamoDbOptOutLookup(client, stateTableName).optOutOf(key.key)
}
