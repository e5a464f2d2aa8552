/**
 * AWS SDK clients for the handlers. `createAwsClients` builds each client on first use, so a cold start
 * only pays for the clients the function actually touches. Service endpoints come from the standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, read here explicitly so the local cloud works whatever the SDK
 * version supports.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

export interface AwsClients {
  readonly dynamo: DynamoDBDocumentClient
  readonly eventBridge: EventBridgeClient
  readonly sqs: SQSClient
  readonly secretsManager: SecretsManagerClient
}

/** The region and endpoint overrides, as every function's config schema reads them (lib/config.ts). */
export interface AwsEnvironment {
  readonly AWS_REGION?: string | undefined
  readonly AWS_ENDPOINT_URL_DYNAMODB?: string | undefined
  readonly AWS_ENDPOINT_URL_EVENTBRIDGE?: string | undefined
  readonly AWS_ENDPOINT_URL_SQS?: string | undefined
  readonly AWS_ENDPOINT_URL_SECRETS_MANAGER?: string | undefined
}

type Env = AwsEnvironment

export const ENDPOINT_VARIABLES = {
  dynamo: 'AWS_ENDPOINT_URL_DYNAMODB',
  eventBridge: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  secretsManager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
} as const satisfies Record<keyof AwsClients, string>

/** `{ region, endpoint }` without undefined keys, so the SDK's own defaults still apply. */
function clientConfig(env: Env, service: keyof AwsClients): { region?: string; endpoint?: string } {
  const region = env.AWS_REGION || undefined
  const endpoint = env[ENDPOINT_VARIABLES[service]] || undefined
  return { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) }
}

function lazy<T>(create: () => T): () => T {
  let instance: T | undefined
  return () => (instance ??= create())
}

// One factory per service as well, so a bundle that needs only one client can drop the other SDKs
// (the @aws-sdk client packages declare `sideEffects: false`).
export const createDynamoDocumentClient = (env: Env): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(env, 'dynamo')), {
    marshallOptions: { removeUndefinedValues: true },
  })
export const createEventBridgeClient = (env: Env): EventBridgeClient => new EventBridgeClient(clientConfig(env, 'eventBridge'))
export const createSqsClient = (env: Env): SQSClient => new SQSClient(clientConfig(env, 'sqs'))
export const createSecretsManagerClient = (env: Env): SecretsManagerClient => new SecretsManagerClient(clientConfig(env, 'secretsManager'))

export function createAwsClients(env: Env): AwsClients {
  const dynamo = lazy(() => createDynamoDocumentClient(env))
  const eventBridge = lazy(() => createEventBridgeClient(env))
  const sqs = lazy(() => createSqsClient(env))
  const secretsManager = lazy(() => createSecretsManagerClient(env))
  return {
    get dynamo() {
      return dynamo()
    },
    get eventBridge() {
      return eventBridge()
    },
    get sqs() {
      return sqs()
    },
    get secretsManager() {
      return secretsManager()
    },
  }
}
