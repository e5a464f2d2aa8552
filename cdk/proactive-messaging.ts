/**
 * The whole pipeline as one construct: Genesys partner bus → rules → SQS → session-recorder and presence;
 * presence → app bus → rule → SQS → send → Genesys. Every hop retries and dead-letters (docs/architecture.md).
 *
 * The convenience composition of the two halves: ProactiveMessagingData (tables, buses, queues and DLQs, secret)
 * and ProactiveMessagingCompute (functions, rules, alarms, dashboard). To deploy them apart (e.g. a data stack
 * and a compute stack), use the two constructs directly. The data is this construct's `Data` child.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb'
import type * as events from 'aws-cdk-lib/aws-events'
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager'
import type { Construct } from 'constructs'
import { ProactiveMessagingCompute } from './pipeline-compute.ts'
import { ProactiveMessagingData, type ProactiveMessagingDataProps } from './pipeline-data.ts'

export { CODE_ROOT, RULE_TARGET_RETRY, type RoutedRule } from './pipeline-compute.ts'

export class ProactiveMessaging extends ProactiveMessagingCompute {
  declare readonly data: ProactiveMessagingData

  constructor(scope: Construct, id: string, props: ProactiveMessagingDataProps = {}) {
    const { existing: _passedToData, ...settings } = props
    super(scope, id, { ...settings, data: (self) => new ProactiveMessagingData(self, 'Data', props) })
  }

  get partnerBus(): events.IEventBus {
    return this.data.partnerBus
  }
  get appBus(): events.IEventBus {
    return this.data.appBus
  }
  get archive(): events.Archive {
    return this.data.archive
  }
  /** Archive of the Genesys events the partner-bus rules consume (`proactive replay`). */
  get partnerArchive(): events.Archive {
    return this.data.partnerArchive
  }
  get sessionsTable(): dynamodb.ITable {
    return this.data.sessionsTable
  }
  get stateTable(): dynamodb.ITable {
    return this.data.stateTable
  }
  get genesysSecret(): secretsmanager.ISecret {
    return this.data.genesysSecret
  }
}
