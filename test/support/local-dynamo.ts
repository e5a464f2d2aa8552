/** A dynalite with the project's tables for one test file: started before its tests, closed after. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll } from 'vitest'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { createTables, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb.ts'

export interface LocalTables {
  /** The document client the adapters use. */
  readonly dynamo: DynamoDBDocumentClient
  /** A plain client, for raw reads. */
  readonly raw: DynamoDBClient
}

export function useLocalDynamo(tables: { sessions: string; state: string }): LocalTables {
  let local: LocalDynamo | undefined
  const handle = {} as { dynamo: DynamoDBDocumentClient; raw: DynamoDBClient }
  beforeAll(async () => {
    local = await startLocalDynamo()
    handle.raw = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1' })
    await createTables(handle.raw, tables)
    handle.dynamo = createAwsClients({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: local.endpoint }).dynamo
  })
  afterAll(async () => {
    handle.dynamo?.destroy()
    handle.raw?.destroy()
    await local?.close()
  })
  return {
    get dynamo() {
      return handle.dynamo
    },
    get raw() {
      return handle.raw
    },
  }
}
