/**
 * Experiment behind the fan-out finding in docs/benchmarks.md: what one fan-out costs per recipient on the
 * cap ledger. The first design had presence reserve every recipient with a conditional PutItem (tried
 * one at a time, then 32 at a time); the current one has presence read the ledger with BatchGetItem and send
 * do the conditional write. This times the same adapters against the local cloud, and the PutEvents publishing
 * beside them. Run: `npx tsx bench/experiments/reservation-concurrency.ts 2000`.
 */
import { performance } from 'node:perf_hooks'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { DynamoDbCapLedger } from '#lib/adapters/dynamodb-cap-ledger.ts'
import { EventBridgePublisher, EventBridgeRequestPublisher } from '#lib/adapters/eventbridge-publisher.ts'
import { mapConcurrently } from '#lib/concurrency.ts'
import { recipientKey } from '#lib/domain/targeting.ts'
import { LocalCloud, LOCAL_NAMES } from '../../local/cloud.ts'
import { backlogRequests } from '../scenarios/pacing.ts'

const n = Number(process.argv[2] ?? 1000)
const cloud = await LocalCloud.start()
cloud.bus.removeRule('message-requested', LOCAL_NAMES.appBus)
const docs = DynamoDBDocumentClient.from(cloud.dynamo)
const ledger = new DynamoDbCapLedger(docs, LOCAL_NAMES.stateTable)
const reservations = ledger
const publisher = new EventBridgeRequestPublisher(new EventBridgePublisher(new EventBridgeClient({ endpoint: cloud.env.AWS_ENDPOINT_URL_EVENTBRIDGE, region: 'us-east-1' }), LOCAL_NAMES.appBus))

const time = async (task: () => Promise<unknown>): Promise<number> => {
  const started = performance.now()
  await task()
  return Math.round(performance.now() - started)
}
for (const [label, limit] of [
  ['conditional put, sequential', 1],
  ['conditional put, 32 at a time', 32],
  ['BatchGetItem (current)', 0],
] as const) {
  const requests = backlogRequests(n, Date.now(), `ledger-${label}`)
  const keys = requests.map((request) => recipientKey(request.customer))
  const ledgerMs = await time(() =>
    limit === 0 ? reservations.reservationsOf(keys) : mapConcurrently(requests, limit, (r, i) => ledger.tryReserve(keys[i] as string, r.requestedAt, 86_400_000, r.dedupeKey)),
  )
  const publishMs = await time(() => publisher.publish(requests))
  console.log(JSON.stringify({ label, n, ledgerMs, publishMs, perSecond: Math.round((n / (ledgerMs + publishMs)) * 1000) }))
}
await cloud.close()
