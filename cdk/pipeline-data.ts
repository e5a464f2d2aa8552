/**
 * The pipeline's stored state: tables, event buses (and the app-bus archive), every queue and dead-letter queue,
 * and the Genesys secret. Kept apart from the compute (functions, rules, alarms: pipeline-compute.ts) so that the
 * compute can be redeployed or replaced without touching what is stored, and so that an existing table or app bus
 * can be passed in instead of created.
 */
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib'
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import * as events from 'aws-cdk-lib/aws-events'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as kms from 'aws-cdk-lib/aws-kms'
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import type * as sqs from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { APP_EVENT_SOURCE, FUNCTIONS, genesysEventSourceName, partnerArchiveName, partnerArchivePattern, TABLES, type RulePatterns } from '#lib/topology.ts'
import type { FunctionKey } from './function-environment.ts'
import { deadLetterQueue, StageQueues } from './queue-fed-function.ts'
import { replyRoutingKey } from './reply-routing.ts'
import { resolveSettings, type ProactiveMessagingProps, type ResolvedSettings } from './settings.ts'

/** What the compute needs from the data, whether created by ProactiveMessagingData, imported or in another stack. */
export interface PipelineData {
  readonly partnerBus: events.IEventBus
  readonly appBus: events.IEventBus
  readonly sessionsTable: dynamodb.ITable
  readonly stateTable: dynamodb.ITable
  readonly genesysSecret: secretsmanager.ISecret
  /** The reply-routing look-up's key (with `replyRouting` on). Absent: the compute creates it next to the look-up. */
  readonly replyRoutingKey?: secretsmanager.ISecret
  /** Each function's queue and its dead-letter queue. */
  readonly stageQueues: Readonly<Record<FunctionKey, { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue }>>
  /** Where each rule's target puts the events it could not deliver. */
  readonly ruleDeadLetterQueues: Readonly<Record<keyof RulePatterns, sqs.IQueue>>
  /**
   * The queues' own policies let EventBridge rules on these buses deliver (so a compute in another stack, which
   * cannot add rule-specific statements to them, still receives events). Compute in another stack requires it.
   */
  readonly acceptsRulesFromOtherStacks?: boolean
}

/** Existing resources to use instead of creating them (the partner bus and secret are settings: `existingPartnerBusName`, `genesysSecretArn`). */
export interface ExistingData {
  /** A table with partition key `conversationId` and the indexes of TABLES.sessions in lib/topology.ts. */
  readonly sessionsTable?: dynamodb.ITable
  /** A table with partition key `pk` and TTL attribute `expiresAt`. */
  readonly stateTable?: dynamodb.ITable
  /** The bus presence publishes requests to and send reads them from. */
  readonly appBus?: events.IEventBus
}

export interface ProactiveMessagingDataProps extends ProactiveMessagingProps {
  readonly existing?: ExistingData
  /**
   * The compute (ProactiveMessagingCompute) is deployed in another stack: the queues' policies then let rules on
   * the pipeline's buses in this account deliver to them (same account, rules on these buses only), since the
   * compute stack cannot add statements naming its rules. @default false (compute in the same stack adds one
   * statement per rule)
   */
  readonly separateComputeStack?: boolean
}

/** The rule each dead-letter queue belongs to, by its construct id prefix (kept from the single construct). */
export const RULE_IDS: Readonly<Record<keyof RulePatterns, string>> = {
  conversationEvents: 'ConversationEvents',
  agentEvents: 'AgentEvents',
  messageRequested: 'MessageRequested',
}

export class ProactiveMessagingData extends Construct implements PipelineData {
  readonly settings: ResolvedSettings
  readonly partnerBus: events.IEventBus
  readonly appBus: events.IEventBus
  /** Archive of the app bus's own events (requests and outcomes). */
  readonly archive: events.Archive
  /** Customer managed key of the archive. */
  readonly archiveKey: kms.Key
  /** Archive of the Genesys events the partner-bus rules consume, for `proactive replay`. */
  readonly partnerArchive: events.Archive
  /** Customer managed key of the partner-bus archive (its own: each archive adds same-Sid statements to its key). */
  readonly partnerArchiveKey: kms.Key
  readonly sessionsTable: dynamodb.ITable
  readonly stateTable: dynamodb.ITable
  readonly genesysSecret: secretsmanager.ISecret
  readonly replyRoutingKey?: secretsmanager.Secret
  readonly stageQueues: Readonly<Record<FunctionKey, StageQueues>>
  readonly ruleDeadLetterQueues: Readonly<Record<keyof RulePatterns, sqs.Queue>>
  readonly acceptsRulesFromOtherStacks: boolean

  constructor(scope: Construct, id: string, props: ProactiveMessagingDataProps = {}) {
    super(scope, id)
    const { existing = {}, separateComputeStack = false, ...settingProps } = props
    const settings = (this.settings = resolveSettings(settingProps))
    const removalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY

    this.partnerBus = this.partnerEventBus(settings)
    this.appBus = existing.appBus ?? new events.EventBus(this, 'AppBus', { description: 'Proactive messaging requests and outcomes' })
    // Requests name the customer (address or contact id): the archive holds personal data (docs/security.md).
    this.archiveKey = new kms.Key(this, 'AppEventsArchiveKey', {
      description: 'Encrypts the proactive messaging app-bus archive (requests and outcomes)',
      enableKeyRotation: true,
      removalPolicy,
    })
    // Scoped to the bus as EventBus.archive() would (same logical id), which does not pass kmsKey on.
    this.archive = new events.Archive(this.appBus, 'AppEventsArchive', {
      sourceEventBus: this.appBus,
      description: 'Replay of proactive messaging requests and outcomes',
      kmsKey: this.archiveKey,
      eventPattern: { source: [APP_EVENT_SOURCE] },
      retention: settings.archiveRetentionDays > 0 ? Duration.days(settings.archiveRetentionDays) : undefined,
    })
    // Genesys events name agents and customers (addresses, contact ids): personal data too. An archive works on
    // an imported (Genesys-created) bus as well; its name is derived from the stack's for `proactive replay`.
    this.partnerArchiveKey = new kms.Key(this, 'PartnerEventsArchiveKey', {
      description: 'Encrypts the proactive messaging partner-bus archive (Genesys events, for replay)',
      enableKeyRotation: true,
      removalPolicy,
    })
    this.partnerArchive = new events.Archive(this, 'PartnerEventsArchive', {
      sourceEventBus: this.partnerBus,
      archiveName: partnerArchiveName(Stack.of(this).stackName),
      description: 'Genesys events the pipeline consumes, for proactive replay',
      kmsKey: this.partnerArchiveKey,
      eventPattern: partnerArchivePattern({ orgId: settings.partnerBus.orgId }) as events.EventPattern,
      retention: settings.partnerArchiveRetentionDays > 0 ? Duration.days(settings.partnerArchiveRetentionDays) : undefined,
    })

    this.sessionsTable =
      existing.sessionsTable ??
      new dynamodb.TableV2(this, 'SessionsTable', {
        partitionKey: { name: TABLES.sessions.partitionKey, type: dynamodb.AttributeType.STRING },
        timeToLiveAttribute: TABLES.sessions.ttlAttribute,
        globalSecondaryIndexes: Object.entries(TABLES.sessions.indexes).map(([indexName, index]) => ({
          indexName,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: index.sortKeyType === 'number' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING },
        })),
        ...tableDefaults(removalPolicy),
      })
    // Agent state, cap ledger, queue cache and delivery ledger (key `pk`, expiry `expiresAt`).
    this.stateTable =
      existing.stateTable ??
      new dynamodb.TableV2(this, 'StateTable', {
        partitionKey: { name: TABLES.state.partitionKey, type: dynamodb.AttributeType.STRING },
        timeToLiveAttribute: TABLES.state.ttlAttribute,
        ...tableDefaults(removalPolicy),
      })

    this.genesysSecret = settings.genesysSecretArn ? secretsmanager.Secret.fromSecretCompleteArn(this, 'GenesysClient', settings.genesysSecretArn) : this.createGenesysSecret(removalPolicy)
    if (settings.replyRouting) this.replyRoutingKey = replyRoutingKey(this, 'ReplyRoutingKey', removalPolicy)

    // Construct ids as in the single construct, so an upgrade keeps every queue (and the messages in it).
    const sendDlq = deadLetterQueue(this, 'SendDeadLetterQueue', 'send requests that failed permanently or exhausted their retries', 'redrive')
    this.stageQueues = {
      sessionRecorder: new StageQueues(this, 'SessionRecorder', { stage: FUNCTIONS.sessionRecorder.stage }),
      presence: new StageQueues(this, 'Presence', { stage: FUNCTIONS.presence.stage }),
      send: new StageQueues(this, 'Send', { stage: FUNCTIONS.send.stage, deadLetterQueue: sendDlq }),
      track: new StageQueues(this, 'Track', { stage: FUNCTIONS.track.stage }),
    }
    const ruleDlq = (key: keyof RulePatterns) => deadLetterQueue(this, `${RULE_IDS[key]}RuleDeadLetterQueue`, `events the ${RULE_IDS[key]} rule could not deliver to its queue`, 'direct')
    this.ruleDeadLetterQueues = { conversationEvents: ruleDlq('conversationEvents'), agentEvents: ruleDlq('agentEvents'), messageRequested: ruleDlq('messageRequested') }

    this.acceptsRulesFromOtherStacks = separateComputeStack
    if (separateComputeStack) {
      const fromRulesOn = (bus: events.IEventBus, queues: sqs.Queue[]) => {
        for (const queue of queues) queue.addToResourcePolicy(rulesOfBusMaySend(bus, queue))
      }
      fromRulesOn(this.partnerBus, [this.stageQueues.sessionRecorder.queue, this.stageQueues.presence.queue, this.ruleDeadLetterQueues.conversationEvents, this.ruleDeadLetterQueues.agentEvents])
      fromRulesOn(this.appBus, [this.stageQueues.send.queue, this.ruleDeadLetterQueues.messageRequested])
    }
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
}

/** EventBridge may send to `queue` on behalf of any rule on `bus` in this account (rule ARNs: rule/<bus name>/<rule name>). */
function rulesOfBusMaySend(bus: events.IEventBus, queue: sqs.IQueue): iam.PolicyStatement {
  const stack = Stack.of(queue)
  return new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    resources: [queue.queueArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${bus.eventBusName}/*` }) },
    },
  })
}

function tableDefaults(removalPolicy: RemovalPolicy) {
  return {
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    // Off only with retainData false, so that `cdk destroy` can delete the tables on purpose.
    deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    removalPolicy,
  }
}
