/**
 * Dashboard and alarms for the pipeline, built with cdk-monitoring-constructs. Alarms and their return to OK go
 * to an encrypted SNS topic (optionally with an e-mail subscription). Each alarm's description says what it means
 * and the first step, and links its runbook section (cdk/alarm-runbook.ts).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib'
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'
import type * as events from 'aws-cdk-lib/aws-events'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as kms from 'aws-cdk-lib/aws-kms'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import * as sns from 'aws-cdk-lib/aws-sns'
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'
import type * as sqs from 'aws-cdk-lib/aws-sqs'
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy, type CustomMetricGroup } from 'cdk-monitoring-constructs'
import { Construct } from 'constructs'
import { CHANNELS } from '#lib/domain/model.ts'
import { CHANNEL_METRICS, GENESYS_OPERATIONS, LATENCY_METRICS, METRIC_DIMENSIONS, METRIC_NAMES, METRICS_NAMESPACE, SERVICE_DIMENSION, SERVICE_NAMES, type MetricName } from '#lib/metrics-names.ts'
import { alarmGuidance, DEFAULT_RUNBOOK_URL, type AlarmKind } from './alarm-runbook.ts'

const FIVE_MINUTES = Duration.minutes(5)

export interface MonitoredStage {
  readonly name: string
  readonly function: lambda.IFunction
  readonly queue: sqs.IQueue
  readonly deadLetterQueue: sqs.IQueue
  readonly maxMessageAgeSeconds: number
}

export interface MonitoredRule {
  readonly name: string
  readonly rule: events.IRule
  readonly eventBusName: string
  readonly deadLetterQueue: sqs.IQueue
}

export interface PipelineMonitoringProps {
  /** Prefix of alarm and dashboard names; unique per account and region. */
  readonly namePrefix: string
  readonly stages: readonly MonitoredStage[]
  readonly rules: readonly MonitoredRule[]
  readonly alarmEmail?: string
  /** Alarm when more than this percentage of Genesys requests in 5 minutes are answered 429. */
  readonly rateLimitedAlarmPercent: number
  /** Base of every alarm's runbook link (each alarm adds its section's `#anchor`). @default 'docs/operations.md' */
  readonly runbookUrl?: string
}

function emf(name: MetricName, service: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: service },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label: label ?? name,
  })
}

function ruleMetric(rule: MonitoredRule, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: { EventBusName: rule.eventBusName, RuleName: rule.rule.ruleName },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label: `${rule.name} ${metricName}`,
  })
}

const breachOnAnyCount = (guidance: ReturnType<typeof alarmGuidance>) => ({
  threshold: 0,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  // These metrics are only published when non-zero.
  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
  ...guidance,
})

/** Each channel's series of a CHANNEL_METRICS count (emitted with the `channel` dimension by the send function). */
function byChannel(name: MetricName, service: string): cloudwatch.Metric[] {
  return CHANNELS.map(
    (channel) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { [SERVICE_DIMENSION]: service, [METRIC_DIMENSIONS.channel]: channel },
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label: `${name} ${channel}`,
      }),
  )
}

/**
 * Did it work: replies per channel as a share of messages sent, and the share of replies the triggering agent
 * served, per hour (a reply can come up to REPLY_WINDOW_HOURS after its message, so an hour's rate compares that
 * hour's replies with that hour's sends: a trend, not an exact ratio); the time to reply's median and p90.
 */
function replyGroups(): CustomMetricGroup[] {
  const { sessionRecorder, send } = SERVICE_NAMES
  const hourly = (metric: cloudwatch.Metric) => metric.with({ period: Duration.hours(1) })
  // One graph's expressions need distinct metric ids: `<what>_<channel>`.
  const rate = (id: string, label: string, numerator: cloudwatch.Metric, denominator: cloudwatch.Metric) =>
    new cloudwatch.MathExpression({ expression: `100 * n_${id} / d_${id}`, usingMetrics: { [`n_${id}`]: hourly(numerator), [`d_${id}`]: hourly(denominator) }, label, period: Duration.hours(1) })
  const answered = byChannel(METRIC_NAMES.messagesAnswered, sessionRecorder)
  const sent = byChannel(METRIC_NAMES.messagesSent, send)
  const servedByTrigger = byChannel(METRIC_NAMES.repliesServedByTriggeringAgent, sessionRecorder)
  const timeToReply = (statistic: 'p50' | 'p90') =>
    new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC_NAMES.timeToReply,
      dimensionsMap: { [SERVICE_DIMENSION]: sessionRecorder },
      statistic,
      period: Duration.hours(1),
      label: `time to reply ${statistic} (s)`,
    })
  return [
    {
      title: 'Reply rate per channel (% of messages sent, per hour)',
      metrics: CHANNELS.map((channel, i) => rate(`reply_${channel}`, `reply rate ${channel}`, answered[i] as cloudwatch.Metric, sent[i] as cloudwatch.Metric)),
    },
    {
      title: 'Replies served by the triggering agent per channel (% of replies, per hour)',
      metrics: CHANNELS.map((channel, i) => rate(`served_${channel}`, `served by triggering agent ${channel}`, servedByTrigger[i] as cloudwatch.Metric, answered[i] as cloudwatch.Metric)),
    },
    {
      title: 'Replies',
      metrics: [
        emf(METRIC_NAMES.messagesAnswered, sessionRecorder, 'answered'),
        emf(METRIC_NAMES.repliesServedByTriggeringAgent, sessionRecorder, 'served by the triggering agent'),
        emf(METRIC_NAMES.repliesServedByOtherAgent, sessionRecorder, 'served by another agent'),
        timeToReply('p50'),
        timeToReply('p90'),
      ],
    },
  ]
}

/** p50 and p99 of each Genesys operation, per function that makes it. */
function genesysLatencies(): cloudwatch.Metric[] {
  return Object.values(GENESYS_OPERATIONS).flatMap(({ operation, services }) =>
    services.flatMap((service) =>
      (['p50', 'p99'] as const).map(
        (statistic) =>
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: LATENCY_METRICS.genesysRequestLatency,
            dimensionsMap: { [SERVICE_DIMENSION]: service, [METRIC_DIMENSIONS.operation]: operation },
            statistic,
            period: FIVE_MINUTES,
            label: `${operation} (${service}) ${statistic}`,
          }),
      ),
    ),
  )
}

export class PipelineMonitoring extends Construct {
  readonly alarmTopic: sns.Topic
  readonly alarmTopicKey: kms.Key
  readonly facade: MonitoringFacade
  readonly dashboards: DefaultDashboardFactory
  private readonly runbookUrl: string

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id)
    this.runbookUrl = props.runbookUrl ?? DEFAULT_RUNBOOK_URL

    // CloudWatch can publish to an encrypted topic only with a customer managed key that allows it.
    // The key protects only in-flight alarm notifications, so it goes with the stack (after KMS's waiting period).
    this.alarmTopicKey = new kms.Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: `${props.namePrefix} alarm topic`,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    })
    this.alarmTopicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    )
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: this.alarmTopicKey, enforceSSL: true, displayName: `${props.namePrefix} alarms` })
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail))
      Validations.of(this.alarmTopic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'The only subscription is an operator e-mail; an undeliverable alarm e-mail leaves the alarm state visible in CloudWatch, and a DLQ for it would need its own alarm.',
      })
    }

    this.dashboards = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: props.namePrefix,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    })
    this.facade = new MonitoringFacade(this, 'Monitoring', {
      alarmFactoryDefaults: {
        alarmNamePrefix: props.namePrefix,
        actionsEnabled: true,
        // OK too: whoever was paged learns that it cleared, without opening the console.
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic, onOkTopic: this.alarmTopic }),
        datapointsToAlarm: 1,
        evaluationPeriods: 1,
        runbookLink: this.runbookUrl,
      },
      metricFactoryDefaults: { period: FIVE_MINUTES },
      dashboardFactory: this.dashboards,
    })

    this.addPipelineOverview(props)
    this.addGenesysAlarms(props)
    this.addEventBridgeMonitoring(props.rules)
    this.addStageMonitoring(props.stages)
  }

  private addPipelineOverview(props: PipelineMonitoringProps): void {
    const { sessionRecorder, presence, send, track } = SERVICE_NAMES
    const groups: CustomMetricGroup[] = [
      {
        title: 'Events in',
        metrics: [
          ...props.rules.map((rule) => ruleMetric(rule, 'MatchedEvents')),
          emf(METRIC_NAMES.eventsReceived, sessionRecorder, 'session-recorder received'),
          emf(METRIC_NAMES.eventsReceived, presence, 'presence received'),
          emf(METRIC_NAMES.eventsRejected, sessionRecorder, 'session-recorder rejected'),
          emf(METRIC_NAMES.eventsRejected, presence, 'presence rejected'),
        ],
      },
      {
        title: 'Sessions and triggers',
        metrics: [
          emf(METRIC_NAMES.sessionsRecorded, sessionRecorder),
          emf(METRIC_NAMES.availabilityTriggers, presence),
          emf(METRIC_NAMES.messagesRequested, presence),
          emf(METRIC_NAMES.messagesCapped, presence, 'suppressed (presence)'),
          emf(METRIC_NAMES.messagesClaimedElsewhere, presence, 'claimed by a concurrent trigger'),
        ],
      },
      {
        title: 'Outbox: fan-outs not published at once',
        metrics: [
          emf(METRIC_NAMES.fanOutsPending, presence, 'pending (publish failed, retried)'),
          emf(METRIC_NAMES.fanOutsCompletedLate, presence, 'completed late'),
          emf(METRIC_NAMES.fanOutsLeftPending, presence, 'left pending after the last receive'),
          emf(METRIC_NAMES.messagesOverOutboxLimit, presence, 'over the outbox bound'),
        ],
      },
      {
        title: 'Messages',
        metrics: [
          emf(METRIC_NAMES.messagesSent, send),
          emf(METRIC_NAMES.messagesFailed, send),
          emf(METRIC_NAMES.messagesDeadLettered, send),
          emf(METRIC_NAMES.messagesExpired, send),
          emf(METRIC_NAMES.messagesCapped, send, 'suppressed (send)'),
          emf(METRIC_NAMES.messagesCustomerBusy, presence, 'customer busy (presence)'),
          emf(METRIC_NAMES.messagesCustomerBusy, send, 'customer busy (send)'),
        ],
      },
      {
        title: 'Unknown outcomes: looked up in Genesys',
        metrics: [
          emf(METRIC_NAMES.outcomesUnknown, send, 'answer lost (send)'),
          emf(METRIC_NAMES.unknownOutcomeLookups, track, 'look-ups'),
          emf(METRIC_NAMES.messagesRecovered, track, 'found: sent'),
          emf(METRIC_NAMES.messagesResent, track, 'not found: sent again'),
          emf(METRIC_NAMES.messagesDeadLettered, track, 'not settled: dead-lettered'),
          emf(METRIC_NAMES.lookupsFailed, track, 'look-ups failed'),
        ],
      },
      {
        title: 'Operator controls: not sent on purpose',
        metrics: [
          emf(METRIC_NAMES.triggersPaused, presence, 'triggers paused (presence)'),
          emf(METRIC_NAMES.messagesPaused, send, 'paused (send)'),
          emf(METRIC_NAMES.messagesDryRun, send, 'dry run'),
          emf(METRIC_NAMES.messagesOptedOut, send, 'opted out'),
          emf(METRIC_NAMES.messagesQuietHours, send, 'quiet hours'),
          emf(METRIC_NAMES.requestsUnknownSession, send, 'unknown session (dead-lettered)'),
          emf(METRIC_NAMES.triggersOutsidePilot, presence, 'triggers outside pilot'),
          emf(METRIC_NAMES.messagesOutsidePilot, presence, 'customers outside pilot queues'),
        ],
      },
      {
        title: 'Capacity: as many customers as agents can serve',
        metrics: [
          emf(METRIC_NAMES.messagesRequested, presence, 'requested'),
          emf(METRIC_NAMES.messagesDeferred, presence, 'deferred to a later trigger'),
          emf(METRIC_NAMES.capacityLookupFallbacks, presence, 'capacity lookups failed (fallback limit)'),
          emf(METRIC_NAMES.messagesIneligible, presence, 'not eligible (unserved only, excluded wrap-up codes)'),
        ],
      },
      { title: 'Messages sent per channel', metrics: byChannel(METRIC_NAMES.messagesSent, send) },
      { title: 'Messages failed and dead-lettered per channel', metrics: CHANNEL_METRICS.filter((name) => name !== METRIC_NAMES.messagesSent).flatMap((name) => byChannel(name, send)) },
      ...replyGroups(),
      { title: 'Genesys request latency (p50, p99) per operation', metrics: genesysLatencies() },
      {
        title: 'Genesys responses',
        metrics: [
          emf(METRIC_NAMES.genesysRateLimited, send, '429 rate limited'),
          emf(METRIC_NAMES.genesysPermanentFailures, send, 'permanent (4xx)'),
          emf(METRIC_NAMES.genesysTransientFailures, send, 'transient (5xx, timeout)'),
        ],
      },
    ]
    this.facade.addLargeHeader(`${props.namePrefix}: proactive messaging pipeline`)
    this.facade.monitorCustom({ alarmFriendlyName: 'Pipeline', humanReadableName: 'Pipeline at a glance', metricGroups: groups })
  }

  private addGenesysAlarms(props: PipelineMonitoringProps): void {
    const { send } = SERVICE_NAMES
    const rateLimitedPercent = new cloudwatch.MathExpression({
      label: 'Genesys 429 %',
      period: FIVE_MINUTES,
      expression: '100 * FILL(limited, 0) / (FILL(limited, 0) + FILL(sent, 0) + FILL(permanent, 0) + FILL(transient, 0))',
      usingMetrics: {
        limited: emf(METRIC_NAMES.genesysRateLimited, send),
        sent: emf(METRIC_NAMES.messagesSent, send),
        permanent: emf(METRIC_NAMES.genesysPermanentFailures, send),
        transient: emf(METRIC_NAMES.genesysTransientFailures, send),
      },
    })
    this.facade.monitorCustom({
      alarmFriendlyName: 'Genesys',
      humanReadableName: 'Genesys API',
      metricGroups: [
        {
          title: 'Genesys alarms',
          metrics: [
            {
              metric: rateLimitedPercent,
              alarmFriendlyName: 'GenesysRateLimitedPercent',
              addAlarm: {
                Warning: {
                  threshold: props.rateLimitedAlarmPercent,
                  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                  ...this.guide('genesysRateLimited', 'Genesys'),
                },
              },
            },
            {
              metric: emf(METRIC_NAMES.genesysPermanentFailures, send),
              alarmFriendlyName: 'GenesysPermanentFailures',
              addAlarm: { Critical: breachOnAnyCount(this.guide('genesysPermanentFailures', 'send')) },
            },
          ],
        },
      ],
    })
  }

  private addEventBridgeMonitoring(rules: readonly MonitoredRule[]): void {
    this.facade.addMediumHeader('EventBridge rules')
    for (const rule of rules) {
      this.facade.monitorCustom({
        alarmFriendlyName: `Rule-${rule.name}`,
        humanReadableName: `Rule ${rule.name}`,
        metricGroups: [
          {
            title: `${rule.name}: delivery to the queue`,
            metrics: [
              {
                metric: ruleMetric(rule, 'FailedInvocations'),
                alarmFriendlyName: 'FailedInvocations',
                addAlarm: { Critical: breachOnAnyCount(this.guide('ruleFailedInvocations', rule.name)) },
              },
              {
                metric: ruleMetric(rule, 'InvocationsSentToDlq'),
                alarmFriendlyName: 'InvocationsSentToDlq',
                addAlarm: { Critical: breachOnAnyCount(this.guide('ruleSentToDlq', rule.name)) },
              },
              {
                metric: ruleMetric(rule, 'InvocationsFailedToBeSentToDlq'),
                alarmFriendlyName: 'InvocationsFailedToBeSentToDlq',
                addAlarm: { Critical: breachOnAnyCount(this.guide('ruleLostEvents', rule.name)) },
              },
            ],
          },
        ],
      })
      this.facade.monitorSqsQueue({
        queue: rule.deadLetterQueue,
        alarmFriendlyName: `${rule.name}-RuleDLQ`,
        humanReadableName: `${rule.name} rule DLQ`,
        addQueueMaxSizeAlarm: { Critical: { maxMessageCount: 0, treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING, ...this.guide('ruleDeadLetters', rule.name) } },
      })
    }
  }

  private addStageMonitoring(stages: readonly MonitoredStage[]): void {
    this.facade.addMediumHeader('Stages: queues and functions')
    for (const stage of stages) {
      this.facade.monitorSqsQueueWithDlq({
        queue: stage.queue,
        deadLetterQueue: stage.deadLetterQueue,
        alarmFriendlyName: `${stage.name}-Queue`,
        humanReadableName: `${stage.name} queue`,
        addQueueMaxMessageAgeAlarm: {
          Warning: { maxAgeInSeconds: stage.maxMessageAgeSeconds, treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING, ...this.guide('queueAge', stage.name) },
        },
        addDeadLetterQueueMaxSizeAlarm: {
          Critical: { maxMessageCount: 0, treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING, ...this.guide('stageDeadLetters', stage.name) },
        },
      })
      this.facade.monitorLambdaFunction({
        lambdaFunction: stage.function,
        alarmFriendlyName: `${stage.name}-Function`,
        humanReadableName: `${stage.name} function`,
        addFaultCountAlarm: { Critical: { maxErrorCount: 0, ...this.guide('functionFaults', stage.name) } },
        addThrottlesCountAlarm: { Critical: { maxErrorCount: 0, ...this.guide('functionThrottles', stage.name) } },
      })
    }
  }

  private guide(kind: AlarmKind, subject: string): ReturnType<typeof alarmGuidance> {
    return alarmGuidance(kind, subject, this.runbookUrl)
  }
}
