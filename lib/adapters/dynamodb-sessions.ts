/**
 * Sessions in DynamoDB (`TABLES.sessions`): one item per conversation, compare-and-set on `version`,
 * open candidates read in priority order from the sparse `openByAgent` / `openByQueue` indexes, a customer's
 * sessions from `byCustomer` (never a Scan).
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { AgentLink, Channel, CustomerAddress, Session } from '../domain/model.ts'
import type { SessionRepository, WriteResult } from '../domain/ports.ts'
import { TABLES } from '../topology.ts'
import { isOpenCandidate, openRankOf, openRankRanges, type CandidatePartition } from '../domain/open-candidates.ts'
import { customerKey } from '../domain/address.ts'
import { hashRecipientKey, putVersioned } from './dynamodb-state.ts'

const layout = TABLES.sessions

export interface SessionRepositoryOptions {
  /** Items per Query page; DynamoDB's own 1 MB page limit applies when unset. For tests of pagination. */
  readonly pageSize?: number
}

type Item = Record<string, unknown>

/** The item stored for a session (also what the bench loads straight into the table). */
export function sessionItem(session: Session): Item {
  const open = isOpenCandidate(session)
  return {
    conversationId: session.conversationId,
    channel: session.channel,
    customer: session.customer,
    // Index key attributes cannot be empty strings; absent keeps the session out of that (sparse) index.
    queueId: session.queueId || undefined,
    lastAgentId: session.lastAgentId || undefined,
    // The hashed customer key (as the cap ledger hashes it): the raw address is never an index key.
    customerKeyHash: session.customer ? hashRecipientKey(customerKey(session.customer)) : undefined,
    // The sparse open-candidate indexes: present only while the session is open (and has that agent or queue).
    openAgentId: open ? session.lastAgentId || undefined : undefined,
    openQueueId: open ? session.queueId || undefined : undefined,
    openRank: open ? openRankOf(session) : undefined,
    agents: session.agents,
    lastActiveAt: session.lastActiveAt,
    customerEndedAt: session.customerEndedAt,
    wrapupCodes: session.wrapupCodes,
    expiresAt: session.expiresAt,
  }
}

function toSession(item: Item): Session {
  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>))
  return {
    conversationId: item.conversationId as string,
    ...optional('channel', item.channel as Channel | undefined),
    ...optional('customer', item.customer as CustomerAddress | undefined),
    ...optional('queueId', item.queueId as string | undefined),
    ...optional('lastAgentId', item.lastAgentId as string | undefined),
    agents: (item.agents ?? {}) as Record<string, AgentLink>,
    lastActiveAt: item.lastActiveAt as number,
    ...optional('customerEndedAt', item.customerEndedAt as number | undefined),
    ...optional('wrapupCodes', item.wrapupCodes as string[] | undefined),
    expiresAt: item.expiresAt as number,
    ...optional('version', item.version as number | undefined),
  }
}

export class DynamoDbSessionRepository implements SessionRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: SessionRepositoryOptions = {},
  ) {}

  async get(conversationId: string): Promise<Session | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [layout.partitionKey]: conversationId }, ConsistentRead: true }))
    return Item ? toSession(Item) : undefined
  }

  put(next: Session): Promise<WriteResult> {
    return putVersioned(this.client, this.tableName, layout.partitionKey, sessionItem(next), next.version)
  }

  async *openCandidates(partition: CandidatePartition, from: number, to: number, pageSize: number): AsyncIterable<Session> {
    const [indexName, key] = 'agentId' in partition ? (['openByAgent', partition.agentId] as const) : (['openByQueue', partition.queueId] as const)
    if (key === '') return
    const index = layout.indexes[indexName]
    for (const range of openRankRanges(from, to)) {
      let exclusiveStartKey: Item | undefined
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: indexName,
            KeyConditionExpression: '#pk = :p AND #rank BETWEEN :low AND :high',
            ExpressionAttributeNames: { '#pk': index.partitionKey, '#rank': index.sortKey },
            ExpressionAttributeValues: { ':p': key, ':low': range.low, ':high': range.high },
            ExclusiveStartKey: exclusiveStartKey,
            Limit: this.options.pageSize ?? pageSize,
          }),
        )
        for (const item of page.Items ?? []) yield toSession(item)
        exclusiveStartKey = page.LastEvaluatedKey
      } while (exclusiveStartKey)
    }
  }

  findByCustomer(key: string, from: number): Promise<Session[]> {
    return this.queryWindow('byCustomer', hashRecipientKey(key), from, Number.MAX_SAFE_INTEGER)
  }

  private async queryWindow(indexName: keyof typeof layout.indexes, key: string, from: number, to: number): Promise<Session[]> {
    // DynamoDB rejects BETWEEN with bounds out of order (and empty key values); both can only match nothing.
    if (from > to || key === '') return []
    const index = layout.indexes[indexName]
    const sessions: Session[] = []
    let exclusiveStartKey: Item | undefined
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :p AND #t BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#t': index.sortKey },
          ExpressionAttributeValues: { ':p': key, ':from': from, ':to': to },
          ExclusiveStartKey: exclusiveStartKey,
          Limit: this.options.pageSize,
        }),
      )
      for (const item of page.Items ?? []) sessions.push(toSession(item))
      exclusiveStartKey = page.LastEvaluatedKey
    } while (exclusiveStartKey)
    return sessions
  }
}
