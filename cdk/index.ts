/** Public API for use in other CDK apps: `import { ProactiveMessaging } from 'genesys-proactive-messaging/cdk'`. */
export { ProactiveMessaging, RULE_TARGET_RETRY, type RoutedRule } from './proactive-messaging.ts'
export { ProactiveMessagingData, type ProactiveMessagingDataProps, type PipelineData, type ExistingData } from './pipeline-data.ts'
export { ProactiveMessagingCompute, type ProactiveMessagingComputeProps } from './pipeline-compute.ts'
export { ProactiveMessagingStack, type ProactiveMessagingStackProps } from './stack.ts'
export {
  resolveSettings,
  settingsFromContext,
  SettingError,
  PLACEHOLDER_ORG_ID,
  DEFAULT_EVENT_SOURCE_SUFFIX,
  LOG_RETENTION_DAYS,
  type ProactiveMessagingProps,
  type ResolvedSettings,
  type PartnerBusSource,
  type SettingName,
} from './settings.ts'
export { QueueFedFunction, StageQueues, BUNDLING, type QueueFedFunctionProps, type StageQueuesProps } from './queue-fed-function.ts'
export { PipelineMonitoring, type PipelineMonitoringProps, type MonitoredRule, type MonitoredStage } from './monitoring.ts'
export { functionEnvironments, configEnvironments, type FunctionKey, type PipelineResources } from './function-environment.ts'
