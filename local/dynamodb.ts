/**
 * The local DynamoDB: dynalite in memory on 127.0.0.1 (in its own thread), and the two tables created from `TABLES`.
 * dynalite has no UpdateTimeToLive and no transactions, so TTL is not enabled locally (items never expire
 * by themselves here) and nothing in the adapters uses transactions.
 */
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, ListTablesCommand, type AttributeDefinition, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { TABLES, type IndexLayout } from '#lib/topology.ts'
import { type LocalService, startServiceThread } from './service-thread.ts'

export type LocalDynamo = LocalService

/** dynalite in a worker thread of its own (local/service-thread.ts). */
export function startLocalDynamo(): Promise<LocalDynamo> {
  return startServiceThread('dynalite')
}

interface TableLayout {
  readonly partitionKey: string
  readonly indexes: Readonly<Record<string, IndexLayout>>
}

export function createTableInput(tableName: string, layout: TableLayout): CreateTableCommandInput {
  const indexes = Object.entries(layout.indexes)
  // The table's and the indexes' partition keys are Strings; each sort key has the type its index declares.
  const types = new Map<string, 'S' | 'N'>([[layout.partitionKey, 'S']])
  for (const [, index] of indexes) {
    types.set(index.partitionKey, 'S')
    types.set(index.sortKey, index.sortKeyType === 'number' ? 'N' : 'S')
  }
  const attributeDefinitions: AttributeDefinition[] = [...types].map(([name, type]) => ({ AttributeName: name, AttributeType: type }))
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions,
    KeySchema: [{ AttributeName: layout.partitionKey, KeyType: 'HASH' }],
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map(([indexName, index]) => ({
            IndexName: indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  }
}

/** Creates both tables (an existing table is left as it is) and waits until they are ACTIVE. */
export async function createTables(client: DynamoDBClient, names: { sessions: string; state: string }): Promise<void> {
  const tables: [string, TableLayout][] = [
    [names.sessions, TABLES.sessions],
    [names.state, TABLES.state],
  ]
  for (const [tableName, layout] of tables) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName, layout)))
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ResourceInUseException') throw error
    }
    await waitUntilActive(client, tableName)
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`table ${tableName} did not become ACTIVE`)
}

/** Deletes every table and waits until each is gone. */
export async function deleteTables(client: DynamoDBClient): Promise<void> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}))
  await Promise.all(TableNames.map((TableName) => client.send(new DeleteTableCommand({ TableName }))))
  for (const tableName of TableNames) await waitUntilGone(client, tableName)
}

async function waitUntilGone(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }))
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return
      throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`table ${tableName} was not deleted`)
}
