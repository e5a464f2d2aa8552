/**
 * Reads many state-table items by `pk` with BatchGetItem: 100 keys a call, a few calls in flight, and the keys
 * DynamoDB leaves unprocessed (throttling) retried with backoff; after that the caller's record is retried whole.
 * Shared by the read-only lookups presence makes per fan-out (cap reservations, the opt-out list).
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { setTimeout as wait } from 'node:timers/promises'
import { chunksOf, mapConcurrently } from '../concurrency.ts'

/** BatchGetItem's limit. */
const KEYS_PER_CALL = 100
const CALLS_IN_FLIGHT = 8
/** Rounds for keys DynamoDB leaves unprocessed (throttling). */
const MAX_ROUNDS = 6

export interface BatchGetOptions {
  readonly client: DynamoDBDocumentClient
  readonly tableName: string
  /** Attributes to read besides `pk`. */
  readonly attributes: readonly string[]
  /** Names the item kind in the error when keys stay unprocessed. */
  readonly what: string
  readonly sleep?: (ms: number) => Promise<unknown>
}

/** The items found for these keys (in no particular order); keys with no item are absent. */
export async function batchGetItems(pks: readonly string[], options: BatchGetOptions): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = []
  await mapConcurrently(chunksOf([...new Set(pks)], KEYS_PER_CALL), CALLS_IN_FLIGHT, async (chunk) => {
    found.push(...(await getChunk(chunk, options)))
  })
  return found
}

async function getChunk(pks: readonly string[], { client, tableName, attributes, what, sleep = wait }: BatchGetOptions): Promise<Record<string, unknown>[]> {
  const names = Object.fromEntries(['pk', ...attributes].map((name) => [`#${name}`, name]))
  const items: Record<string, unknown>[] = []
  let keys: Record<string, unknown>[] = pks.map((pk) => ({ pk }))
  for (let round = 0; keys.length > 0; round++) {
    if (round === MAX_ROUNDS) throw new Error(`${what}: ${keys.length} keys still unprocessed after ${MAX_ROUNDS} BatchGetItem rounds (throttled); will retry`)
    if (round > 0) await sleep(Math.min(1_000, 50 * 2 ** round))
    const { Responses, UnprocessedKeys } = await client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } } }),
    )
    items.push(...(Responses?.[tableName] ?? []))
    keys = UnprocessedKeys?.[tableName]?.Keys ?? []
  }
  return items
}
