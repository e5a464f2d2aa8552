/**
 * The pipeline's compute: the three functions, the rules that route events into their queues, the grants, and
 * the alarms and dashboard. Stateless: it reads and writes the data (pipeline-data.ts) it is given, so it can be
 * redeployed or replaced without touching what is stored.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib'
import * as events from 'aws-cdk-lib/aws-events'
import * as targets from 'aws-cdk-lib/aws-events-targets'
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as logs from 'aws-cdk-lib/aws-logs'
import * as sqs from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { packageRootOf } from '#lib/package-root.ts'
import { APP_DETAIL_TYPES, FUNCTIONS, rulePatterns, sendConcurrencyFor, TABLES, type RulePatterns } from '#lib/topology.ts'
import { functionEnvironments, replyRoutingEnvironment, type FunctionKey } from './function-environment.ts'
import { PipelineMonitoring } from './monitoring.ts'
import { RULE_IDS, type PipelineData } from './pipeline-data.ts'
import { QueueFedFunction } from './queue-fed-function.ts'
import { ReplyRouting } from './reply-routing.ts'
import { resolveSettings, type ProactiveMessagingProps, type ResolvedSettings } from './settings.ts'

/** EventBridge → SQS delivery: the most EventBridge allows, then the rule's own DLQ. */
export const RULE_TARGET_RETRY = { retryAttempts: 185, maxEventAgeSeconds: 86_400 } as const

/** The package root: entries in FUNCTIONS, their prebuilt bundles and package-lock.json are relative to it. */
export const CODE_ROOT = packageRootOf(import.meta.url)

export interface RoutedRule {
  readonly rule: events.Rule
  readonly deadLetterQueue: sqs.IQueue
}

export interface ProactiveMessagingComputeProps extends ProactiveMessagingProps {
  /**
   * The data to run on: a ProactiveMessagingData (in this stack or another), or resources imported by name.
   * A function instead creates the data inside this construct (ProactiveMessaging does, so that a deployment
   * made with the single construct keeps every logical id).
   */
  readonly data: PipelineData | ((scope: Construct) => PipelineData)
}

/** Which bus each rule reads and which function's queue it feeds. */
const ROUTES: Readonly<Record<keyof RulePatterns, { readonly bus: 'partnerBus' | 'appBus'; readonly target: FunctionKey }>> = {
  conversationEvents: { bus: 'partnerBus', target: 'sessionRecorder' },
  agentEvents: { bus: 'partnerBus', target: 'presence' },
  messageRequested: { bus: 'appBus', target: 'send' },
}

export class ProactiveMessagingCompute extends Construct {
  readonly settings: ResolvedSettings
  readonly data: PipelineData
  readonly sessionRecorder: QueueFedFunction
  readonly presence: QueueFedFunction
  readonly send: QueueFedFunction
  /** Look-ups after a send (unknown outcomes), on the track queue that send writes to. */
  readonly track: QueueFedFunction
  /** Maximum concurrency of the send event source, derived from the Genesys budget. */
  readonly sendMaxConcurrency: number
  readonly rules: Readonly<Record<keyof RulePatterns, RoutedRule>>
  readonly monitoring: PipelineMonitoring
  /** The reply-routing look-up; absent with `replyRouting: false`. */
  readonly replyRouting?: ReplyRouting

  constructor(scope: Construct, id: string, props: ProactiveMessagingComputeProps) {
    super(scope, id)
    const { data, ...settingProps } = props
    const settings = (this.settings = resolveSettings(settingProps))
    this.data = typeof data === 'function' ? data(this) : data
    this.checkCrossStack()
    const removalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY
    const { stageQueues } = this.data

    this.sendMaxConcurrency = sendConcurrencyFor(settings.budgetPerMinute * settings.budgetHeadroom)
    const environments = functionEnvironments(settings, {
      sessionsTableName: this.data.sessionsTable.tableName,
      stateTableName: this.data.stateTable.tableName,
      appEventBusName: this.data.appBus.eventBusName,
      sendDlqUrl: stageQueues.send.deadLetterQueue.queueUrl,
      sendQueueUrl: stageQueues.send.queue.queueUrl,
      trackQueueUrl: stageQueues.track.queue.queueUrl,
      genesysSecretArn: this.data.genesysSecret.secretArn,
      sendMaxConcurrency: this.sendMaxConcurrency,
    })
    const stage = (id: string, key: FunctionKey, maxConcurrency?: number) =>
      new QueueFedFunction(this, id, {
        stage: FUNCTIONS[key].stage,
        entry: FUNCTIONS[key].entry,
        codeRoot: CODE_ROOT,
        environment: environments[key],
        logRetention: settings.logRetentionDays as logs.RetentionDays,
        removalPolicy,
        queues: stageQueues[key],
        ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
      })
    this.sessionRecorder = stage('SessionRecorder', 'sessionRecorder')
    this.presence = stage('Presence', 'presence')
    this.send = stage('Send', 'send', this.sendMaxConcurrency)
    this.track = stage('Track', 'track')

    this.grantAccess()

    if (settings.replyRouting) {
      this.replyRouting = new ReplyRouting(this, 'ReplyRouting', {
        codeRoot: CODE_ROOT,
        environment: replyRoutingEnvironment(settings, { stateTableName: this.data.stateTable.tableName }),
        stateTable: this.data.stateTable,
        logRetention: settings.logRetentionDays as logs.RetentionDays,
        removalPolicy,
        ...(this.data.replyRoutingKey ? { secret: this.data.replyRoutingKey } : {}),
      })
    }

    const patterns = rulePatterns({ orgId: settings.partnerBus.orgId })
    const route = (key: keyof RulePatterns) => this.route(key, patterns[key])
    this.rules = { conversationEvents: route('conversationEvents'), agentEvents: route('agentEvents'), messageRequested: route('messageRequested') }

    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      namePrefix: Stack.of(this).stackName,
      alarmEmail: settings.alarmEmail,
      rateLimitedAlarmPercent: settings.rateLimitedAlarmPercent,
      ...(settings.runbookUrl === undefined ? {} : { runbookUrl: settings.runbookUrl }),
      rules: (Object.keys(this.rules) as (keyof RulePatterns)[]).map((name) => ({
        name,
        rule: this.rules[name].rule,
        eventBusName: this.data[ROUTES[name].bus].eventBusName,
        deadLetterQueue: this.rules[name].deadLetterQueue,
      })),
      stages: [
        { name: 'sessionRecorder', stage: this.sessionRecorder, maxAge: 300 },
        { name: 'presence', stage: this.presence, maxAge: 300 },
        { name: 'send', stage: this.send, maxAge: settings.sendQueueMaxAgeSeconds },
        // Jobs wait in the queue until due (the last look-up, by default 10 minutes after the attempt): older is stuck.
        { name: 'track', stage: this.track, maxAge: 3_600 },
      ].map(({ name, stage: s, maxAge }) => ({
        name,
        function: s.function,
        queue: s.queue,
        deadLetterQueue: s.deadLetterQueue,
        maxMessageAgeSeconds: maxAge,
      })),
    })
  }

  /** The functions, by key (as in FUNCTIONS). */
  get functions(): Readonly<Record<FunctionKey, QueueFedFunction>> {
    return { sessionRecorder: this.sessionRecorder, presence: this.presence, send: this.send, track: this.track }
  }

  /** Least privilege: each function gets only the actions, the resources and (state table) the key prefixes it uses. */
  private grantAccess(): void {
    const { sessionsTable, stateTable, appBus, genesysSecret, stageQueues } = this.data
    const sessions = sessionsTable.tableArn
    const state = stateTable.tableArn
    const indexArns = Object.keys(TABLES.sessions.indexes).map((name) => `${sessions}/index/${name}`)
    const readSecret = new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [genesysSecret.secretArn] })
    const prefixes = TABLES.state.keyPrefixes
    const stateItems = (actions: string[], keyPrefixes: readonly string[]) =>
      new iam.PolicyStatement({
        actions,
        resources: [state],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((prefix) => `${prefix}#*`) } },
      })

    this.sessionRecorder.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [sessions] }))
    // Replies: the latest sent message of the customer (read), its reply and server marked (UpdateItem), announced.
    this.sessionRecorder.role.addToPolicy(stateItems(['dynamodb:GetItem'], prefixes.sessionRecorder.read))
    this.sessionRecorder.role.addToPolicy(stateItems(['dynamodb:UpdateItem'], prefixes.sessionRecorder.write))
    appBus.grantPutEventsTo(this.sessionRecorder.role)

    this.presence.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }))
    this.presence.role.addToPolicy(stateItems(['dynamodb:GetItem', 'dynamodb:BatchGetItem'], prefixes.presence.read))
    this.presence.role.addToPolicy(stateItems(['dynamodb:PutItem'], prefixes.presence.write))
    appBus.grantPutEventsTo(this.presence.role)
    this.presence.role.addToPolicy(readSecret)

    // A request must match the session the recorder wrote (unknown-session otherwise): one item by its key.
    this.send.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [sessions] }))
    // The busy-customer check just before sending: the customer's conversations, by the byCustomer index only.
    this.send.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${sessions}/index/byCustomer`] }))
    this.send.role.addToPolicy(stateItems(['dynamodb:GetItem'], prefixes.send.read))
    this.send.role.addToPolicy(stateItems(['dynamodb:PutItem', 'dynamodb:UpdateItem'], prefixes.send.write))
    this.send.role.addToPolicy(stateItems(['dynamodb:DeleteItem'], prefixes.send.delete))
    appBus.grantPutEventsTo(this.send.role)
    this.send.role.addToPolicy(readSecret)
    this.send.role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [stageQueues.send.deadLetterQueue.queueArn] }))
    // An unknown outcome becomes a look-up job on the track queue.
    this.send.role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [stageQueues.track.queue.queueArn] }))

    // track: the delivery ledger and the shared pace counter; outcome events; the next job, a resend (RESEND_IF_NOT_FOUND)
    // and the dead letter of an outcome still unknown.
    this.track.role.addToPolicy(stateItems(['dynamodb:GetItem'], prefixes.track.read))
    this.track.role.addToPolicy(stateItems(['dynamodb:UpdateItem'], prefixes.track.write))
    appBus.grantPutEventsTo(this.track.role)
    this.track.role.addToPolicy(readSecret)
    this.track.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [stageQueues.track.queue.queueArn, stageQueues.send.queue.queueArn, stageQueues.send.deadLetterQueue.queueArn] }),
    )

    // Only presence may request a message: the app bus refuses ProactiveMessageRequested from any other principal.
    new events.CfnEventBusPolicy(this, 'OnlyPresenceRequestsMessages', {
      eventBusName: appBus.eventBusName,
      statementId: 'OnlyPresenceRequestsMessages',
      statement: {
        Sid: 'OnlyPresenceRequestsMessages',
        Effect: 'Deny',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: appBus.eventBusArn,
        Condition: {
          StringEquals: { 'events:detail-type': APP_DETAIL_TYPES.requested },
          ArnNotEquals: { 'aws:PrincipalArn': this.presence.role.roleArn },
        },
      },
    })
  }

  /** A queue in another stack cannot take statements naming this stack's rules: its data stack allows them (separateComputeStack). */
  private checkCrossStack(): void {
    const elsewhere = [...Object.values(this.data.stageQueues).map((q) => q.queue), ...Object.values(this.data.ruleDeadLetterQueues)].some((queue) => Stack.of(queue) !== Stack.of(this))
    if (elsewhere && !this.data.acceptsRulesFromOtherStacks) {
      throw new Error(
        `${this.node.path}: the pipeline's queues are in another stack: create ProactiveMessagingData with separateComputeStack: true, so their policies let this stack's rules deliver (or grant that yourself and set acceptsRulesFromOtherStacks).`,
      )
    }
  }

  /** The queue as this stack may use it: a queue of another stack is referenced by ARN, so no statement is added to its policy. */
  private local(queue: sqs.IQueue, id: string): sqs.IQueue {
    if (Stack.of(queue) === Stack.of(this)) return queue
    return sqs.Queue.fromQueueAttributes(this, id, { queueArn: queue.queueArn, queueUrl: queue.queueUrl, queueName: queue.queueName })
  }

  private route(key: keyof RulePatterns, pattern: Record<string, unknown>): RoutedRule {
    const id = RULE_IDS[key]
    const queue = this.local(this.data.stageQueues[ROUTES[key].target].queue, `${id}TargetQueue`)
    const dlq = this.local(this.data.ruleDeadLetterQueues[key], `${id}RuleDeadLetterQueue`)
    const rule = new events.Rule(this, `${id}Rule`, {
      eventBus: this.data[ROUTES[key].bus],
      // Same object the local cloud matches with; CDK renders its kebab-case keys unchanged.
      eventPattern: pattern as events.EventPattern,
      description: `${id} → ${queue.node.path}`,
    })
    rule.addTarget(
      new targets.SqsQueue(queue, {
        deadLetterQueue: dlq,
        retryAttempts: RULE_TARGET_RETRY.retryAttempts,
        maxEventAge: Duration.seconds(RULE_TARGET_RETRY.maxEventAgeSeconds),
      }),
    )
    return { rule, deadLetterQueue: dlq }
  }
}
