/**
 * The environment of each function: exactly the variable names lib/config.ts reads, plus Powertools and Node
 * settings. Validated at synth with the same zod schemas the functions use at start, so a setting the function
 * would reject fails `cdk synth` instead of the first invocation.
 */
import { Token } from 'aws-cdk-lib'
import type { z } from 'zod'
import { presenceConfigSchema, replyRoutingConfigSchema, sendConfigSchema, sessionRecorderConfigSchema, trackConfigSchema } from '#lib/config.ts'
import { METRICS_NAMESPACE, SERVICE_NAMES } from '#lib/metrics-names.ts'
import { STAGES, type FUNCTIONS } from '#lib/topology.ts'
import { SettingError, type ResolvedSettings, type SettingName } from './settings.ts'

export type FunctionKey = keyof typeof FUNCTIONS

/** Resource names and ARNs (usually tokens) the environments refer to. */
export interface PipelineResources {
  readonly sessionsTableName: string
  readonly stateTableName: string
  readonly appEventBusName: string
  readonly sendDlqUrl: string
  readonly sendQueueUrl: string
  readonly trackQueueUrl: string
  readonly genesysSecretArn: string
  readonly sendMaxConcurrency: number
}

type Env = Record<string, string>

export const CONFIG_SCHEMAS: Record<FunctionKey, z.ZodType> = {
  sessionRecorder: sessionRecorderConfigSchema,
  presence: presenceConfigSchema,
  send: sendConfigSchema,
  track: trackConfigSchema,
}

/** Which setting each configuration variable comes from, to name it in a synth error and in the settings table. */
export const SETTING_OF_VARIABLE: Readonly<Record<string, SettingName>> = {
  GENESYS_ORG_ID: 'genesysOrgId',
  GENESYS_SECRET_ARN: 'genesysSecretArn',
  QUEUE_CACHE_MINUTES: 'queueCacheMinutes',
  MAX_MESSAGES_PER_TRIGGER: 'maxMessagesPerTrigger',
  FALLBACK_MESSAGES_PER_TRIGGER: 'fallbackMessagesPerTrigger',
  ELIGIBLE_SESSIONS: 'eligibleSessions',
  EXCLUDE_WRAPUP_CODES: 'excludeWrapupCodes',
  CAPACITY_CACHE_MINUTES: 'capacityCacheMinutes',
  GENESYS_TIMEOUT_MS: 'genesysTimeoutMs',
  RETRY_BASE_SECONDS: 'retryBaseSeconds',
  RETRY_MAX_SECONDS: 'retryMaxSeconds',
  MESSAGE_TEXT_WEBMESSAGING: 'messageTextWebMessaging',
  MESSAGE_TEXT_SMS: 'messageTextSms',
  WHATSAPP_TEMPLATE_BODY_PARAMETERS: 'whatsappTemplateBodyParameters',
  WHATSAPP_TEMPLATE_HEADER_PARAMETERS: 'whatsappTemplateHeaderParameters',
  MESSAGE_TEXT_OPEN: 'messageTextOpen',
  TARGET_SCOPE: 'scope',
  SENDING_MODE: 'sendingMode',
  ENABLED_AGENT_IDS: 'enabledAgentIds',
  ENABLED_QUEUE_IDS: 'enabledQueueIds',
  ENABLED_CHANNELS: 'enabledChannels',
  QUIET_HOURS: 'quietHours',
  QUIET_HOURS_TIMEZONE: 'quietHoursTimezone',
  QUIET_HOURS_WEBMESSAGING: 'quietHoursWebMessaging',
  QUIET_HOURS_SMS: 'quietHoursSms',
  QUIET_HOURS_WHATSAPP: 'quietHoursWhatsapp',
  QUIET_HOURS_OPEN: 'quietHoursOpen',
  AVAILABLE_PRESENCES: 'availablePresences',
  AVAILABLE_ROUTING_STATUSES: 'availableRoutingStatuses',
  WINDOW_HOURS: 'windowHours',
  CAP_HOURS: 'capHours',
  ACTIVE_CONVERSATION_STALE_HOURS: 'activeConversationStaleHours',
  REPLY_WINDOW_HOURS: 'replyWindowHours',
  COOLDOWN_MINUTES: 'cooldownMinutes',
  MAX_DELAY_MINUTES: 'maxDelayMinutes',
  GENESYS_REGION: 'genesysRegion',
  GENESYS_BUDGET_PER_MINUTE: 'budgetPerMinute',
  GENESYS_BUDGET_HEADROOM: 'budgetHeadroom',
  MESSAGE_TEXT: 'messageText',
  BRAND_NAME: 'brandName',
  WEBMESSAGING_DEPLOYMENT_ID: 'webMessagingDeploymentId',
  SMS_FROM_NUMBER: 'smsFromNumber',
  WHATSAPP_INTEGRATION_ID: 'whatsappIntegrationId',
  WHATSAPP_TEMPLATE_ID: 'whatsappTemplateId',
  OPEN_INTEGRATION_ID: 'openIntegrationId',
  UNKNOWN_OUTCOME_LOOKUPS: 'unknownOutcomeLookups',
  RESEND_IF_NOT_FOUND: 'resendIfNotFound',
}

/**
 * Configuration variables that no setting sets, and why. Every variable a function reads is either here or in
 * SETTING_OF_VARIABLE (test/unit/settings-docs.test.ts checks it), so nothing a user may need is out of reach.
 */
export const VARIABLES_NOT_FROM_SETTINGS: Readonly<Record<string, string>> = {
  SESSIONS_TABLE_NAME: 'set by the stack (its sessions table)',
  STATE_TABLE_NAME: 'set by the stack (its state table)',
  APP_EVENT_BUS_NAME: 'set by the stack (its app bus)',
  SEND_DLQ_URL: "set by the stack (the send stage's dead-letter queue)",
  SEND_QUEUE_URL: 'set by the stack (the send queue, where track puts a request it sends again)',
  TRACK_QUEUE_URL: 'set by the stack (the track queue: look-up jobs)',
  SEND_ATTEMPT_TIMEOUT_SECONDS: "set by the stack to the send function's timeout (lib/topology.ts), which it must equal",
  GENESYS_GATEWAY_URL: 'not settable: local run and tests only; a deployed stack calls the Genesys region hosts',
  AWS_REGION: 'set by Lambda (the region the function runs in)',
  AWS_ENDPOINT_URL_DYNAMODB: 'not settable: local run and tests only; a deployed function uses the AWS endpoints',
  AWS_ENDPOINT_URL_EVENTBRIDGE: 'not settable: local run and tests only; a deployed function uses the AWS endpoints',
  AWS_ENDPOINT_URL_SQS: 'not settable: local run and tests only; a deployed function uses the AWS endpoints',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: 'not settable: local run and tests only; a deployed function uses the AWS endpoints',
}

function runtimeEnv(key: FunctionKey, settings: ResolvedSettings): Env {
  return {
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES[key],
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    NODE_OPTIONS: '--enable-source-maps',
  }
}

/** Variables a function reads through lib/config.ts (everything except the runtime settings above). */
export function configEnvironments(settings: ResolvedSettings, resources: PipelineResources): Record<FunctionKey, Env> {
  const window = { WINDOW_HOURS: String(settings.windowHours) }
  const cap = { CAP_HOURS: String(settings.capHours) }
  const busy = { ACTIVE_CONVERSATION_STALE_HOURS: String(settings.activeConversationStaleHours) }
  const replies = { REPLY_WINDOW_HOURS: String(settings.replyWindowHours) }
  const genesys = {
    GENESYS_REGION: settings.genesysRegion,
    GENESYS_SECRET_ARN: resources.genesysSecretArn,
    GENESYS_TIMEOUT_MS: String(settings.genesysTimeoutMs),
  }
  const quiet: Env = { QUIET_HOURS_TIMEZONE: settings.quietHoursTimezone }
  if (settings.quietHours !== undefined) quiet.QUIET_HOURS = settings.quietHours
  if (settings.quietHoursWebMessaging !== undefined) quiet.QUIET_HOURS_WEBMESSAGING = settings.quietHoursWebMessaging
  if (settings.quietHoursSms !== undefined) quiet.QUIET_HOURS_SMS = settings.quietHoursSms
  if (settings.quietHoursWhatsapp !== undefined) quiet.QUIET_HOURS_WHATSAPP = settings.quietHoursWhatsapp
  if (settings.quietHoursOpen !== undefined) quiet.QUIET_HOURS_OPEN = settings.quietHoursOpen
  const channelTexts: Env = {}
  if (settings.messageTextWebMessaging !== undefined) channelTexts.MESSAGE_TEXT_WEBMESSAGING = settings.messageTextWebMessaging
  if (settings.messageTextSms !== undefined) channelTexts.MESSAGE_TEXT_SMS = settings.messageTextSms
  if (settings.messageTextOpen !== undefined) channelTexts.MESSAGE_TEXT_OPEN = settings.messageTextOpen
  if (settings.whatsappTemplateBodyParameters !== undefined) channelTexts.WHATSAPP_TEMPLATE_BODY_PARAMETERS = JSON.stringify(settings.whatsappTemplateBodyParameters)
  if (settings.whatsappTemplateHeaderParameters !== undefined) channelTexts.WHATSAPP_TEMPLATE_HEADER_PARAMETERS = JSON.stringify(settings.whatsappTemplateHeaderParameters)
  // The functions check the org as well as the rules do (defence in depth), once a real org is known.
  const bus = settings.partnerBus
  const orgId = bus.kind === 'create' ? (bus.placeholder ? undefined : bus.orgId) : bus.orgId
  const trustedOrg: Env = orgId ? { GENESYS_ORG_ID: orgId } : {}
  return {
    sessionRecorder: {
      SESSIONS_TABLE_NAME: resources.sessionsTableName,
      STATE_TABLE_NAME: resources.stateTableName,
      APP_EVENT_BUS_NAME: resources.appEventBusName,
      ...window,
      ...replies,
      ...trustedOrg,
    },
    presence: {
      ...trustedOrg,
      SESSIONS_TABLE_NAME: resources.sessionsTableName,
      STATE_TABLE_NAME: resources.stateTableName,
      APP_EVENT_BUS_NAME: resources.appEventBusName,
      TARGET_SCOPE: settings.scope,
      SENDING_MODE: settings.sendingMode,
      ENABLED_AGENT_IDS: settings.enabledAgentIds.join(','),
      ENABLED_QUEUE_IDS: settings.enabledQueueIds.join(','),
      ENABLED_CHANNELS: settings.enabledChannels.join(','),
      AVAILABLE_PRESENCES: settings.availablePresences.join(','),
      AVAILABLE_ROUTING_STATUSES: settings.availableRoutingStatuses.join(','),
      COOLDOWN_MINUTES: String(settings.cooldownMinutes),
      QUEUE_CACHE_MINUTES: String(settings.queueCacheMinutes),
      MAX_MESSAGES_PER_TRIGGER: String(settings.maxMessagesPerTrigger),
      FALLBACK_MESSAGES_PER_TRIGGER: String(settings.fallbackMessagesPerTrigger),
      CAPACITY_CACHE_MINUTES: String(settings.capacityCacheMinutes),
      ELIGIBLE_SESSIONS: settings.eligibleSessions,
      EXCLUDE_WRAPUP_CODES: settings.excludeWrapupCodes.join(','),
      ...window,
      ...cap,
      ...busy,
      ...genesys,
    },
    send: {
      SESSIONS_TABLE_NAME: resources.sessionsTableName,
      ...window,
      STATE_TABLE_NAME: resources.stateTableName,
      APP_EVENT_BUS_NAME: resources.appEventBusName,
      SEND_DLQ_URL: resources.sendDlqUrl,
      SENDING_MODE: settings.sendingMode,
      ...quiet,
      MAX_DELAY_MINUTES: String(settings.maxDelayMinutes),
      ...cap,
      ...replies,
      ...busy,
      SEND_ATTEMPT_TIMEOUT_SECONDS: String(STAGES.send.functionTimeoutSeconds),
      RETRY_BASE_SECONDS: String(settings.retryBaseSeconds),
      RETRY_MAX_SECONDS: String(settings.retryMaxSeconds),
      GENESYS_BUDGET_PER_MINUTE: String(settings.budgetPerMinute),
      GENESYS_BUDGET_HEADROOM: String(settings.budgetHeadroom),
      MESSAGE_TEXT: settings.messageText,
      ...channelTexts,
      BRAND_NAME: settings.brandName,
      WEBMESSAGING_DEPLOYMENT_ID: settings.webMessagingDeploymentId,
      SMS_FROM_NUMBER: settings.smsFromNumber,
      WHATSAPP_INTEGRATION_ID: settings.whatsappIntegrationId,
      WHATSAPP_TEMPLATE_ID: settings.whatsappTemplateId,
      OPEN_INTEGRATION_ID: settings.openIntegrationId,
      TRACK_QUEUE_URL: resources.trackQueueUrl,
      UNKNOWN_OUTCOME_LOOKUPS: settings.unknownOutcomeLookups,
      ...genesys,
    },
    track: {
      STATE_TABLE_NAME: resources.stateTableName,
      APP_EVENT_BUS_NAME: resources.appEventBusName,
      SEND_DLQ_URL: resources.sendDlqUrl,
      SEND_QUEUE_URL: resources.sendQueueUrl,
      TRACK_QUEUE_URL: resources.trackQueueUrl,
      UNKNOWN_OUTCOME_LOOKUPS: settings.unknownOutcomeLookups,
      RESEND_IF_NOT_FOUND: String(settings.resendIfNotFound),
      MAX_DELAY_MINUTES: String(settings.maxDelayMinutes),
      GENESYS_BUDGET_PER_MINUTE: String(settings.budgetPerMinute),
      GENESYS_BUDGET_HEADROOM: String(settings.budgetHeadroom),
      ...genesys,
    },
  }
}

/** Tokens (table names, URLs) are only known at deploy; stand-ins let the schema check everything else. */
function withStandIns(env: Env): Env {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      if (!Token.isUnresolved(value)) return [name, value]
      return [name, name.endsWith('_URL') ? 'https://sqs.us-east-1.amazonaws.com/123456789012/stand-in' : 'stand-in-resolved-at-deploy']
    }),
  )
}

export function validateEnvironment(key: FunctionKey, env: Env): void {
  const result = CONFIG_SCHEMAS[key].safeParse(withStandIns(env))
  if (result.success) return
  const issue = result.error.issues[0]!
  const variable = String(issue.path[0])
  const setting = SETTING_OF_VARIABLE[variable]
  if (setting) throw new SettingError(setting, `${variable} would be rejected by the ${key} function: ${issue.message}`)
  throw new Error(`The ${key} function would reject its environment: ${variable}: ${issue.message}`)
}

export function functionEnvironments(settings: ResolvedSettings, resources: PipelineResources): Record<FunctionKey, Env> {
  const config = configEnvironments(settings, resources)
  const keys = Object.keys(config) as FunctionKey[]
  for (const key of keys) validateEnvironment(key, config[key])
  return Object.fromEntries(keys.map((key) => [key, { ...config[key], ...runtimeEnv(key, settings) }])) as Record<FunctionKey, Env>
}

/** The reply-routing look-up's environment (its secret's ARN is added by the construct), validated like the others. */
export function replyRoutingEnvironment(settings: ResolvedSettings, resources: Pick<PipelineResources, 'stateTableName'>): Env {
  const env: Env = { STATE_TABLE_NAME: resources.stateTableName, REPLY_WINDOW_HOURS: String(settings.replyWindowHours) }
  const result = replyRoutingConfigSchema.safeParse(withStandIns(env))
  if (!result.success) throw new Error(`The reply-routing function would reject its environment: ${result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`).join('; ')}`)
  return {
    ...env,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.replyRouting,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    NODE_OPTIONS: '--enable-source-maps',
  }
}
