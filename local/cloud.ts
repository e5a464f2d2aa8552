/**
 * The local cloud: the whole pipeline on one machine with no AWS account. dynalite (DynamoDB) and local-aws-sqs
 * (SQS with redrive), each in a worker thread of its own; the in-process EventBridge applying the stack's own rule
 * patterns; the real handlers invoked as Lambda's SQS event source invokes them (batches, partial failures,
 * visibility, redrive); and the Genesys simulator (or a real org).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb'
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { QueueBatcher } from './queue-batcher.ts'
import { deleteQueues } from './sqs.ts'
import { lambdaContext, toSqsRecord } from './lambda-event.ts'
import { LocalClock } from './local-clock.ts'
import { Tally, type ServiceName } from './tally.ts'
import { createPresenceHandler } from '#functions/presence/index.ts'
import { createSendHandler } from '#functions/send/index.ts'
import { createReplyRoutingHandler } from '#functions/reply-routing/index.ts'
import { createSessionRecorderHandler } from '#functions/session-recorder/index.ts'
import { createTrackHandler } from '#functions/track/index.ts'
import { staticSecret } from '#lib/adapters/shared-secret.ts'
import { newRoutingKey, serveReplyRouting, type LocalReplyRouting } from './reply-routing-server.ts'
import type { SqsHandler } from '#functions/shared/sqs-batch.ts'
import type { HandlerOverrides } from '#functions/shared/wiring.ts'
import { staticCredentials, type CredentialsSource } from '#lib/adapters/genesys-credentials.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE, rulePatterns, STAGES, type StageName } from '#lib/topology.ts'
import { peekDeadLetters, queueArnOf, redriveDeadLetters, type DeadLetterView, type RedriveResult } from '../cli/dlq-admin.ts'
import { CrashAfterSend, startThrottlingProxy, type ChaosSpec } from './chaos.ts'
import { seededRandom } from './random.ts'
import { createTables, deleteTables } from './dynamodb.ts'
import { checkFunctionSettings, LOCAL_TIMINGS } from './function-settings.ts'
import { leaseLocalServices } from './local-services.ts'
import { LocalEventBridge, type EventEnvelope } from './event-bus.ts'
import { startGenesysSimulator, type GenesysSimulator, type SimulatorOptions } from './genesys-simulator/index.ts'

export const LOCAL_NAMES = {
  partnerBus: 'aws.partner/genesys.com/cloud/local-org/local',
  appBus: 'proactive-messaging',
  sessionsTable: 'local-sessions',
  stateTable: 'local-state',
  queues: { conversationEvents: 'conversation-events', agentEvents: 'agent-events', send: 'send', track: 'track' } satisfies Record<StageName, string>,
} as const

export interface LocalCloudOptions {
  /** Function settings, by the same environment names the CDK stack sets (see lib/config.ts). */
  readonly config?: Readonly<Record<string, string>>
  /** `simulator` (default) or `real`: send to the Genesys org named by GENESYS_* in `realGenesys`. */
  readonly genesys?: 'simulator' | 'real'
  readonly simulator?: SimulatorOptions
  /** For `genesys: 'real'`: client id and secret, region. */
  readonly realGenesys?: { readonly clientId: string; readonly clientSecret: string; readonly region: string }
  /**
   * Seconds a received message stays invisible locally before SQS offers it again (Lambda uses the queue's
   * visibility timeout, minutes; scaled down so local retries happen in seconds).
   */
  readonly visibilitySeconds?: number
  /** Powertools log level of the handlers: SILENT (default), ERROR, WARN, INFO, DEBUG. */
  readonly logLevel?: string
  /** Faults to inject (see local/chaos.ts). */
  readonly chaos?: ChaosSpec
  /** Concurrent send workers (Lambda instances draining the send queue). Default 1. */
  readonly sendWorkers?: number
  /** The reply-routing look-up's key; default: a random one (`replyRouting.key`). */
  readonly replyRoutingKey?: string
}

export interface DeadLetterRecord extends DeadLetterView {
  readonly queue: string
}

/** One Lambda instance draining a queue: its handler, and whether it is busy with a batch. */
interface Worker {
  handler: SqsHandler
  /** Resolves when this instance dies mid-batch (crashAfterSend); never otherwise. */
  crashed: Promise<void>
  busy: boolean
}

/** How long `drain` trusts that a stage's queue is still empty while other batches run. */
const EMPTY_RECHECK_MS = 20

interface Stage {
  readonly name: StageName
  readonly service: ServiceName
  readonly queueUrl: string
  readonly queueArn: string
  readonly dlqUrl: string
  readonly workers: Worker[]
  /** Starts a fresh instance (a new container after a crash). */
  readonly spawn: () => Worker
}

export class LocalCloud {
  readonly tally = new Tally()
  readonly bus: LocalEventBridge
  /** ProactiveMessageSent / ProactiveMessageFailed events published on the app bus. */
  readonly outcomes: EventEnvelope[] = []
  /** ProactiveMessageAnswered / ProactiveReplyServed events published on the app bus. */
  readonly replies: EventEnvelope[] = []
  /** The reply-routing look-up, served on 127.0.0.1 with the real handler (set once the cloud is wired). */
  replyRouting!: LocalReplyRouting
  private stages: Stage[] = []
  private readonly closers: (() => Promise<void>)[] = []
  private readonly random: () => number
  private readonly receiveCounts = new Map<string, number>()
  /** When `drain` last found each stage's queue empty (nothing visible, in flight or delayed). */
  private readonly emptySeenAt = new Map<StageName, number>()
  /** Injected faults that happened, by kind (the simulator counts its own). */
  readonly faults = { redelivered: 0, crashed: 0, dynamoThrottled: () => 0 }

  private constructor(
    /** Every handler's clock: a replay sets it to each event's time; tests advance it (e.g. past the 30 s mode cache). */
    readonly clock: LocalClock,
    private readonly options: LocalCloudOptions,
    readonly sqs: SQSClient,
    readonly dynamo: DynamoDBClient,
    readonly simulator: GenesysSimulator | undefined,
    readonly env: Record<string, string>,
  ) {
    this.bus = new LocalEventBridge({ clock: this.clock })
    this.random = seededRandom((options.chaos?.seed ?? 1) + 1)
  }

  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    // The SDK's default credential chain reads process.env; every endpoint here is local.
    process.env.AWS_ACCESS_KEY_ID ??= 'local'
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local'
    process.env.AWS_REGION ??= 'us-east-1'
    process.env.AWS_EC2_METADATA_DISABLED = 'true'
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
    const region = process.env.AWS_REGION
    // A refused setting stops here, before any service starts, so nothing is left running.
    checkFunctionSettings(options.config ?? {})
    const closers: (() => Promise<void>)[] = []
    let cloud: LocalCloud | undefined
    try {
      const lease = await leaseLocalServices()
      closers.push(() => lease.release())
      const dynamoServer = lease.services.dynamo
      const sqsEndpoint = lease.services.sqs.endpoint
      const chaos = options.chaos ?? {}
      const genesysFaults = { http429: chaos.http429, http5xx: chaos.http5xx, timeout: chaos.timeout, token401: chaos.token401 }
      const anyGenesysFault = Object.values(genesysFaults).some((p) => (p ?? 0) > 0)
      const simulatorOptions: SimulatorOptions = anyGenesysFault
        ? {
            // A short rate window keeps injected 429s' Retry-After (the time to the window's end) to seconds.
            rateWindowMs: 2_000,
            ...options.simulator,
            faults: { ...options.simulator?.faults, ...genesysFaults, seed: chaos.seed ?? 1, timeoutHoldMs: 2_000 },
          }
        : (options.simulator ?? {})
      const clock = new LocalClock()
      // Conversations are stamped on the handlers' clock, so a look-up from a replayed attempt's time finds them.
      const simulator = options.genesys === 'real' ? undefined : await startGenesysSimulator({ conversationClock: () => clock.now(), ...simulatorOptions })
      if (simulator) closers.push(() => simulator.close())

      const credentials = { accessKeyId: 'local', secretAccessKey: 'local' }
      const dynamo = new DynamoDBClient({ endpoint: dynamoServer.endpoint, region, credentials })
      const sqs = new SQSClient({ endpoint: sqsEndpoint, region, credentials })
      // Services another cloud used: every table and queue it left goes.
      if (lease.shared) await Promise.all([deleteTables(dynamo), deleteQueues(sqs)])
      await createTables(dynamo, { sessions: LOCAL_NAMES.sessionsTable, state: LOCAL_NAMES.stateTable })

      let handlerDynamoEndpoint = dynamoServer.endpoint
      let dynamoThrottled = () => 0
      if ((chaos.ddbThrottle ?? 0) > 0) {
        const proxy = await startThrottlingProxy(dynamoServer.endpoint, chaos.ddbThrottle ?? 0, seededRandom((chaos.seed ?? 1) + 2))
        closers.push(() => proxy.close())
        handlerDynamoEndpoint = proxy.endpoint
        dynamoThrottled = proxy.throttled
      }
      const env: Record<string, string> = {
        AWS_REGION: region,
        AWS_ENDPOINT_URL_DYNAMODB: handlerDynamoEndpoint,
        AWS_ENDPOINT_URL_SQS: sqsEndpoint,
        SESSIONS_TABLE_NAME: LOCAL_NAMES.sessionsTable,
        STATE_TABLE_NAME: LOCAL_NAMES.stateTable,
        APP_EVENT_BUS_NAME: LOCAL_NAMES.appBus,
        POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'SILENT',
        ...(simulator ? { GENESYS_GATEWAY_URL: simulator.url } : { GENESYS_REGION: options.realGenesys?.region ?? '' }),
        ...LOCAL_TIMINGS,
        ...(anyGenesysFault ? { GENESYS_TIMEOUT_MS: '500' } : {}),
        ...options.config,
      }
      cloud = new LocalCloud(clock, options, sqs, dynamo, simulator, env)
      cloud.faults.dynamoThrottled = dynamoThrottled
      cloud.closers.push(...closers)
      closers.length = 0
      await cloud.wire()
      return cloud
    } catch (error) {
      // Everything started so far is closed: the bus listener, the servers and the clients that keep the process alive.
      if (cloud) await cloud.close()
      for (const close of closers.reverse()) await close().catch(() => undefined)
      throw error
    }
  }

  private async wire(): Promise<void> {
    const { endpoint, close } = await this.bus.listen()
    this.closers.push(close)
    this.env.AWS_ENDPOINT_URL_EVENTBRIDGE = endpoint
    // Powertools reads its settings from process.env at construction time.
    process.env.POWERTOOLS_LOG_LEVEL = this.env.POWERTOOLS_LOG_LEVEL
    process.env.POWERTOOLS_METRICS_DISABLED = 'true'
    process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'ProactiveMessaging'

    const queues = {} as Record<StageName, { url: string; arn: string; dlqUrl: string }>
    for (const name of Object.keys(STAGES) as StageName[]) queues[name] = await this.createStageQueues(name)
    this.env.SEND_DLQ_URL = queues.send.dlqUrl
    this.env.SEND_QUEUE_URL = queues.send.url
    this.env.TRACK_QUEUE_URL = queues.track.url

    const credentials: CredentialsSource = this.simulator
      ? staticCredentials({ clientId: 'local-client', clientSecret: 'local-secret' })
      : staticCredentials({ clientId: this.options.realGenesys?.clientId ?? '', clientSecret: this.options.realGenesys?.clientSecret ?? '' })
    const chaos = this.options.chaos ?? {}
    const overrides = (service: ServiceName, extra: Partial<HandlerOverrides> = {}): HandlerOverrides => ({
      clock: this.clock,
      telemetry: this.tally.for(service),
      genesysCredentials: credentials,
      ...extra,
    })
    const plainWorker = (handler: SqsHandler): Worker => ({ handler, crashed: new Promise(() => {}), busy: false })
    const spawnSend = (): Worker => {
      const crash = new CrashAfterSend(chaos.crashAfterSend ?? 0, this.random)
      const handler = createSendHandler(this.env, overrides('send', { decorate: { genesys: crash.genesys, ledger: crash.ledger } }))
      return { handler, crashed: crash.crashedPromise, busy: false }
    }
    const spawners: Record<StageName, [ServiceName, () => Worker, number]> = {
      conversationEvents: ['session-recorder', () => plainWorker(createSessionRecorderHandler(this.env, overrides('session-recorder'))), 1],
      agentEvents: ['presence', () => plainWorker(createPresenceHandler(this.env, overrides('presence'))), 1],
      send: ['send', spawnSend, Math.max(1, this.options.sendWorkers ?? 1)],
      track: ['track', () => plainWorker(createTrackHandler(this.env, overrides('track'))), 1],
    }
    const routingKey = this.options.replyRoutingKey ?? newRoutingKey()
    this.replyRouting = await serveReplyRouting(
      createReplyRoutingHandler(this.env, { clock: this.clock, telemetry: this.tally.for('reply-routing'), routingKey: staticSecret(routingKey) }),
      routingKey,
    )
    this.closers.push(() => this.replyRouting.close())
    this.stages = (Object.keys(STAGES) as StageName[]).map((name) => {
      const [service, spawn, count] = spawners[name]
      return {
        name,
        service,
        spawn,
        workers: Array.from({ length: count }, spawn),
        queueUrl: queues[name].url,
        queueArn: queues[name].arn,
        dlqUrl: queues[name].dlqUrl,
      }
    })
    if ((chaos.putEventsFail ?? 0) > 0) this.bus.setFaults({ putEventsFail: chaos.putEventsFail, seed: chaos.seed ?? 1 })

    const patterns = rulePatterns({ orgId: this.env.GENESYS_ORG_ID })
    this.bus.createBus(LOCAL_NAMES.partnerBus)
    this.bus.createBus(LOCAL_NAMES.appBus)
    const batcher = new QueueBatcher(this.sqs)
    const toQueue = (queueUrl: string) => (event: EventEnvelope) => batcher.send(queueUrl, JSON.stringify(event))
    this.bus.addRule({ name: 'conversation-events', busName: LOCAL_NAMES.partnerBus, pattern: patterns.conversationEvents, target: toQueue(queues.conversationEvents.url) })
    this.bus.addRule({ name: 'agent-events', busName: LOCAL_NAMES.partnerBus, pattern: patterns.agentEvents, target: toQueue(queues.agentEvents.url) })
    this.bus.addRule({ name: 'message-requested', busName: LOCAL_NAMES.appBus, pattern: patterns.messageRequested, target: toQueue(queues.send.url) })
    this.bus.addRule({
      name: 'local-outcomes',
      busName: LOCAL_NAMES.appBus,
      pattern: { source: [APP_EVENT_SOURCE], 'detail-type': [APP_DETAIL_TYPES.sent, APP_DETAIL_TYPES.failed] },
      target: async (event) => {
        this.outcomes.push(event)
      },
    })
    this.bus.addRule({
      name: 'local-replies',
      busName: LOCAL_NAMES.appBus,
      pattern: { source: [APP_EVENT_SOURCE], 'detail-type': [APP_DETAIL_TYPES.answered, APP_DETAIL_TYPES.replyServed] },
      target: async (event) => {
        this.replies.push(event)
      },
    })
  }

  private async createStageQueues(name: StageName): Promise<{ url: string; arn: string; dlqUrl: string }> {
    const queueName = LOCAL_NAMES.queues[name]
    const dlq = await this.sqs.send(new CreateQueueCommand({ QueueName: `${queueName}-dlq` }))
    // The local event source counts receives and redrives at the stage's maxReceiveCount itself (see pumpOnce),
    // because local-aws-sqs also counts a ChangeMessageVisibility as a receive. The queue's own redrive policy
    // (at SQS's maximum, never reached) keeps the DLQ relationship that StartMessageMoveTask needs.
    const redrivePolicy = JSON.stringify({ deadLetterTargetArn: await queueArnOf(this.sqs, dlq.QueueUrl ?? ''), maxReceiveCount: 1000 })
    const queue = await this.sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: String(this.visibilitySeconds), RedrivePolicy: redrivePolicy } }))
    const url = queue.QueueUrl ?? ''
    return { url, arn: await queueArnOf(this.sqs, url), dlqUrl: dlq.QueueUrl ?? '' }
  }

  private get visibilitySeconds(): number {
    return this.options.visibilitySeconds ?? 1
  }

  /** Puts a Genesys event on the partner bus, as the integration does. Returns the rules it matched. */
  async deliverGenesysEvent(envelope: EventEnvelope): Promise<string[]> {
    return this.bus.deliver(LOCAL_NAMES.partnerBus, envelope)
  }

  /**
   * Runs the functions until every queue is empty and nothing is in flight: the SQS event sources, each
   * worker one batch at a time, with retries after the (local) visibility timeout and redrive to the DLQs.
   */
  async drain(options: { timeoutMs?: number; stages?: readonly StageName[] } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000)
    const running = new Set<Promise<void>>()
    const stages = options.stages ? this.stages.filter((stage) => options.stages?.includes(stage.name)) : this.stages
    for (;;) {
      let inFlight = 0
      let skipped = false
      const asked: { stage: Stage; idle: Worker[] }[] = []
      for (const stage of stages) {
        const idle = stage.workers.filter((worker) => !worker.busy)
        // Every worker has a batch: nothing to hand out, and the stage is not drained. Asking the depth anyway
        // cost the storm bench 15,000 GetQueueAttributes, a fifth of the local cloud's calls.
        if (idle.length === 0) {
          inFlight += 1
          continue
        }
        // A stage found empty moments ago is asked again only after EMPTY_RECHECK_MS while other batches run;
        // the loop wakes each time one of them ends. Before returning, every stage is asked afresh.
        const emptyAt = this.emptySeenAt.get(stage.name)
        if (emptyAt !== undefined && running.size > 0 && Date.now() - emptyAt < EMPTY_RECHECK_MS) {
          skipped = true
          continue
        }
        asked.push({ stage, idle })
      }
      // An empty ReceiveMessage costs tens of milliseconds here; the attributes cost a few, asked of every stage at once.
      const depths = await Promise.all(asked.map(({ stage }) => this.depth(stage.queueUrl)))
      asked.forEach(({ stage, idle }, i) => {
        const depth = depths[i] ?? { visible: 0, invisible: 0 }
        if (depth.visible + depth.invisible === 0) this.emptySeenAt.set(stage.name, Date.now())
        else this.emptySeenAt.delete(stage.name)
        inFlight += depth.visible + depth.invisible
        const wanted = Math.min(idle.length, Math.ceil(depth.visible / STAGES[stage.name].batchSize))
        for (const worker of idle.slice(0, wanted)) {
          worker.busy = true
          const poll: Promise<void> = this.pumpOnce(stage, worker).finally(() => {
            worker.busy = false
            running.delete(poll)
          })
          running.add(poll)
        }
      })
      if (running.size > 0) {
        await Promise.race([...running, sleep(20)])
        continue
      }
      if (inFlight === 0 && !skipped) return
      if (Date.now() > deadline) throw new Error('local cloud: the pipeline did not drain in time')
      await sleep(50)
    }
  }

  private async depth(queueUrl: string): Promise<{ visible: number; invisible: number }> {
    const { Attributes: a = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
    )
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      invisible: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    }
  }

  /** One event-source poll by one worker: receive a batch, invoke, delete what succeeded. */
  private async pumpOnce(stage: Stage, worker: Worker): Promise<void> {
    const settings = STAGES[stage.name]
    const received = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stage.queueUrl,
        MaxNumberOfMessages: settings.batchSize,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    )
    const messages: Message[] = []
    for (const message of received.Messages ?? []) {
      const id = message.MessageId ?? ''
      const receives = (this.receiveCounts.get(id) ?? 0) + 1
      this.receiveCounts.set(id, receives)
      if (receives > settings.maxReceiveCount) {
        await this.moveToDeadLetterQueue(stage, message)
        continue
      }
      messages.push({ ...message, Attributes: { ...message.Attributes, ApproximateReceiveCount: String(receives) } })
    }
    if (messages.length === 0) return
    const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, stage.queueArn)) }
    const outcome = await Promise.race([
      worker.handler(event, lambdaContext(stage.service)).then(
        (response) => ({ kind: 'done' as const, response: response as SQSBatchResponse | undefined }),
        () => ({ kind: 'threw' as const }),
      ),
      worker.crashed.then(() => ({ kind: 'crashed' as const })),
    ])
    if (!outcome || outcome.kind === 'crashed') {
      // The instance died mid-batch: nothing is acknowledged, and Lambda starts a new one.
      this.faults.crashed++
      const index = stage.workers.indexOf(worker)
      if (index >= 0) stage.workers[index] = stage.spawn()
      return
    }
    const failedIds = new Set(outcome.kind === 'done' ? (outcome.response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier) : messages.map((message) => message.MessageId ?? ''))
    const redeliver = this.options.chaos?.redeliver ?? 0
    const done = messages.filter((message) => {
      if (failedIds.has(message.MessageId ?? '')) return false
      // At-least-once delivery: SQS may hand out a message again even after it was processed.
      if (redeliver > 0 && this.random() < redeliver) {
        this.faults.redelivered++
        return false
      }
      return true
    })
    if (done.length > 0) {
      await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: stage.queueUrl, Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })) }))
    }
  }

  /** SQS's redrive: a message received more than maxReceiveCount times goes to the DLQ, as it was. */
  private async moveToDeadLetterQueue(stage: Stage, message: Message): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: stage.dlqUrl,
        MessageBody: message.Body ?? '',
        ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0 ? { MessageAttributes: message.MessageAttributes } : {}),
      }),
    )
    await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: stage.queueUrl, Entries: [{ Id: '0', ReceiptHandle: message.ReceiptHandle ?? '' }] }))
  }

  /** Everything in the dead-letter queues, with the reason the send function (or the redrive) gave. */
  async deadLetters(): Promise<DeadLetterRecord[]> {
    const records: DeadLetterRecord[] = []
    for (const stage of this.stages) {
      for (const letter of await peekDeadLetters(this.sqs, stage.dlqUrl, { maxReceiveCount: STAGES[stage.name].maxReceiveCount })) {
        records.push({ queue: `${LOCAL_NAMES.queues[stage.name]}-dlq`, ...letter })
      }
    }
    return records
  }

  /** Moves a stage's dead letters back to its queue (StartMessageMoveTask), as `proactive dlq redrive` does. */
  async redrive(stage: StageName): Promise<RedriveResult> {
    return redriveDeadLetters(this.sqs, this.queueUrl(stage, true), { pollMs: 250 })
  }

  /** Number of session items stored (a Scan: fine locally, never used by the functions). */
  async sessionCount(): Promise<number> {
    let count = 0
    let start: Record<string, never> | undefined
    do {
      const page = await this.dynamo.send(new ScanCommand({ TableName: LOCAL_NAMES.sessionsTable, Select: 'COUNT', ExclusiveStartKey: start }))
      count += page.Count ?? 0
      start = page.LastEvaluatedKey as Record<string, never> | undefined
    } while (start)
    return count
  }

  queueUrl(stage: StageName, dlq = false): string {
    const found = this.stages.find((candidate) => candidate.name === stage)
    if (!found) throw new Error(`unknown stage ${stage}`)
    return dlq ? found.dlqUrl : found.queueUrl
  }

  async close(): Promise<void> {
    this.sqs.destroy()
    this.dynamo.destroy()
    // A second close finds nothing left to close.
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined)
  }
}
