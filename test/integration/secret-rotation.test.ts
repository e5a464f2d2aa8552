/**
 * Secrets rotate without a redeploy. The real send handler (createSendHandler, no credentials override: it reads
 * GENESYS_SECRET_ARN from Secrets Manager, mocked with aws-sdk-client-mock) sends through the Genesys simulator.
 * The operator rotates the client secret in Genesys and in Secrets Manager; the same handler instance picks up
 * the new secret on the next 401 (and after the cache TTL) and keeps sending. Neither secret nor any issued
 * access token appears in a log line, an outcome event or a dead letter, even when the rotation is half done.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs'
import type { SQSRecord } from 'aws-lambda'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSendHandler } from '#functions/send/index.ts'
import type { SqsHandler } from '#functions/shared/sqs-batch.ts'
import { METRIC_NAMES } from '#lib/metrics-names.ts'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { DynamoDbSessionRepository } from '#lib/adapters/dynamodb-sessions.ts'
import { LOCAL_NAMES, LocalCloud } from '../../local/cloud.ts'
import { sessionBacking } from '../support/recorded-sessions.ts'
import { startGenesysSimulator, type GenesysSimulator, type SimulatorClient } from '../../local/genesys-simulator/index.ts'
import { captureLogs, lambdaContext, MetricTally, type CapturedLogs } from '../fuzz/harness.ts'

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys-oauth-AbCdEf'
const CLIENT_ID = 'rotating-client'
const OLD_SECRET = 'old-secret-9Qh2vX7pLmN4tR8wK1zY'
const NEW_SECRET = 'new-secret-3Fj6bD0sGc5uV9eH2aT7'
const NOW = Date.UTC(2026, 10, 23, 12)

const secretString = (clientSecret: string) => JSON.stringify({ clientId: CLIENT_ID, clientSecret })

/** Forwards to the simulator and keeps every access token it issues, to look for them in the output. */
async function tokenRecordingProxy(target: string): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length')) as Record<string, string>
      const answer = await fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined })
      const text = await answer.text()
      if (req.url?.startsWith('/oauth/token') && answer.ok) tokens.push((JSON.parse(text) as { access_token: string }).access_token)
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
        ...(answer.headers.get('retry-after') ? { 'retry-after': answer.headers.get('retry-after')! } : {}),
      })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Send trusts only requests for a session it recorded, and leaves busy customers alone: each request gets an ended session first. */
async function recordedRequestBody(cloud: LocalCloud, n: number): Promise<string> {
  const body = requestBody(n)
  const detail = (JSON.parse(body) as { detail: Parameters<typeof sessionBacking>[0] }).detail
  await new DynamoDbSessionRepository(DynamoDBDocumentClient.from(cloud.dynamo), LOCAL_NAMES.sessionsTable).put({ ...sessionBacking(detail), customerEndedAt: detail.requestedAt })
  return body
}

function requestBody(n: number): string {
  const conversationId = randomUUID()
  const triggerEventId = randomUUID()
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    source: 'proactive-messaging',
    'detail-type': 'ProactiveMessageRequested',
    account: '000000000000',
    time: new Date(NOW).toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      dedupeKey: `${triggerEventId}:${conversationId}`,
      conversationId,
      customer: { channel: 'sms', address: `+1317555${String(1000 + n)}` },
      agentId: randomUUID(),
      scope: 'agent',
      requestedAt: NOW,
      triggerEventId,
    },
  })
}

describe('a rotated Genesys client secret is picked up without a redeploy', () => {
  const secrets = mockClient(SecretsManagerClient)
  const simulatorClients: Record<string, SimulatorClient> = { [CLIENT_ID]: { secret: OLD_SECRET } }
  let cloud: LocalCloud
  let sim: GenesysSimulator
  let proxy: Awaited<ReturnType<typeof tokenRecordingProxy>>
  let handler: SqsHandler
  let scratch: { url: string; arn: string }
  let logs: CapturedLogs
  const tally = new MetricTally()

  beforeAll(async () => {
    cloud = await LocalCloud.start({ logLevel: 'DEBUG' })
    // Mutable on purpose: rotating the secret "in Genesys" is replacing this entry.
    sim = await startGenesysSimulator({ clients: simulatorClients })
    proxy = await tokenRecordingProxy(sim.url)
    const created = await cloud.sqs.send(new CreateQueueCommand({ QueueName: 'rotation-scratch', Attributes: { VisibilityTimeout: '1' } }))
    const arn = (await cloud.sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? ''
    scratch = { url: created.QueueUrl ?? '', arn }
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString(OLD_SECRET) })
    handler = createSendHandler({ ...cloud.env, GENESYS_SECRET_ARN: SECRET_ARN, GENESYS_GATEWAY_URL: proxy.url }, { clock: { now: () => NOW }, telemetry: tally })
    logs = captureLogs()
  })

  afterAll(async () => {
    logs?.restore()
    secrets.restore()
    await proxy?.close()
    await sim?.close()
    await cloud?.close()
  })

  /** A real message on a scratch queue, so a retry (ChangeMessageVisibility) works as in Lambda. */
  async function send(n: number): Promise<{ failures: number }> {
    await cloud.sqs.send(new SendMessageCommand({ QueueUrl: scratch.url, MessageBody: await recordedRequestBody(cloud, n) }))
    const { Messages = [] } = await cloud.sqs.send(new ReceiveMessageCommand({ QueueUrl: scratch.url, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['All'] }))
    const message = Messages[0]!
    const record: SQSRecord = {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: scratch.arn,
      awsRegion: 'us-east-1',
    }
    const response = await handler({ Records: [record] }, lambdaContext('send'))
    // Taken off the scratch queue whatever happened, so the next receive gets the next message.
    await cloud.sqs.send(new DeleteMessageCommand({ QueueUrl: scratch.url, ReceiptHandle: record.receiptHandle }))
    return { failures: response.batchItemFailures.length }
  }

  const secretReads = () => secrets.commandCalls(GetSecretValueCommand).length
  const tokenCalls = () => sim.requests.filter((r) => r.path === '/oauth/token').map((r) => r.status)

  it('sends with the secret read from Secrets Manager', async () => {
    expect(await send(1)).toEqual({ failures: 0 })
    expect(tally.get(METRIC_NAMES.messagesSent)).toBe(1)
    expect(secretReads()).toBe(1)
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET_ARN })
  })

  it('after rotation, the next 401 makes the same handler re-read the secret and send', async () => {
    simulatorClients[CLIENT_ID] = { secret: NEW_SECRET }
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString(NEW_SECRET) })
    sim.expireTokens()
    expect(await send(2)).toEqual({ failures: 0 })
    expect(tally.get(METRIC_NAMES.messagesSent)).toBe(2)
    expect(secretReads()).toBe(2)
    expect(tokenCalls().at(-1)).toBe(200)
  })

  it('with the secret cached and valid, a send reads Secrets Manager no more', async () => {
    expect(await send(3)).toEqual({ failures: 0 })
    expect(tally.get(METRIC_NAMES.messagesSent)).toBe(3)
    expect(secretReads()).toBe(2)
  })

  it('when Secrets Manager holds an outdated secret, it neither loops nor sends', async () => {
    simulatorClients[CLIENT_ID] = { secret: `${NEW_SECRET}-2` }
    sim.expireTokens()
    const before = { reads: secretReads(), sent: tally.get(METRIC_NAMES.messagesSent), logins: tokenCalls().length }
    await send(4)
    expect(tally.get(METRIC_NAMES.messagesSent)).toBe(before.sent)
    // Exactly two reads: the API's 401 drops the cached secret, so the new login reads it (1); the token endpoint's
    // 401 makes the login read it once more in case it was rotated meanwhile (2). The value did not change, so
    // there is one login only, and no loop.
    expect(secretReads() - before.reads).toBe(2)
    expect(tokenCalls().slice(before.logins)).toEqual([401])
  })

  it('no secret and no access token appears in the logs, the outcome events or the dead letters', async () => {
    const letters = await cloud.deadLetters()
    const haystacks = [logs.text(), JSON.stringify(cloud.outcomes), JSON.stringify(letters)]
    expect(proxy.tokens.length).toBeGreaterThanOrEqual(2)
    expect(logs.lines().length).toBeGreaterThan(0)
    for (const haystack of haystacks) {
      for (const secret of [OLD_SECRET, NEW_SECRET, `${NEW_SECRET}-2`, ...proxy.tokens]) expect(haystack).not.toContain(secret)
      expect(haystack).not.toMatch(/Bearer\s+[A-Za-z0-9_-]{10,}/)
      expect(haystack).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{10,}/)
    }
  })
})
