/**
 * What the tables hold about one customer or conversation, for `proactive why`: the sessions recorded, the 24 h
 * cap reservation (`cap#<hash>`) and the delivery ledger entry it points to (`delivery#<dedupeKey>`). Reading
 * only; the wording is in explain-why.ts.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { customerKey } from '#lib/domain/address.ts'
import type { Channel, Session } from '#lib/domain/model.ts'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { capKey } from '#lib/adapters/dynamodb-cap-ledger.ts'
import { DynamoDbOptOutList } from '#lib/adapters/dynamodb-opt-out-list.ts'
import { genesysIdsOf } from '#lib/adapters/dynamodb-delivery-ledger.ts'
import type { GenesysMessageIds } from '#lib/domain/ports.ts'

export type WhyQuery = { readonly conversationId: string } | { readonly channel: Channel; readonly address: string }

export interface CapReservation {
  readonly reservedAt: number
  /** Epoch seconds (DynamoDB TTL): when the customer may be messaged again. */
  readonly expiresAt: number
  readonly dedupeKey: string
}

export interface LedgerEntry {
  readonly status: string
  readonly reason?: string
  /** What Genesys returned for the sent message (or a look-up found): ids only. */
  readonly genesys?: GenesysMessageIds
}

export interface WhyRecords {
  readonly sessions: readonly Session[]
  /** Asked by conversation: the customer's other conversations (one of them may keep the customer busy). */
  readonly otherConversations?: readonly Session[]
  readonly cap?: CapReservation
  readonly ledger?: LedgerEntry
  /** On the opt-out list (`optout#…`); undefined when the customer is not known. */
  readonly optedOut?: boolean
}

export interface WhyTables {
  readonly client: DynamoDBDocumentClient
  readonly sessionsTable: string
  readonly stateTable: string
}

function keyOf(query: WhyQuery, sessions: readonly Session[]): string | undefined {
  if ('channel' in query) {
    const customer = query.channel === 'webmessaging' ? { channel: query.channel, externalContactId: query.address } : { channel: query.channel, address: query.address }
    return customerKey(customer)
  }
  const customer = sessions[0]?.customer
  return customer ? customerKey(customer) : undefined
}

export async function readWhyRecords(tables: WhyTables, query: WhyQuery): Promise<WhyRecords> {
  const repository = new DynamoDbSessionRepository(tables.client, tables.sessionsTable)
  let sessions: Session[]
  if ('conversationId' in query) {
    const session = await repository.get(query.conversationId.toLowerCase())
    sessions = session ? [session] : []
  } else {
    sessions = await repository.findByCustomer(keyOf(query, []) as string, 0)
  }
  const key = keyOf(query, sessions)
  if (key === undefined) return { sessions }
  if ('conversationId' in query) {
    const asked = new Set(sessions.map((session) => session.conversationId))
    const otherConversations = (await repository.findByCustomer(key, 0)).filter((session) => !asked.has(session.conversationId))
    return { ...(await customerRecords(tables, key, sessions)), ...(otherConversations.length > 0 ? { otherConversations } : {}) }
  }
  return customerRecords(tables, key, sessions)
}

async function customerRecords(tables: WhyTables, key: string, sessions: readonly Session[]): Promise<WhyRecords> {
  const optedOut = (await new DynamoDbOptOutList(tables.client, tables.stateTable).optOutsOf([key])).has(key)
  const { Item: capItem } = await tables.client.send(new GetCommand({ TableName: tables.stateTable, Key: { pk: capKey(key) }, ConsistentRead: true }))
  if (!capItem) return { sessions, optedOut }
  const cap: CapReservation = { reservedAt: Number(capItem.reservedAt), expiresAt: Number(capItem.expiresAt), dedupeKey: String(capItem.dedupeKey) }
  const { Item: ledgerItem } = await tables.client.send(new GetCommand({ TableName: tables.stateTable, Key: { pk: `delivery#${cap.dedupeKey}` }, ConsistentRead: true }))
  const genesys = ledgerItem ? genesysIdsOf(ledgerItem) : undefined
  const ledger = ledgerItem ? { status: String(ledgerItem.status), ...(typeof ledgerItem.reason === 'string' ? { reason: ledgerItem.reason } : {}), ...(genesys ? { genesys } : {}) } : undefined
  return { sessions, cap, optedOut, ...(ledger ? { ledger } : {}) }
}
