/**
 * reply-routing: the HTTPS look-up (Lambda function URL) a Genesys data action calls from the inbound message flow.
 * POST `{ conversationId?, channel?, address?, externalContactId? }` → 200 `{ preferredAgentId, messagedAt }` of
 * the latest proactive message to that customer within the reply window, 404 otherwise, 400 naming a bad field,
 * 401 for wrong or missing credentials. Wiring only: the use case is lib/reply-routing/route-reply.ts.
 */
import middy from '@middy/core'
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware'
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda'
import { createAwsClients } from '#lib/adapters/aws-clients.ts'
import { DynamoDbSentMessages } from '#lib/adapters/dynamodb-sent-messages.ts'
import { keyMatches, presentedKey, secretsManagerSecret, type SharedSecretSource } from '#lib/adapters/shared-secret.ts'
import { loadConfig, replyRoutingConfigSchema } from '#lib/config.ts'
import { systemClock } from '#lib/domain/ports.ts'
import { HOUR } from '#lib/domain/time.ts'
import { SERVICE_NAMES } from '#lib/metrics-names.ts'
import { routeReply } from '#lib/reply-routing/route-reply.ts'
import { createObservability } from '../shared/observability.ts'
import type { Env, HandlerOverrides } from '../shared/wiring.ts'

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>

export interface ReplyRoutingOverrides extends HandlerOverrides {
  /** The shared key; by default read from Secrets Manager (REPLY_ROUTING_SECRET_ARN). */
  readonly routingKey?: SharedSecretSource
}

export function createReplyRoutingHandler(env: Env = process.env, overrides: ReplyRoutingOverrides = {}): HttpHandler {
  const config = loadConfig('reply-routing', replyRoutingConfigSchema, env)
  const observability = createObservability(SERVICE_NAMES.replyRouting, overrides.telemetry)
  const aws = createAwsClients(config)
  const clock = overrides.clock ?? systemClock
  const windowMs = config.REPLY_WINDOW_HOURS * HOUR
  const key = overrides.routingKey ?? (config.REPLY_ROUTING_SECRET_ARN ? secretsManagerSecret(aws.secretsManager, config.REPLY_ROUTING_SECRET_ARN, systemClock) : undefined)
  if (!key) throw new Error('reply-routing: REPLY_ROUTING_SECRET_ARN is not set: the look-up would have no credential to check')
  const deps = {
    records: new DynamoDbSentMessages(aws.dynamo, config.STATE_TABLE_NAME, windowMs),
    authenticate: async (headers: Readonly<Record<string, string | undefined>>) => keyMatches(presentedKey(headers), await key.get()),
    clock,
    log: observability.log,
    telemetry: observability.telemetry,
  }

  const handle = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]))
    const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body
    const response = await routeReply({ method: event.requestContext?.http?.method ?? 'POST', headers, body }, deps, windowMs)
    return { statusCode: response.statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(response.body) }
  }
  return middy(handle)
    .use(injectLambdaContext(observability.logger, { resetKeys: true }))
    .use(logMetrics(observability.metrics)) as unknown as HttpHandler
}

let instance: HttpHandler | undefined
export const handler: HttpHandler = (event, context) => {
  instance ??= createReplyRoutingHandler()
  return instance(event, context)
}
