/**
 * The operators' side of the opt-out list (`proactive suppress add|remove|list|import`): items
 * `optout#<sha256(customerKey)>` in the state table with the channel and when they were added. No address is
 * stored, so `list` can show only hashes. The functions only read these items.
 */
import { BatchWriteCommand, DeleteCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import { chunksOf } from '../concurrency.ts'
import type { Channel } from '../domain/model.ts'
import type { OptOut } from '../domain/opt-outs.ts'
import { DynamoDbOptOutList } from './dynamodb-opt-out-list.ts'
import { isConditionalCheckFailed, OPT_OUT_PREFIX, optOutItemKey } from './dynamodb-state.ts'

/** One customer on the list, as stored. */
export interface OptOutEntry {
  /** SHA-256 of the customer key (hex). */
  readonly hash: string
  readonly channel: string
  readonly addedAt: number
}

/** BatchWriteItem's limit. */
const ITEMS_PER_WRITE = 25
const MAX_ROUNDS = 8

export class DynamoDbOptOutAdmin {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<unknown> = wait,
  ) {}

  /** Adds the customer unless already on the list; an existing entry keeps its date. */
  async add(channel: Channel, customerKey: string, addedAt: number): Promise<{ readonly added: true } | { readonly added: false; readonly since: number }> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: optOutItemKey(customerKey), channel, addedAt }, ConditionExpression: 'attribute_not_exists(pk)' }))
      return { added: true }
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error
      const existing = (await new DynamoDbOptOutList(this.client, this.tableName).optOutsOf([customerKey])).get(customerKey)
      return { added: false, since: existing?.since ?? 0 }
    }
  }

  /** Takes the customer off the list; `since` when they were on it. */
  async remove(customerKey: string): Promise<OptOut | undefined> {
    const { Attributes } = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: optOutItemKey(customerKey) }, ReturnValues: 'ALL_OLD' }))
    return Attributes ? { since: Number(Attributes.addedAt) || 0 } : undefined
  }

  /** Every entry, oldest first. A Scan of the state table (filtered to `optout#`): its cost grows with the table. */
  async list(): Promise<OptOutEntry[]> {
    const entries: OptOutEntry[] = []
    let start: Record<string, unknown> | undefined
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#pk, :prefix)',
          ProjectionExpression: '#pk, #channel, #addedAt',
          ExpressionAttributeNames: { '#pk': 'pk', '#channel': 'channel', '#addedAt': 'addedAt' },
          ExpressionAttributeValues: { ':prefix': OPT_OUT_PREFIX },
          ExclusiveStartKey: start,
        }),
      )
      for (const item of page.Items ?? []) {
        entries.push({ hash: String(item.pk).slice(OPT_OUT_PREFIX.length), channel: String(item.channel ?? ''), addedAt: Number(item.addedAt) || 0 })
      }
      start = page.LastEvaluatedKey
    } while (start)
    return entries.sort((a, b) => a.addedAt - b.addedAt || a.hash.localeCompare(b.hash))
  }

  /**
   * Adds many customers (an import): those already on the list keep their date and are counted apart. Written
   * 25 a call; `onProgress` after each call with how many of the new ones are written. Throws (after retrying
   * throttled writes) with how many were written, so a rerun finishes the job: adding is idempotent.
   */
  async addMany(
    entries: readonly { readonly channel: Channel; readonly key: string }[],
    addedAt: number,
    onProgress: (written: number, total: number) => void = () => {},
  ): Promise<{ readonly added: number; readonly alreadyListed: number }> {
    const unique = [...new Map(entries.map((entry) => [entry.key, entry])).values()]
    const listed = await new DynamoDbOptOutList(this.client, this.tableName, this.sleep).optOutsOf(unique.map((entry) => entry.key))
    const fresh = unique.filter((entry) => !listed.has(entry.key))
    let written = 0
    try {
      for (const chunk of chunksOf(fresh, ITEMS_PER_WRITE)) {
        await this.writeAll(chunk.map((entry) => ({ PutRequest: { Item: { pk: optOutItemKey(entry.key), channel: entry.channel, addedAt } } })))
        written += chunk.length
        onProgress(written, fresh.length)
      }
    } catch (error) {
      throw new Error(`opt-out list: ${written} of ${fresh.length} new entries written, then: ${(error as Error).message}. Run the import again to finish (adding is idempotent)`)
    }
    return { added: fresh.length, alreadyListed: unique.length - fresh.length }
  }

  private async writeAll(requests: Record<string, unknown>[]): Promise<void> {
    let pending = requests
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`${pending.length} writes still unprocessed after ${MAX_ROUNDS} BatchWriteItem rounds (throttled)`)
      if (round > 0) await this.sleep(Math.min(2_000, 50 * 2 ** round))
      const { UnprocessedItems } = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }))
      pending = (UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined) ?? []
    }
  }
}
