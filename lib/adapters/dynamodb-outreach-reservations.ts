/**
 * Read side of the outreach ledger (`cap#<sha256(recipientKey)>` in the state table, written by send's
 * DynamoDbOutreachLedger): BatchGetItem, 100 keys a call, a few calls in flight. Kept apart from the writer so
 * presence, which only reads, is granted BatchGetItem and send is not.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import type { OutreachReservation, OutreachReservations } from '../domain/ports.ts'
import { batchGetItems } from './dynamodb-batch-get.ts'
import { ledgerKey } from './dynamodb-state.ts'

export class DynamoDbOutreachReservations implements OutreachReservations {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<unknown> = wait,
  ) {}

  async reservationsOf(recipientKeys: readonly string[]): Promise<ReadonlyMap<string, OutreachReservation>> {
    const recipientByPk = new Map(recipientKeys.map((key) => [ledgerKey(key), key]))
    const found = new Map<string, OutreachReservation>()
    const items = await batchGetItems([...recipientByPk.keys()], {
      client: this.client,
      tableName: this.tableName,
      attributes: ['reservedAt', 'dedupeKey'],
      what: 'outreach ledger',
      sleep: this.sleep,
    })
    for (const item of items) {
      const recipient = recipientByPk.get(item.pk as string)
      if (recipient !== undefined) found.set(recipient, { reservedAt: item.reservedAt as number, dedupeKey: item.dedupeKey as string })
    }
    return found
  }
}
