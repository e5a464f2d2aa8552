/**
 * The state table (`TABLES.state`, key `pk`): agent state (`agent#<agentId>`, presence), the key hash
 * every customer-keyed item uses, and the compare-and-set write the repositories share. The cap ledger
 * (`cap#…`) is in dynamodb-cap-ledger.ts.
 */
import { createHash } from 'node:crypto'
import { GetCommand, PutCommand, type DynamoDBDocumentClient, type PutCommandInput } from '@aws-sdk/lib-dynamodb'
import type { AgentFact, AgentState, MessageRequest, PendingFanOut } from '../domain/model.ts'
import type { AgentStateRepository, WriteResult } from '../domain/ports.ts'

export function isConditionalCheckFailed(error: unknown): boolean {
  // By name rather than instanceof: a bundle can hold more than one copy of the SDK's error classes.
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException'
}

/**
 * Writes `item` with `version = expectedVersion + 1` if the stored `version` still equals `expectedVersion`;
 * with no expected version the item must not exist yet.
 */
export async function putVersioned(client: DynamoDBDocumentClient, tableName: string, keyAttribute: string, item: Record<string, unknown>, expectedVersion: number | undefined): Promise<WriteResult> {
  const condition: Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
    expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': keyAttribute } }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }
  try {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...item, version: (expectedVersion ?? 0) + 1 }, ...condition }))
    return 'written'
  } catch (error) {
    if (isConditionalCheckFailed(error)) return 'conflict'
    throw error
  }
}

const isFact = (value: unknown): value is AgentFact => typeof value === 'object' && value !== null && typeof (value as AgentFact).status === 'string' && typeof (value as AgentFact).at === 'number'

const agentKey = (agentId: string): string => `agent#${agentId}`

/** The outbox as stored (written only by this adapter): a trigger id and a list of requests. */
function pendingOf(value: unknown): PendingFanOut | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { triggerEventId, requests } = value as { triggerEventId?: unknown; requests?: unknown }
  if (typeof triggerEventId !== 'string' || !Array.isArray(requests)) return undefined
  return { triggerEventId, requests: requests as MessageRequest[] }
}

export class DynamoDbAgentStateRepository implements AgentStateRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(agentId: string): Promise<AgentState | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: agentKey(agentId) }, ConsistentRead: true }))
    if (!Item) return undefined
    return {
      agentId: Item.agentId as string,
      observedAt: Item.observedAt as number,
      ...(isFact(Item.presence) ? { presence: Item.presence } : {}),
      ...(isFact(Item.routing) ? { routing: Item.routing } : {}),
      ...(Item.lastTriggeredAt !== undefined ? { lastTriggeredAt: Item.lastTriggeredAt as number } : {}),
      ...(pendingOf(Item.pending) ? { pending: pendingOf(Item.pending) } : {}),
      ...(Item.version !== undefined ? { version: Item.version as number } : {}),
    }
  }

  put(next: AgentState): Promise<WriteResult> {
    const item = {
      pk: agentKey(next.agentId),
      agentId: next.agentId,
      observedAt: next.observedAt,
      presence: next.presence,
      routing: next.routing,
      lastTriggeredAt: next.lastTriggeredAt,
      // A whole-item put: a state without an outbox removes the stored one.
      pending: next.pending ? { triggerEventId: next.pending.triggerEventId, requests: next.pending.requests } : undefined,
    }
    return putVersioned(this.client, this.tableName, 'pk', item, next.version)
  }
}

/**
 * Recipient keys hold personal data (phone numbers, WhatsApp ids), so the ledger stores only their SHA-256.
 * That keeps raw numbers out of the table, its backups and its streams. It is pseudonymisation, not
 * anonymisation: a phone number's hash can be found by brute force, so treat the table as personal data still.
 */
export function hashRecipientKey(recipientKey: string): string {
  return createHash('sha256').update(recipientKey, 'utf8').digest('hex')
}

/** A customer's item on the opt-out list: the customer key hashed, as in the cap ledger. */
export const optOutItemKey = (customerKey: string): string => `optout#${hashRecipientKey(customerKey)}`
/** The prefix of every opt-out list item (`proactive suppress list` scans for it). */
export const OPT_OUT_PREFIX = 'optout#'
