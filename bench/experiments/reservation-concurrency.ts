/**
 * Experiment behind the fan-out finding in docs/benchmarks.md: the presence function reserves each recipient
 * with one conditional PutItem, one after another, then publishes 10 requests a PutEvents call, one call after
 * another. This times the same adapters (DynamoDbOutreachLedger, EventBridgeRequestPublisher) against the local
 * cloud, sequentially and with bounded concurrency. Run: `npx tsx bench/experiments/reservation-concurrency.ts 2000`.
 */
import { performance } from 'node:perf_hooks'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { DynamoDbOutreachLedger } from '../../lib/adapters/dynamodb-state.ts'
import { EventBridgePublisher, EventBridgeRequestPublisher } from '../../lib/adapters/eventbridge-publisher.ts'
import { recipientKey } from '../../lib/domain/targeting.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import { backlogRequests } from '../scenarios/pacing.ts'

const n = Number(process.argv[2] ?? 1000)
const cloud = await LocalCloud.start()
cloud.bus.removeRule('message-requested', LOCAL_NAMES.appBus)
const docs = DynamoDBDocumentClient.from(cloud.dynamo)
const ledger = new DynamoDbOutreachLedger(docs, LOCAL_NAMES.stateTable)
const publisher = new EventBridgeRequestPublisher(new EventBridgePublisher(new EventBridgeClient({ endpoint: cloud.env.AWS_ENDPOINT_URL_EVENTBRIDGE, region: 'us-east-1' }), LOCAL_NAMES.appBus))
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => { while (next < items.length) await fn(items[next++] as T) }))
}
for (const [label, limit] of [['sequential', 1], ['16 at a time', 16], ['32 at a time', 32]] as const) {
  const requests = backlogRequests(n, Date.now(), `ledger-${label}`)
  let t = performance.now()
  await pool(requests, limit, async (r) => { await ledger.tryReserve(recipientKey(r.customer), r.requestedAt, 86_400_000, r.dedupeKey) })
  const reserveMs = performance.now() - t
  t = performance.now()
  const chunks: (typeof requests)[] = []
  for (let i = 0; i < requests.length; i += 10) chunks.push(requests.slice(i, i + 10))
  await pool(chunks, Math.min(limit, 8), (chunk) => publisher.publish(chunk))
  const publishMs = performance.now() - t
  console.log(JSON.stringify({ label, n, reserveMs: Math.round(reserveMs), publishMs: Math.round(publishMs), perSecond: Math.round((n / (reserveMs + publishMs)) * 1000) }))
}
await cloud.close()
