/**
 * The cap ledger in the state table: `cap#<sha256(recipientKey)>` holds the customer's standing reservation
 * (when, and for which request). Send reserves with one conditional PutItem and gives back what it reserved
 * for a request that was not sent; presence reads many at once with
 * BatchGetItem (100 keys a call, a few calls in flight) to leave capped customers out before publishing. The
 * IAM grants (lib/topology.ts) keep presence to reading.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import type { CapLedger, CapReservation, CapReservationResult } from '../domain/ports.ts'
import { batchGetItems } from './dynamodb-batch-get.ts'
import { hashRecipientKey, isConditionalCheckFailed } from './dynamodb-state.ts'

export const capKey = (recipientKey: string): string => `cap#${hashRecipientKey(recipientKey)}`

export class DynamoDbCapLedger implements CapLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<unknown> = wait,
  ) {}

  /**
   * One conditional PutItem: it succeeds when there is no reservation or the stored one is at least `capMs` older
   * than `at`. When it fails, one consistent read tells a hold of this request (left as it is) from another's.
   */
  async tryReserve(recipientKey: string, at: number, capMs: number, dedupeKey: string): Promise<CapReservationResult> {
    const pk = capKey(recipientKey)
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, reservedAt: at, dedupeKey, expiresAt: Math.ceil((at + capMs) / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR reservedAt <= :cutoff',
          ExpressionAttributeValues: { ':cutoff': at - capMs },
        }),
      )
      return { made: true, at }
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error
    }
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }))
    return Item?.dedupeKey === dedupeKey ? { made: false } : 'capped'
  }

  async release(recipientKey: string, dedupeKey: string, at: number): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: capKey(recipientKey) },
          ConditionExpression: 'dedupeKey = :dedupeKey AND reservedAt = :at',
          ExpressionAttributeValues: { ':dedupeKey': dedupeKey, ':at': at },
        }),
      )
    } catch (error) {
      // Already gone, or another request's since: nothing of this request's to give back.
      if (!isConditionalCheckFailed(error)) throw error
    }
  }

  async reservationsOf(recipientKeys: readonly string[]): Promise<ReadonlyMap<string, CapReservation>> {
    const recipientByPk = new Map(recipientKeys.map((key) => [capKey(key), key]))
    const found = new Map<string, CapReservation>()
    const items = await batchGetItems([...recipientByPk.keys()], {
      client: this.client,
      tableName: this.tableName,
      attributes: ['reservedAt', 'dedupeKey'],
      what: 'cap ledger',
      sleep: this.sleep,
    })
    for (const item of items) {
      const recipient = recipientByPk.get(item.pk as string)
      if (recipient !== undefined) found.set(recipient, { reservedAt: item.reservedAt as number, dedupeKey: item.dedupeKey as string })
    }
    return found
  }
}
