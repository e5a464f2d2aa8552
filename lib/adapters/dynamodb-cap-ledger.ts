/**
 * The cap ledger in the state table: `cap#<sha256(recipientKey)>` holds the customer's standing reservation
 * (when, and for which request). Send reserves with one conditional PutItem; presence reads many at once with
 * BatchGetItem (100 keys a call, a few calls in flight) to leave capped customers out before publishing. The
 * IAM grants (lib/topology.ts) keep presence to reading.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import type { CapLedger, CapReservation } from '../domain/ports.ts'
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
   * One conditional PutItem. It succeeds when there is no reservation, the stored one is at least `capMs`
   * older than `at`, or it was made with the same `dedupeKey` (a retry of the same request must still pass).
   */
  async tryReserve(recipientKey: string, at: number, capMs: number, dedupeKey: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: capKey(recipientKey), reservedAt: at, dedupeKey, expiresAt: Math.ceil((at + capMs) / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR reservedAt <= :cutoff OR dedupeKey = :dedupeKey',
          ExpressionAttributeValues: { ':cutoff': at - capMs, ':dedupeKey': dedupeKey },
        }),
      )
      return true
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false
      throw error
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
