/**
 * The suppression list (opt-outs) one customer at a time, by GetItem: send checks each request again just before
 * sending (a customer may have opted out after presence requested them), and `proactive why` asks "is this
 * customer suppressed, and since when".
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { optOutKeyOf, type Suppression } from '../domain/opt-outs.ts'
import type { SuppressionList } from '../domain/ports.ts'
import { suppressionKey } from './dynamodb-state.ts'

export class DynamoDbSuppressionLookup implements SuppressionList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async suppressionOf(customerKey: string): Promise<Suppression | undefined> {
    // Consistent: an opt-out recorded a moment ago counts.
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: suppressionKey(customerKey) }, ConsistentRead: true }))
    return Item ? { since: Number(Item.addedAt) || 0 } : undefined
  }

  async suppressionsOf(customerKeys: readonly string[]): Promise<ReadonlyMap<string, Suppression>> {
    const found = new Map<string, Suppression>()
    for (const key of new Set(customerKeys)) {
      const suppression = await this.suppressionOf(key)
      if (suppression) found.set(key, suppression)
    }
    return found
  }
}

/**
 * Whether the customer at `address` on `channel` is on the suppression list, and since when (for `proactive
 * why`). The address is normalised as send builds it; one that cannot be is an error naming its problem.
 */
export async function suppressionOfAddress(client: DynamoDBDocumentClient, stateTableName: string, channel: string, address: string): Promise<Suppression | undefined> {
  const key = optOutKeyOf(channel, address)
  if (!key.ok) throw new Error(key.problem)
  return new DynamoDbSuppressionLookup(client, stateTableName).suppressionOf(key.key)
}
