/**
 * Template tests for the reliability-critical settings of the stack, plus cdk-nag. One synthesis for the file:
 * a stack with its own partner bus and secret, an alarm e-mail and a raised Genesys budget.
 */
import { readFileSync } from 'node:fs'
import { Validations } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag'
import { beforeAll, describe, expect, it } from 'vitest'
import { RULE_TARGET_RETRY } from '../../cdk/proactive-messaging.ts'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { CONFIG_SCHEMAS, type FunctionKey } from '../../cdk/function-environment.ts'
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_NAMES } from '#lib/metrics-names.ts'
import { DLQ_RETENTION_SECONDS, FUNCTIONS, genesysEventSourceName, rulePatterns, sendConcurrencyFor, STAGES, TABLES } from '#lib/topology.ts'
import { alarmMetrics, alarmsOn, asArray, functionByPrefix, getAtt, identityStatements, logicalIdOf, ofType, resources, testApp, type CfnResource } from './template-helpers.ts'

const ORG_ID = 'a1b2c3d4-0000-4000-8000-000000000001'
const SUFFIX = 'pm-test'
const BUDGET = 1200
const SEND_MAX_AGE = 240

let stack: ProactiveMessagingStack
let template: Template

const FUNCTION_PREFIX: Record<FunctionKey, string> = {
  sessionRecorder: 'ProactiveMessagingSessionRecorderFunction',
  presence: 'ProactiveMessagingPresenceFunction',
  send: 'ProactiveMessagingSendFunction',
  track: 'ProactiveMessagingTrackFunction',
}
const RULE_OF_STAGE = { sessionRecorder: 'conversationEvents', presence: 'agentEvents', send: 'messageRequested' } as const

beforeAll(() => {
  const app = testApp()
  stack = new ProactiveMessagingStack(app, 'PmTest', {
    settings: {
      genesysOrgId: ORG_ID,
      eventSourceSuffix: SUFFIX,
      alarmEmail: 'ops@example.com',
      budgetPerMinute: BUDGET,
      sendQueueMaxAgeSeconds: SEND_MAX_AGE,
      archiveRetentionDays: 14,
      logRetentionDays: 60,
    },
  })
  template = Template.fromStack(stack)
})

/** The queue an event source mapping drains, and the function it feeds. */
function stageWiring(key: FunctionKey) {
  const [functionId, fn] = functionByPrefix(template, FUNCTION_PREFIX[key])
  const [, esm] = ofType(template, 'AWS::Lambda::EventSourceMapping').find(([, r]) => r.Properties.FunctionName.Ref === functionId)!
  const queueId = logicalIdOf(esm.Properties.EventSourceArn)!
  return { functionId, fn, esm, queueId, queue: resources(template)[queueId]! }
}

function ruleFor(name: 'conversationEvents' | 'agentEvents' | 'messageRequested'): CfnResource {
  const id = { conversationEvents: 'ConversationEvents', agentEvents: 'AgentEvents', messageRequested: 'MessageRequested' }[name]
  const found = ofType(template, 'AWS::Events::Rule').filter(([logicalId]) => logicalId.startsWith(`ProactiveMessaging${id}Rule`))
  expect(found).toHaveLength(1)
  return found[0]![1]
}

function deadLetterQueueIds(): { stage: string[]; rule: string[] } {
  const stage = ofType(template, 'AWS::SQS::Queue')
    .map(([, q]) => q.Properties.RedrivePolicy?.deadLetterTargetArn)
    .filter(Boolean)
    .map(logicalIdOf) as string[]
  const rule = ofType(template, 'AWS::Events::Rule').flatMap(([, r]) => r.Properties.Targets.map((t: any) => logicalIdOf(t.DeadLetterConfig.Arn))) as string[]
  return { stage, rule }
}

describe('event buses and rules', () => {
  it('creates the Genesys partner bus for the configured org and suffix', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { EventSourceName: genesysEventSourceName(ORG_ID, SUFFIX) })
  })

  it('uses exactly the local cloud patterns, restricted to the org, on the right bus and queue', () => {
    const patterns = rulePatterns({ orgId: ORG_ID })
    const [partnerBusId] = ofType(template, 'AWS::Events::EventBus').find(([, r]) => r.Properties.EventSourceName)!
    const [appBusId] = ofType(template, 'AWS::Events::EventBus').find(([, r]) => !r.Properties.EventSourceName)!
    for (const key of Object.keys(RULE_OF_STAGE) as (keyof typeof RULE_OF_STAGE)[]) {
      const ruleName = RULE_OF_STAGE[key]
      const rule = ruleFor(ruleName)
      expect(rule.Properties.EventPattern).toEqual(patterns[ruleName])
      expect(rule.Properties.EventBusName).toEqual({ Ref: ruleName === 'messageRequested' ? appBusId : partnerBusId })
      expect(rule.Properties.Targets).toHaveLength(1)
      expect(logicalIdOf(rule.Properties.Targets[0].Arn)).toBe(stageWiring(key).queueId)
    }
    expect(JSON.stringify(ruleFor('agentEvents').Properties.EventPattern.source)).toContain(`/cloud/${ORG_ID}/`)
  })

  it('gives every rule target a retry policy and its own dead-letter queue', () => {
    const { rule: ruleDlqs, stage: stageDlqs } = deadLetterQueueIds()
    for (const [, rule] of ofType(template, 'AWS::Events::Rule')) {
      for (const target of rule.Properties.Targets) {
        // The most EventBridge allows: a queue outage of up to a day loses nothing.
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 })
        expect(RULE_TARGET_RETRY).toEqual({ retryAttempts: 185, maxEventAgeSeconds: 86_400 })
        expect(target.DeadLetterConfig.Arn).toBeDefined()
      }
    }
    expect(new Set(ruleDlqs).size).toBe(3)
    for (const id of ruleDlqs) expect(stageDlqs).not.toContain(id)
  })

  it('archives app events for replay with the configured retention', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 14,
      EventPattern: { source: ['proactive-messaging'] },
      SourceArn: getAtt(ofType(template, 'AWS::Events::EventBus').find(([, r]) => !r.Properties.EventSourceName)![0], 'Arn'),
    })
  })
})

describe('queues', () => {
  it('encrypts every queue and allows only TLS', () => {
    const queues = ofType(template, 'AWS::SQS::Queue')
    expect(queues).toHaveLength(11)
    const tlsOnly = new Set(
      ofType(template, 'AWS::SQS::QueuePolicy')
        .filter(([, p]) => p.Properties.PolicyDocument.Statement.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false' && s.Action === 'sqs:*'))
        .flatMap(([, p]) => p.Properties.Queues.map(logicalIdOf)),
    )
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true)
      expect(tlsOnly.has(id), `${id} TLS-only policy`).toBe(true)
    }
  })

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])('%s: redrive, visibility at least 6× the timeout, retention', (key) => {
    const settings = STAGES[FUNCTIONS[key].stage]
    const { fn, queue } = stageWiring(key)
    const redrive = queue.Properties.RedrivePolicy
    expect(redrive.maxReceiveCount).toBe(settings.maxReceiveCount)
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5)
    expect(queue.Properties.VisibilityTimeout).toBe(settings.visibilityTimeoutSeconds)
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout)
    expect(queue.Properties.MessageRetentionPeriod).toBe(settings.retentionSeconds)
    const dlq = resources(template)[logicalIdOf(redrive.deadLetterTargetArn)!]!
    expect(dlq.Properties.MessageRetentionPeriod).toBe(DLQ_RETENTION_SECONDS)
  })

  it('outputs the URL of every queue, so `dlq --queue <URL>` can use each of the seven dead-letter queues', () => {
    const outputs = Object.values(template.toJSON().Outputs as Record<string, { Value: unknown }>).map((o) => JSON.stringify(o.Value))
    const queues = ofType(template, 'AWS::SQS::Queue').map(([id]) => id)
    expect(queues).toHaveLength(11)
    for (const id of queues) expect(outputs, id).toContain(JSON.stringify({ Ref: id }))
  })

  it('keeps every dead-letter queue for 14 days', () => {
    const { stage, rule } = deadLetterQueueIds()
    for (const id of [...stage, ...rule]) expect(resources(template)[id]!.Properties.MessageRetentionPeriod).toBe(DLQ_RETENTION_SECONDS)
  })
})

describe('functions', () => {
  // Tracing is off, with no X-Ray grant (docs/operations.md, Tracing).
  it.each(Object.keys(FUNCTIONS) as FunctionKey[])('%s: runtime, arm64, no tracing, timeout, memory, own log group with data protection', (key) => {
    const settings = STAGES[FUNCTIONS[key].stage]
    const { fn } = stageWiring(key)
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: settings.functionTimeoutSeconds,
      MemorySize: settings.functionMemoryMb,
      Handler: 'index.handler',
    })
    const logGroup = resources(template)[logicalIdOf(fn.Properties.LoggingConfig.LogGroup)!]!
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup')
    expect(logGroup.Properties.RetentionInDays).toBe(60)
    expect(fn.Properties.TracingConfig?.Mode ?? 'PassThrough').toBe('PassThrough')
    // The second layer behind the logger's masking: phone numbers and e-mail addresses are audited and masked.
    const policy = logGroup.Properties.DataProtectionPolicy
    const statements = JSON.stringify(policy.Statement)
    expect(statements).toContain(':dataprotection::aws:data-identifier/EmailAddress')
    expect(statements).toContain(':dataprotection::aws:data-identifier/PhoneNumber-US')
    expect(policy.Statement.every((statement: { DataIdentifier: unknown[] }) => statement.DataIdentifier.includes('E164PhoneNumber'))).toBe(true)
    expect(policy.Configuration.CustomDataIdentifier).toEqual([{ Name: 'E164PhoneNumber', Regex: '\\+[1-9][0-9]{6,14}' }])
    expect(policy.Statement.map((statement: { Operation: object }) => Object.keys(statement.Operation)[0])).toEqual(['Audit', 'Deidentify'])
  })

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])('%s: event source reports batch item failures with bounded concurrency', (key) => {
    const settings = STAGES[FUNCTIONS[key].stage]
    const { esm } = stageWiring(key)
    const expected = key === 'send' ? sendConcurrencyFor(BUDGET * 0.95) : settings.maxConcurrency
    expect(esm.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures'])
    expect(esm.Properties.BatchSize).toBe(settings.batchSize)
    expect(esm.Properties.ScalingConfig).toEqual({ MaximumConcurrency: expected })
  })

  it('sizes send concurrency from the Genesys budget and tells the workers the budget they share', () => {
    const { fn, esm } = stageWiring('send')
    expect(sendConcurrencyFor(BUDGET * 0.95)).toBeGreaterThan(2)
    expect(esm.Properties.ScalingConfig.MaximumConcurrency).toBe(sendConcurrencyFor(BUDGET * 0.95))
    expect(fn.Properties.Environment.Variables.GENESYS_BUDGET_PER_MINUTE).toBe(String(BUDGET))
    expect(fn.Properties.Environment.Variables.GENESYS_BUDGET_HEADROOM).toBe('0.95')
  })

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])('%s: sets only variables its config schema reads, and the schema accepts them', (key) => {
    const { fn } = stageWiring(key)
    const env: Record<string, unknown> = fn.Properties.Environment.Variables
    const schema = CONFIG_SCHEMAS[key] as unknown as { shape: Record<string, unknown> }
    const runtime = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_LOGGER_LOG_EVENT', 'NODE_OPTIONS']
    for (const name of Object.keys(env)) expect(runtime.includes(name) || name in schema.shape, `${key}: ${name}`).toBe(true)
    expect(env.POWERTOOLS_SERVICE_NAME).toBe(SERVICE_NAMES[key])
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE)
    const standIns = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : k.endsWith('_URL') ? 'https://sqs.example/q' : 'resolved']))
    expect(CONFIG_SCHEMAS[key].safeParse(standIns).success).toBe(true)
  })

  it('points the functions at the right tables, bus, DLQ and secret ARN', () => {
    const byKind = (type: string) => ofType(template, type).map(([id]) => id)
    const [sessions, state] = ['ProactiveMessagingDataSessionsTable', 'ProactiveMessagingDataStateTable'].map((prefix) => byKind('AWS::DynamoDB::GlobalTable').find((id) => id.startsWith(prefix))!)
    const send = stageWiring('send')
    const presence = stageWiring('presence').fn.Properties.Environment.Variables
    const sendEnv = send.fn.Properties.Environment.Variables
    expect(stageWiring('sessionRecorder').fn.Properties.Environment.Variables.SESSIONS_TABLE_NAME).toEqual({ Ref: sessions })
    expect(presence.SESSIONS_TABLE_NAME).toEqual({ Ref: sessions })
    expect(presence.STATE_TABLE_NAME).toEqual({ Ref: state })
    expect(sendEnv.STATE_TABLE_NAME).toEqual({ Ref: state })
    expect(sendEnv.SEND_DLQ_URL).toEqual({ Ref: logicalIdOf(send.queue.Properties.RedrivePolicy.deadLetterTargetArn) })
    const secretId = byKind('AWS::SecretsManager::Secret')[0]!
    expect(presence.GENESYS_SECRET_ARN).toEqual({ Ref: secretId })
    expect(sendEnv.GENESYS_SECRET_ARN).toEqual({ Ref: secretId })
  })

  // The bundle itself (ESM, require shim, SDK inside, minified, source map) is checked in bundling.test.ts.
})

describe('tables and secret', () => {
  it('sessions: on demand, PITR, TTL, encryption and the agent and queue indexes', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: TABLES.sessions.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TABLES.sessions.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      GlobalSecondaryIndexes: Object.entries(TABLES.sessions.indexes).map(([name, index]) =>
        Match.objectLike({
          IndexName: name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
    })
  })

  it('state (with the delivery ledger): key pk, TTL expiresAt, PITR, encryption, retained', () => {
    const [, state] = ofType(template, 'AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith('ProactiveMessagingDataStateTable'))!
    expect(state.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    })
    expect(state.DeletionPolicy).toBe('Retain')
  })

  it('creates the Genesys secret without a secret value in the template', () => {
    const [, secret] = ofType(template, 'AWS::SecretsManager::Secret')[0]!
    expect(secret.Properties.SecretString).toBeUndefined()
    expect(secret.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'clientSecret' })
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) {
      expect(JSON.stringify(fn.Properties.Environment.Variables)).not.toMatch(/clientSecret|CLIENT_SECRET|CLIENT_ID/)
    }
  })
})

describe('least privilege', () => {
  // Tracing is off, so not even X-Ray gets a wildcard resource.
  it('grants no wildcard action and no wildcard resource', () => {
    const statements = identityStatements(template)
    expect(statements.length).toBeGreaterThan(0)
    for (const s of statements) {
      const actions = asArray<string>(s.Action)
      for (const action of actions) expect(action, JSON.stringify(s)).not.toContain('*')
      for (const resource of asArray<unknown>(s.Resource)) {
        if (typeof resource === 'string') expect(resource, JSON.stringify(s)).not.toContain('*')
      }
    }
  })

  it('lets only send and track write to queues, and only the Genesys callers read the secret', () => {
    const statements = ofType(template, 'AWS::IAM::Policy').map(([, p]) => ({
      role: logicalIdOf(p.Properties.Roles[0])!,
      statements: p.Properties.PolicyDocument.Statement as any[],
    }))
    const rolesWith = (action: string) => statements.filter((p) => p.statements.some((s) => asArray<string>(s.Action).includes(action))).map((p) => p.role.replace(/Role.*/, ''))
    expect(rolesWith('sqs:SendMessage').sort()).toEqual(['ProactiveMessagingSend', 'ProactiveMessagingTrack'])
    // The reply-routing look-up reads its own key (its own secret), not the Genesys credentials.
    expect(rolesWith('secretsmanager:GetSecretValue').sort()).toEqual(['ProactiveMessagingPresence', 'ProactiveMessagingReplyRouting', 'ProactiveMessagingSend', 'ProactiveMessagingTrack'])
    // The session recorder publishes ProactiveMessageAnswered / ProactiveReplyServed; track the outcomes of the look-ups.
    expect(rolesWith('events:PutEvents').sort()).toEqual(['ProactiveMessagingPresence', 'ProactiveMessagingSend', 'ProactiveMessagingSessionRecorder', 'ProactiveMessagingTrack'])
    expect(rolesWith('dynamodb:Scan')).toEqual([])
  })

  it('uses no AWS managed policies on function roles', () => {
    for (const [, role] of ofType(template, 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined()
  })
})

describe('alarms and dashboard', () => {
  const topicId = () => ofType(template, 'AWS::SNS::Topic')[0]![0]

  it('sends every alarm to the encrypted topic, which has the e-mail subscription', () => {
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm')
    expect(alarms.length).toBeGreaterThan(0)
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }])
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() })
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId() } })
  })

  it('alarms on any message in any dead-letter queue', () => {
    const { stage, rule } = deadLetterQueueIds()
    expect(stage.length + rule.length).toBe(7)
    for (const id of [...stage, ...rule]) {
      const alarms = alarmsOn(template, 'ApproximateNumberOfMessagesVisible', ['QueueName', getAtt(id, 'QueueName')])
      expect(alarms, id).toHaveLength(1)
      expect(alarms[0]!.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })
    }
  })

  it('alarms on the age of the oldest message in the send queue', () => {
    const alarms = alarmsOn(template, 'ApproximateAgeOfOldestMessage', ['QueueName', getAtt(stageWiring('send').queueId, 'QueueName')])
    expect(alarms).toHaveLength(1)
    expect(alarms[0]!.Properties).toMatchObject({ Threshold: SEND_MAX_AGE, ComparisonOperator: 'GreaterThanThreshold' })
  })

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])('%s: alarms on any function error and any throttle', (key) => {
    const dimension: [string, unknown] = ['FunctionName', { Ref: stageWiring(key).functionId }]
    for (const metric of ['Errors', 'Throttles']) {
      const alarms = alarmsOn(template, metric, dimension)
      expect(alarms, metric).toHaveLength(1)
      expect(alarms[0]!.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })
    }
  })

  it('alarms on EventBridge failed invocations and DLQ deliveries for every rule', () => {
    for (const [ruleId] of ofType(template, 'AWS::Events::Rule')) {
      for (const metric of ['FailedInvocations', 'InvocationsSentToDlq', 'InvocationsFailedToBeSentToDlq']) {
        const alarms = alarmsOn(template, metric, ['RuleName', { Ref: ruleId }])
        expect(alarms, `${ruleId} ${metric}`).toHaveLength(1)
        expect(alarms[0]!.Properties).toMatchObject({ Threshold: 0, TreatMissingData: 'notBreaching' })
        expect(alarmMetrics(alarms[0]!)[0]!.namespace).toBe('AWS/Events')
      }
    }
  })

  it('alarms on the Genesys 429 rate and on permanent failures from the send function metrics', () => {
    const send: [string, unknown] = ['service', SERVICE_NAMES.send]
    const rateLimited = alarmsOn(template, METRIC_NAMES.genesysRateLimited, send)
    expect(rateLimited).toHaveLength(1)
    expect(rateLimited[0]!.Properties.Threshold).toBe(10)
    expect(alarmMetrics(rateLimited[0]!).map((m) => m.metricName)).toContain(METRIC_NAMES.messagesSent)
    const permanent = alarmsOn(template, METRIC_NAMES.genesysPermanentFailures, send).filter((a) => alarmMetrics(a).length === 1)
    expect(permanent).toHaveLength(1)
    expect(permanent[0]!.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })
    for (const alarm of [...rateLimited, ...permanent]) {
      expect(alarmMetrics(alarm).every((m) => m.namespace === METRICS_NAMESPACE)).toBe(true)
    }
  })

  it('has one dashboard showing events, triggers, message outcomes, queues, DLQs and functions', () => {
    const dashboards = ofType(template, 'AWS::CloudWatch::Dashboard')
    expect(dashboards).toHaveLength(1)
    const body = JSON.stringify(dashboards[0]![1].Properties.DashboardBody)
    for (const name of [
      'MatchedEvents',
      METRIC_NAMES.eventsReceived,
      METRIC_NAMES.availabilityTriggers,
      METRIC_NAMES.messagesRequested,
      METRIC_NAMES.messagesSent,
      METRIC_NAMES.messagesFailed,
      METRIC_NAMES.genesysRateLimited,
      METRIC_NAMES.messagesDeferred,
      METRIC_NAMES.capacityLookupFallbacks,
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Duration',
    ]) {
      expect(body, name).toContain(name)
    }
  })

  it('shows the reply rate and the served-by-the-triggering-agent rate per channel, and the time to reply', () => {
    const body = JSON.stringify(ofType(template, 'AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody)
    for (const channel of ['webmessaging', 'sms', 'whatsapp', 'open']) {
      expect(body).toContain(`100 * n_reply_${channel} / d_reply_${channel}`)
      expect(body).toContain(`100 * n_served_${channel} / d_served_${channel}`)
    }
    for (const name of [METRIC_NAMES.messagesAnswered, METRIC_NAMES.repliesServedByTriggeringAgent, METRIC_NAMES.timeToReply]) expect(body, name).toContain(name)
  })
})

describe('cdk-nag', () => {
  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks(stack)],
    ['Serverless', () => new ServerlessChecks(stack)],
  ])('%s: no unacknowledged findings', (_name, pack) => {
    const report = pack().validateScope(stack)
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([])
    expect(report.success).toBe(true)
  })

  it('gives every acknowledgement a rule id and a specific reason', () => {
    const acknowledgements = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason })))
    expect(acknowledgements.length).toBeGreaterThan(0)
    for (const ack of acknowledgements) {
      expect(ack.id).toMatch(/(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$/)
      expect(ack.reason.length, ack.id).toBeGreaterThan(40)
    }
  })

  it('says what rotating the Genesys secret would take, and points at a runbook section that exists', () => {
    const reasons = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.endsWith('AwsSolutions-SMG4'))
      .map(([, reason]) => reason)
    // The Genesys client secret's, and the reply-routing key's (docs/operations.md, Reply routing).
    expect(reasons).toHaveLength(2)
    const routingKey = reasons.find((r) => r.includes('reply-routing') || r.includes('data-action')) as string
    expect(routingKey).toMatch(/docs\/operations\.md, Reply routing\)/)
    expect(readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')).toContain('## Reply routing')
    const reason = reasons.find((r) => r !== routingKey) as string
    // Genesys can regenerate a client secret; what automatic rotation would need; the manual path.
    expect(reason).toContain('POST /api/v2/oauth/clients/{clientId}/secret')
    expect(reason).toMatch(/rotation Lambda/)
    expect(reason).toMatch(/second, more powerful OAuth client/)
    const section = /docs\/operations\.md, ([^)]+)\)/.exec(reason)?.[1]
    expect(section).toBe('Rotating the Genesys credentials')
    expect(readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')).toContain(`## ${section}`)
  })
})
