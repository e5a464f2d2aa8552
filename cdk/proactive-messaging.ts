/**
 * The whole pipeline as one construct: Genesys partner bus → rules → SQS → session-recorder and presence;
 * presence → app bus → rule → SQS → send → Genesys. Every hop retries and dead-letters (see DESIGN.md).
 */
import { fileURLToPath } from 'node:url'
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import * as events from 'aws-cdk-lib/aws-events'
import * as targets from 'aws-cdk-lib/aws-events-targets'
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as logs from 'aws-cdk-lib/aws-logs'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import type * as sqs from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import {
  APP_EVENT_SOURCE,
  FUNCTIONS,
  genesysEventSourceName,
  rulePatterns,
  sendConcurrencyFor,
  TABLES,
  type RulePatterns,
} from '../lib/topology.ts'
import { functionEnvironments } from './function-environment.ts'
import { PipelineMonitoring } from './monitoring.ts'
import { deadLetterQueue, QueueFedFunction, type QueueFedFunctionProps } from './queue-fed-function.ts'
import { resolveSettings, type ProactiveMessagingProps, type ResolvedSettings } from './settings.ts'

/** EventBridge → SQS delivery: the most EventBridge allows, then the rule's own DLQ. */
export const RULE_TARGET_RETRY = { retryAttempts: 185, maxEventAgeSeconds: 86_400 } as const

/** The package root: entries in FUNCTIONS and package-lock.json are relative to it. */
export const CODE_ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface RoutedRule {
  readonly rule: events.Rule
  readonly deadLetterQueue: sqs.Queue
}

export class ProactiveMessaging extends Construct {
  readonly settings: ResolvedSettings
  readonly partnerBus: events.IEventBus
  readonly appBus: events.EventBus
  readonly archive: events.Archive
  readonly sessionsTable: dynamodb.TableV2
  readonly stateTable: dynamodb.TableV2
  readonly genesysSecret: secretsmanager.ISecret
  readonly sessionRecorder: QueueFedFunction
  readonly presence: QueueFedFunction
  readonly send: QueueFedFunction
  /** Maximum concurrency of the send event source, derived from the Genesys budget. */
  readonly sendMaxConcurrency: number
  readonly rules: Readonly<Record<keyof RulePatterns, RoutedRule>>
  readonly monitoring: PipelineMonitoring

  constructor(scope: Construct, id: string, props: ProactiveMessagingProps = {}) {
    super(scope, id)
    const settings = (this.settings = resolveSettings(props))
    const removalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY

    this.partnerBus = this.partnerEventBus(settings)
    this.appBus = new events.EventBus(this, 'AppBus', { description: 'Proactive messaging requests and outcomes' })
    this.archive = this.appBus.archive('AppEventsArchive', {
      description: 'Replay of proactive messaging requests and outcomes',
      eventPattern: { source: [APP_EVENT_SOURCE] },
      retention: settings.archiveRetentionDays > 0 ? Duration.days(settings.archiveRetentionDays) : undefined,
    })

    this.sessionsTable = new dynamodb.TableV2(this, 'SessionsTable', {
      partitionKey: { name: TABLES.sessions.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLES.sessions.ttlAttribute,
      globalSecondaryIndexes: Object.entries(TABLES.sessions.indexes).map(([indexName, index]) => ({
        indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.NUMBER },
      })),
      ...tableDefaults(removalPolicy),
    })
    // Agent state, outreach ledger, queue cache and delivery ledger (key `pk`, expiry `expiresAt`).
    this.stateTable = new dynamodb.TableV2(this, 'StateTable', {
      partitionKey: { name: TABLES.state.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLES.state.ttlAttribute,
      ...tableDefaults(removalPolicy),
    })

    this.genesysSecret = settings.genesysSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'GenesysClient', settings.genesysSecretArn)
      : this.createGenesysSecret(removalPolicy)

    this.sendMaxConcurrency = sendConcurrencyFor(settings.budgetPerMinute * settings.budgetHeadroom)
    // The send function's environment holds its DLQ's URL, so that DLQ exists before the stage does.
    const sendDlq = deadLetterQueue(this, 'SendDeadLetterQueue', 'send requests that failed permanently or exhausted their retries', 'redrive')
    const environments = functionEnvironments(settings, {
      sessionsTableName: this.sessionsTable.tableName,
      stateTableName: this.stateTable.tableName,
      appEventBusName: this.appBus.eventBusName,
      sendDlqUrl: sendDlq.queueUrl,
      genesysSecretArn: this.genesysSecret.secretArn,
      sendMaxConcurrency: this.sendMaxConcurrency,
    })
    const stage = (id: string, key: keyof typeof FUNCTIONS, extra: Partial<QueueFedFunctionProps> = {}) =>
      new QueueFedFunction(this, id, {
        stage: FUNCTIONS[key].stage,
        entry: FUNCTIONS[key].entry,
        codeRoot: CODE_ROOT,
        environment: environments[key],
        logRetention: settings.logRetentionDays as logs.RetentionDays,
        removalPolicy,
        ...extra,
      })
    this.sessionRecorder = stage('SessionRecorder', 'sessionRecorder')
    this.presence = stage('Presence', 'presence')
    this.send = stage('Send', 'send', { maxConcurrency: this.sendMaxConcurrency, deadLetterQueue: sendDlq })

    this.grantAccess(sendDlq)

    const patterns = rulePatterns({ orgId: settings.partnerBus.orgId })
    this.rules = {
      conversationEvents: this.route('ConversationEvents', this.partnerBus, patterns.conversationEvents, this.sessionRecorder.queue),
      agentEvents: this.route('AgentEvents', this.partnerBus, patterns.agentEvents, this.presence.queue),
      messageRequested: this.route('MessageRequested', this.appBus, patterns.messageRequested, this.send.queue),
    }

    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      namePrefix: Stack.of(this).stackName,
      alarmEmail: settings.alarmEmail,
      rateLimitedAlarmPercent: settings.rateLimitedAlarmPercent,
      rules: (Object.keys(this.rules) as (keyof RulePatterns)[]).map((name) => ({
        name,
        rule: this.rules[name].rule,
        eventBusName: name === 'messageRequested' ? this.appBus.eventBusName : this.partnerBus.eventBusName,
        deadLetterQueue: this.rules[name].deadLetterQueue,
      })),
      stages: [
        { name: 'sessionRecorder', stage: this.sessionRecorder, maxAge: 300 },
        { name: 'presence', stage: this.presence, maxAge: 300 },
        { name: 'send', stage: this.send, maxAge: settings.sendQueueMaxAgeSeconds },
      ].map(({ name, stage: s, maxAge }) => ({
        name,
        function: s.function,
        queue: s.queue,
        deadLetterQueue: s.deadLetterQueue,
        maxMessageAgeSeconds: maxAge,
      })),
    })
  }

  private partnerEventBus(settings: ResolvedSettings): events.IEventBus {
    const source = settings.partnerBus
    if (source.kind === 'import') return events.EventBus.fromEventBusName(this, 'PartnerBus', source.busName)
    if (source.placeholder) {
      Annotations.of(this).addWarningV2(
        'proactive-messaging:placeholder-org',
        'genesysOrgId is not set: the partner event bus uses a placeholder org id and `cdk deploy` will fail until you set ' +
          '-c genesysOrgId=<your org id> (and eventSourceSuffix), or -c existingPartnerBusName=<bus name>. See docs/deployment.md.',
      )
    }
    return new events.EventBus(this, 'PartnerBus', { eventSourceName: genesysEventSourceName(source.orgId, source.suffix) })
  }

  private createGenesysSecret(removalPolicy: RemovalPolicy): secretsmanager.Secret {
    // Only a random placeholder is generated; the operator puts the real client id and secret after deploy.
    const secret = new secretsmanager.Secret(this, 'GenesysClient', {
      description: 'Genesys Cloud OAuth client credentials {"clientId","clientSecret"} for proactive messaging',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ clientId: 'set-after-deploy' }),
        generateStringKey: 'clientSecret',
        excludePunctuation: true,
      },
      removalPolicy,
    })
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A Genesys OAuth client secret, issued by Genesys. Genesys can regenerate it (POST /api/v2/oauth/clients/{clientId}/secret), but automatic rotation would need a rotation Lambda with network access to Genesys and a second, more powerful OAuth client allowed to edit OAuth clients; and regeneration invalidates the old secret at once. Operators rotate by hand with no downtime by switching to a second OAuth client (docs/operations.md, Rotating the Genesys credentials).',
    })
    return secret
  }

  /** Least privilege: each function gets only the actions and the resources it uses. */
  private grantAccess(sendDlq: sqs.Queue): void {
    const sessions = this.sessionsTable.tableArn
    const state = this.stateTable.tableArn
    const indexArns = Object.keys(TABLES.sessions.indexes).map((name) => `${sessions}/index/${name}`)
    const readSecret = new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.genesysSecret.secretArn] })

    this.sessionRecorder.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [sessions] }))

    this.presence.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }))
    this.presence.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem'], resources: [state] }))
    this.appBus.grantPutEventsTo(this.presence.role)
    this.presence.role.addToPolicy(readSecret)

    this.send.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [state] }))
    this.appBus.grantPutEventsTo(this.send.role)
    this.send.role.addToPolicy(readSecret)
    this.send.role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [sendDlq.queueArn] }))
  }

  private route(id: string, bus: events.IEventBus, pattern: Record<string, unknown>, queue: sqs.Queue): RoutedRule {
    const dlq = deadLetterQueue(this, `${id}RuleDeadLetterQueue`, `events the ${id} rule could not deliver to its queue`, 'direct')
    const rule = new events.Rule(this, `${id}Rule`, {
      eventBus: bus,
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

function tableDefaults(removalPolicy: RemovalPolicy) {
  return {
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    removalPolicy,
  }
}
