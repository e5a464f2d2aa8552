/**
 * The send side's delivery ledger in the state table: `delivery#<dedupeKey>` with `status` in-flight | sent |
 * retryable | dead-lettered. Powertools idempotency was the first choice, but its in-progress records expire and
 * the call runs again, which is a duplicate message when the worker died after Genesys accepted. Here an
 * attempt that never finished is reported as such and left for an operator.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { DeliveryLedger, DeliveryState, GenesysMessageIds, UnknownOutcomeLedger } from '../domain/ports.ts'
import { isConditionalCheckFailed } from './dynamodb-state.ts'

const deliveryKey = (dedupeKey: string): string => `delivery#${dedupeKey}`

export class DynamoDbDeliveryLedger implements DeliveryLedger, UnknownOutcomeLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long a record is kept: longer than a request can live (max delay) plus redrive time. */
    private readonly retentionMs: number = 7 * 86_400_000,
  ) {}

  async begin(dedupeKey: string, now: number, options: { attempt?: string; redriveOf?: string } = {}): Promise<'started' | DeliveryState> {
    // A dead-lettered request restarts only for the redrive of its own dead letter (attemptMessageId: the message
    // whose attempt dead-lettered it, which the dead letter carries as sourceMessageId).
    const ownDeadLetter = '(#status = :deadLettered AND attemptMessageId = :redriveOf)'
    const restartable = options.redriveOf ? `(#status = :retryable OR ${ownDeadLetter})` : '#status = :retryable'
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: deliveryKey(dedupeKey), status: 'in-flight', startedAt: now, expiresAt: this.expiry(now), ...(options.attempt ? { attemptMessageId: options.attempt } : {}) },
          ConditionExpression: `attribute_not_exists(pk) OR ${restartable}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':retryable': 'retryable', ...(options.redriveOf ? { ':deadLettered': 'dead-lettered', ':redriveOf': options.redriveOf } : {}) },
        }),
      )
      return 'started'
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error
    }
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: deliveryKey(dedupeKey) }, ConsistentRead: true }))
    if (Item?.status === 'sent' || Item?.status === 'dead-lettered') {
      const genesys = genesysIdsOf(Item)
      return { state: Item.status, notified: Item.notified === true, ...(typeof Item.reason === 'string' ? { reason: Item.reason } : {}), ...(genesys ? { genesys } : {}) }
    }
    return { state: 'in-flight', startedAt: typeof Item?.startedAt === 'number' ? Item.startedAt : 0 }
  }

  async finish(dedupeKey: string, outcome: 'sent' | 'retryable' | 'dead-lettered', now: number, reason?: string, genesys?: GenesysMessageIds): Promise<void> {
    await this.update(dedupeKey, outcome, now, reason, genesys)
  }

  async read(dedupeKey: string): Promise<{ status: string; reason?: string; notified: boolean } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: deliveryKey(dedupeKey) }, ConsistentRead: true }))
    if (!Item) return undefined
    return { status: String(Item.status), ...(typeof Item.reason === 'string' ? { reason: Item.reason } : {}), notified: Item.notified === true }
  }

  recover(dedupeKey: string, genesys: GenesysMessageIds, now: number): Promise<boolean> {
    return this.whileUnknown(() => this.update(dedupeKey, 'sent', now, undefined, genesys, true))
  }

  reopen(dedupeKey: string, now: number): Promise<boolean> {
    return this.whileUnknown(() => this.update(dedupeKey, 'retryable', now, undefined, undefined, true))
  }

  /** Only a record still dead-lettered as outcome-unknown (the look-up's) changes; false when another writer got there first. */
  private async whileUnknown(write: () => Promise<void>): Promise<boolean> {
    try {
      await write()
      return true
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false
      throw error
    }
  }

  private async update(dedupeKey: string, outcome: 'sent' | 'retryable' | 'dead-lettered', now: number, reason?: string, genesys?: GenesysMessageIds, onlyIfUnknown = false): Promise<void> {
    const ids = Object.entries({ genesysConversationId: genesys?.conversationId, genesysMessageId: genesys?.messageId, recoveredBy: genesys?.recoveredBy }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    )
    const set = ['#status = :status', 'finishedAt = :now', 'expiresAt = :expiresAt', 'notified = :false', ...(reason ? ['reason = :reason'] : []), ...ids.map(([name]) => `${name} = :${name}`)]
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: deliveryKey(dedupeKey) },
        UpdateExpression: `SET ${set.join(', ')}${reason ? '' : ' REMOVE reason'}`,
        ...(onlyIfUnknown ? { ConditionExpression: '#status = :deadLettered AND reason = :unknown' } : {}),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ...(onlyIfUnknown ? { ':deadLettered': 'dead-lettered', ':unknown': 'outcome-unknown' } : {}),
          ':status': outcome,
          ':now': now,
          ':expiresAt': this.expiry(now),
          ':false': false,
          ...(reason ? { ':reason': reason } : {}),
          ...Object.fromEntries(ids.map(([name, value]) => [`:${name}`, value])),
        },
      }),
    )
  }

  async markNotified(dedupeKey: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: { pk: deliveryKey(dedupeKey) }, UpdateExpression: 'SET notified = :true', ExpressionAttributeValues: { ':true': true } }),
    )
  }

  private expiry(now: number): number {
    return Math.ceil((now + this.retentionMs) / 1000)
  }
}

/** The Genesys ids a ledger item keeps (sent messages), if any. */
export function genesysIdsOf(item: Record<string, unknown>): GenesysMessageIds | undefined {
  const conversationId = typeof item.genesysConversationId === 'string' ? item.genesysConversationId : undefined
  const messageId = typeof item.genesysMessageId === 'string' ? item.genesysMessageId : undefined
  if (!conversationId && !messageId) return undefined
  return { ...(conversationId ? { conversationId } : {}), ...(messageId ? { messageId } : {}), ...(item.recoveredBy === 'lookup' ? { recoveredBy: 'lookup' as const } : {}) }
}
