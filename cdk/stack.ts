/**
 * The deployable stack: one ProactiveMessaging construct configured from cdk.json context (or explicit props),
 * plus outputs an operator and the `proactive` CLI need (queue URLs, bus and table names, the secret ARN).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { ProactiveMessaging } from './proactive-messaging.ts'
import { checkContextKeys, settingsFromContext, type ProactiveMessagingProps } from './settings.ts'

export interface ProactiveMessagingStackProps extends StackProps {
  /** Settings; each one overrides the cdk.json context key of the same name. */
  readonly settings?: ProactiveMessagingProps
}

export class ProactiveMessagingStack extends Stack {
  readonly pipeline: ProactiveMessaging

  constructor(scope: Construct, id: string, props: ProactiveMessagingStackProps = {}) {
    super(scope, id, props)
    checkContextKeys(this.node.getAllContext() as Record<string, unknown>)
    const fromContext = settingsFromContext((key) => this.node.tryGetContext(key))
    this.pipeline = new ProactiveMessaging(this, 'ProactiveMessaging', { ...fromContext, ...props.settings })

    const p = this.pipeline
    const outputs: Record<string, string> = {
      PartnerEventBusName: p.partnerBus.eventBusName,
      AppEventBusName: p.appBus.eventBusName,
      AppEventsArchiveName: p.archive.archiveName,
      PartnerEventsArchiveName: p.partnerArchive.archiveName,
      SessionsTableName: p.sessionsTable.tableName,
      StateTableName: p.stateTable.tableName,
      /** The SENDING_MODE the functions were deployed with (`proactive status`; `proactive mode` overrides it). */
      SendingMode: p.settings.sendingMode,
      /** `default` when sendingMode was not set: the stack started in dry-run (`proactive status` says so first). */
      SendingModeSource: p.settings.sendingModeSet ? 'setting' : 'default',
      GenesysSecretArn: p.genesysSecret.secretArn,
      AlarmTopicArn: p.monitoring.alarmTopic.topicArn,
      SessionRecorderQueueUrl: p.sessionRecorder.queue.queueUrl,
      SessionRecorderQueueArn: p.sessionRecorder.queue.queueArn,
      SessionRecorderDlqUrl: p.sessionRecorder.deadLetterQueue.queueUrl,
      SessionRecorderDlqArn: p.sessionRecorder.deadLetterQueue.queueArn,
      PresenceQueueUrl: p.presence.queue.queueUrl,
      PresenceQueueArn: p.presence.queue.queueArn,
      PresenceDlqUrl: p.presence.deadLetterQueue.queueUrl,
      PresenceDlqArn: p.presence.deadLetterQueue.queueArn,
      SendQueueUrl: p.send.queue.queueUrl,
      SendQueueArn: p.send.queue.queueArn,
      SendDlqUrl: p.send.deadLetterQueue.queueUrl,
      SendDlqArn: p.send.deadLetterQueue.queueArn,
      TrackQueueUrl: p.track.queue.queueUrl,
      TrackQueueArn: p.track.queue.queueArn,
      TrackDlqUrl: p.track.deadLetterQueue.queueUrl,
      TrackDlqArn: p.track.deadLetterQueue.queueArn,
      ConversationEventsRuleDlqUrl: p.rules.conversationEvents.deadLetterQueue.queueUrl,
      ConversationEventsRuleDlqArn: p.rules.conversationEvents.deadLetterQueue.queueArn,
      AgentEventsRuleDlqUrl: p.rules.agentEvents.deadLetterQueue.queueUrl,
      AgentEventsRuleDlqArn: p.rules.agentEvents.deadLetterQueue.queueArn,
      MessageRequestedRuleDlqUrl: p.rules.messageRequested.deadLetterQueue.queueUrl,
      MessageRequestedRuleDlqArn: p.rules.messageRequested.deadLetterQueue.queueArn,
    }
    if (p.replyRouting) {
      /** The data action's request URL (POST), and the secret holding the key it presents. */
      outputs.ReplyRoutingUrl = p.replyRouting.url.url
      outputs.ReplyRoutingSecretArn = p.replyRouting.secret.secretArn
    }
    const dashboard = p.monitoring.dashboards.dashboard
    if (dashboard) outputs.DashboardName = dashboard.dashboardName
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value })
  }
}
