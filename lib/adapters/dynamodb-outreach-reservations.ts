/**
 * Read side of the outreach ledger (`cap#<sha256(recipientKey)>` in the state table, written by send's
 * DynamoDbOutreachLedger): BatchGetItem, 100 keys a call, a few calls in flight. Kept apart from the writer so
 * presence, which only reads, is granted BatchGetItem and send is not.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import { chunksOf, mapConcurrently } from '../concurrency.ts'
import type { OutreachReservation, OutreachReservations } from '../domain/ports.ts'
import { ledgerKey } from './dynamodb-state.ts'

/** BatchGetItem's limit. */
const KEYS_PER_CALL = 100
const CALLS_IN_FLIGHT = 8
/** Rounds for keys DynamoDB leaves unprocessed (throttling); after that the record is retried as a whole. */
const MAX_ROUNDS = 6

export class DynamoDbOutreachReservations implements OutreachReservations {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<unknown> = wait,
  ) {}

  async reservationsOf(recipientKeys: readonly string[]): Promise<ReadonlyMap<string, OutreachReservation>> {
    const recipientByPk = new Map(recipientKeys.map((key) => [ledgerKey(key), key]))
    const found = new Map<string, OutreachReservation>()
    await mapConcurrently(chunksOf([...recipientByPk.keys()], KEYS_PER_CALL), CALLS_IN_FLIGHT, async (chunk) => {
      for (const item of await this.getAll(chunk)) {
        const recipient = recipientByPk.get(item.pk as string)
        if (recipient !== undefined) found.set(recipient, { reservedAt: item.reservedAt as number, dedupeKey: item.dedupeKey as string })
      }
    })
    return found
  }

  private async getAll(pks: readonly string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = []
    let keys: Record<string, unknown>[] = pks.map((pk) => ({ pk }))
    for (let round = 0; keys.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`outreach ledger: ${keys.length} keys still unprocessed after ${MAX_ROUNDS} BatchGetItem rounds (throttled); will retry`)
      if (round > 0) await this.sleep(Math.min(1_000, 50 * 2 ** round))
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: { Keys: keys, ProjectionExpression: '#pk, #reservedAt, #dedupeKey', ExpressionAttributeNames: { '#pk': 'pk', '#reservedAt': 'reservedAt', '#dedupeKey': 'dedupeKey' } },
          },
        }),
      )
      items.push(...(Responses?.[this.tableName] ?? []))
      keys = UnprocessedKeys?.[this.tableName]?.Keys ?? []
    }
    return items
  }
}
