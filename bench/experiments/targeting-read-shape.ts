/**
 * Experiment behind the targeting finding in docs/benchmarks.md: where a targeting read's time goes on dynalite.
 * A Scan pays for every item it reads; a Query pays for the agent's items it reads and then, per item returned,
 * for the response, the SDK's parsing and unmarshalling. Filters that match nothing split the two: "returns none"
 * is the read alone. Run: `npx tsx bench/experiments/targeting-read-shape.ts 10000 9` (N eligible sessions, and
 * how many other agents with N sessions each share the table).
 */
import { performance } from 'node:perf_hooks'
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { HOUR } from '#lib/domain/time.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import { uuidFrom } from '../../local/genesys-events.ts'
import { endedSession, writeSessions } from '../sessions.ts'
import { median, round } from '../stats.ts'

const n = Number(process.argv[2] ?? 10_000)
const otherAgents = Number(process.argv[3] ?? 9)
const at = Date.now()
const agentId = uuidFrom('bench-agent', 'fan-out')
const from = at - 24 * HOUR
const table = LOCAL_NAMES.sessionsTable
const cloud = await LocalCloud.start()
const docs = DynamoDBDocumentClient.from(cloud.dynamo)

const loadStarted = performance.now()
for (let agent = 0; agent <= otherAgents; agent++) {
  const owner = agent === 0 ? agentId : uuidFrom('bench-agent', 'other', agent)
  const sessions = Array.from({ length: n }, (_, i) =>
    endedSession({ agentId: owner, queueId: 'q', customer: agent * n + i, conversation: `c-${agent}-${i}`, lastActiveAt: at - 120_000 - ((i * 7_919) % (20 * HOUR)), windowMs: 24 * HOUR }),
  )
  await writeSessions(cloud, sessions)
}
console.log(`loaded ${n * (otherAgents + 1)} items in ${Math.round(performance.now() - loadStarted)} ms, heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`)

const NOBODY = 'nobody'
const PROJECTION = 'conversationId, customer, queueId, agents, lastActiveAt'

async function readAll(input: (start: Record<string, unknown> | undefined) => QueryCommand | ScanCommand): Promise<number> {
  let count = 0
  let start: Record<string, unknown> | undefined
  do {
    const page = await docs.send(input(start) as QueryCommand)
    count += page.Items?.length ?? 0
    start = page.LastEvaluatedKey
  } while (start)
  return count
}

const query =
  (options: { none?: boolean; projected?: boolean } = {}) =>
  (start: Record<string, unknown> | undefined) =>
    new QueryCommand({
      TableName: table,
      IndexName: 'byAgent',
      KeyConditionExpression: '#pk = :p AND #t BETWEEN :from AND :to',
      ...(options.none ? { FilterExpression: 'conversationId = :nobody' } : {}),
      ...(options.projected ? { ProjectionExpression: PROJECTION } : {}),
      ExpressionAttributeNames: { '#pk': 'lastAgentId', '#t': 'lastActiveAt' },
      ExpressionAttributeValues: { ':p': agentId, ':from': from, ':to': at, ...(options.none ? { ':nobody': NOBODY } : {}) },
      ExclusiveStartKey: start,
    })

const scan =
  (options: { none?: boolean } = {}) =>
  (start: Record<string, unknown> | undefined) =>
    new ScanCommand({
      TableName: table,
      FilterExpression: '#agent = :agent AND #t BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#agent': 'lastAgentId', '#t': 'lastActiveAt' },
      ExpressionAttributeValues: { ':agent': options.none ? NOBODY : agentId, ':from': from, ':to': at },
      ExclusiveStartKey: start,
    })

async function timed(label: string, input: Parameters<typeof readAll>[0]): Promise<number> {
  const runs: number[] = []
  let count = 0
  for (let run = 0; run < 5; run++) {
    const started = performance.now()
    count = await readAll(input)
    runs.push(performance.now() - started)
  }
  const ms = median(runs) as number
  console.log(JSON.stringify({ label, returned: count, medianMs: Math.round(ms), runsMs: runs.map(Math.round) }))
  return ms
}

const scanMs = await timed('Scan + filter', scan())
const scanNoneMs = await timed('Scan, filter matches nothing', scan({ none: true }))
const queryMs = await timed('index Query', query())
const queryNoneMs = await timed('index Query, filter matches nothing', query({ none: true }))
await timed('index Query, ProjectionExpression of what targeting reads', query({ projected: true }))
const items = n * (otherAgents + 1)
console.log(
  JSON.stringify({
    scanReadUsPerItem: round((scanNoneMs / items) * 1000, 1),
    queryReadUsPerItem: round((queryNoneMs / n) * 1000, 1),
    returnUsPerItem: round(((queryMs - queryNoneMs) / n) * 1000, 1),
    ratio: round(scanMs / queryMs, 1),
    ratioIfReturnsWereFree: round(scanNoneMs / queryNoneMs, 1),
  }),
)
await cloud.close()
