/**
 * The sent-message records in the state table: `sent#<sha256(customerKey)>`, the latest message sent to a customer
 * (ids, channel, time; its reply and who served it), and `thread#<genesysConversationId>`, which names the
 * `sent#` item of the agentless conversation a message went out in. Kept apart from the outreach ledger
 * (`cap#…`), whose reservation is made before sending and may never be followed by a send.
 * Both expire REPLY_WINDOW_HOURS (plus an hour) after the send: a reply later than that is not a reply.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { CHANNELS, type Channel } from '../domain/model.ts'
import type { SentMessageLog, SentMessageRecords, StoredSentMessage } from '../domain/ports.ts'
import type { ReplyMark, SentMessage, ServedMark } from '../domain/replies.ts'
import { HOUR } from '../domain/time.ts'
import { hashRecipientKey, isConditionalCheckFailed } from './dynamodb-state.ts'

export const sentKey = (customerKey: string): string => `sent#${hashRecipientKey(customerKey)}`
export const threadKey = (conversationId: string): string => `thread#${conversationId.toLowerCase()}`

type Item = Record<string, unknown>

function toMessage(item: Item): StoredSentMessage | undefined {
  const { pk, dedupeKey, agentId, channel, sentAt } = item
  if (typeof pk !== 'string' || typeof dedupeKey !== 'string' || typeof agentId !== 'string' || typeof sentAt !== 'number') return undefined
  if (!CHANNELS.includes(channel as Channel)) return undefined
  return {
    ref: pk,
    dedupeKey,
    agentId,
    channel: channel as Channel,
    sentAt,
    ...(typeof item.queueId === 'string' ? { queueId: item.queueId } : {}),
    ...(typeof item.genesysConversationId === 'string' ? { genesysConversationId: item.genesysConversationId } : {}),
    ...(item.answer && typeof item.answer === 'object' ? { answer: item.answer as ReplyMark } : {}),
    ...(item.served && typeof item.served === 'object' ? { served: item.served as ServedMark } : {}),
  }
}

export class DynamoDbSentMessages implements SentMessageLog, SentMessageRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** REPLY_WINDOW_HOURS in ms: how long the records are kept after the send. */
    private readonly replyWindowMs: number,
  ) {}

  async recordSent(recipientKey: string, message: SentMessage): Promise<void> {
    const pk = sentKey(recipientKey)
    const expiresAt = Math.ceil((message.sentAt + this.replyWindowMs + HOUR) / 1000)
    const { answer: _answer, served: _served, ...sent } = message
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, ...sent, expiresAt },
          // A newer message stays the latest; a second write of this one keeps its reply marks.
          ConditionExpression: 'attribute_not_exists(pk) OR (sentAt < :sentAt AND dedupeKey <> :dedupeKey)',
          ExpressionAttributeValues: { ':sentAt': message.sentAt, ':dedupeKey': message.dedupeKey },
        }),
      )
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error
    }
    if (message.genesysConversationId) {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: threadKey(message.genesysConversationId), sentPk: pk, dedupeKey: message.dedupeKey, expiresAt } }))
    }
  }

  async latestFor(lookup: { readonly conversationId?: string; readonly customerKey?: string }): Promise<StoredSentMessage | undefined> {
    if (lookup.conversationId) {
      const thread = await this.get(threadKey(lookup.conversationId))
      if (typeof thread?.sentPk === 'string') {
        const message = await this.get(thread.sentPk)
        if (message) return toMessage(message)
      }
    }
    if (!lookup.customerKey) return undefined
    const item = await this.get(sentKey(lookup.customerKey))
    return item ? toMessage(item) : undefined
  }

  markAnswered(message: StoredSentMessage, answer: ReplyMark): Promise<boolean> {
    return this.mark(message, 'SET answer = :mark', 'attribute_not_exists(answer) OR answer.eventId = :eventId', { ':mark': answer, ':eventId': answer.eventId })
  }

  markServed(message: StoredSentMessage, served: ServedMark): Promise<boolean> {
    return this.mark(message, 'SET served = :mark', 'attribute_exists(answer) AND (attribute_not_exists(served) OR served.eventId = :eventId)', {
      ':mark': served,
      ':eventId': served.eventId,
    })
  }

  private async mark(message: StoredSentMessage, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: message.ref },
          UpdateExpression: update,
          // The record still holds this message (a newer send replaces it), and the mark is this event's or unset.
          ConditionExpression: `dedupeKey = :dedupeKey AND (${condition})`,
          ExpressionAttributeValues: { ':dedupeKey': message.dedupeKey, ...values },
        }),
      )
      return true
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false
      throw error
    }
  }

  private async get(pk: string): Promise<Item | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }))
    return Item
  }
}
