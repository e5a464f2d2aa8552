/**
 * Function configuration: one zod schema per function, read from the environment. The CDK stack sets these
 * variables and the local cloud passes the same names, so both run the handlers with one configuration shape.
 * A bad setting fails at start with an error naming the variable.
 */
import { z } from 'zod'
import { CHANNELS, type Channel } from './domain/model.ts'
import { E164, type ChannelSettings } from './domain/payload.ts'
import { findUnknownPlaceholders } from './domain/template.ts'

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
    // An empty list would silently mean "never available": the function could never fire.
    .refine((items) => items.length > 0, 'must list at least one value, e.g. ' + fallback)

const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback)

export const DEFAULTS = {
  scope: 'agent',
  availablePresences: 'AVAILABLE,ON_QUEUE',
  availableRoutingStatuses: 'IDLE',
  windowHours: 24,
  capHours: 24,
  cooldownMinutes: 10,
  maxDelayMinutes: 15,
  queueCacheMinutes: 5,
  budgetPerMinute: 300,
  budgetHeadroom: 0.95,
  text: 'An agent is available now. Reply here to continue your conversation.',
  fromAddress: {
    webmessaging: '00000000-0000-4000-8000-00000000d3b1',
    sms: '+13175550100',
    whatsapp: '00000000-0000-4000-8000-0000000000a1',
    open: '00000000-0000-4000-8000-0000000000b2',
  },
  whatsappTemplateId: '00000000-0000-4000-8000-0000000000c3',
} as const

const tableName = z.string().min(3, 'must be a DynamoDB table name (at least 3 characters)')

/** The Genesys Cloud org whose events are trusted (lib/domain/source-trust.ts); unset trusts any Genesys Cloud org. */
const genesysOrgId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,128}$/, 'must be a Genesys Cloud org id such as 32aa07aa-db1b-4987-abd0-9483601ec29d')
  .optional()

const genesysConnection = {
  /** Region host (e.g. mypurecloud.ie) or SDK key (e.g. eu_west_1). */
  GENESYS_REGION: z.string().default('mypurecloud.com'),
  /** Secrets Manager secret holding `{"clientId":"…","clientSecret":"…"}`. */
  GENESYS_SECRET_ARN: z.string().optional(),
  /** http(s)://host:port of a gateway (the local Genesys simulator); overrides the region hosts. */
  GENESYS_GATEWAY_URL: z.url().optional(),
  GENESYS_TIMEOUT_MS: positiveNumber(10_000),
}

/**
 * The region Lambda sets and the standard `AWS_ENDPOINT_URL_<SERVICE>` overrides (the local cloud points them at
 * local services). Part of every function's schema, so a handler reads nothing from its environment but its config.
 */
const awsEnvironment = {
  AWS_REGION: z.string().min(1).optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_EVENTBRIDGE: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
}

export const sessionRecorderConfigSchema = z.object({
  ...awsEnvironment,
  SESSIONS_TABLE_NAME: tableName,
  GENESYS_ORG_ID: genesysOrgId,
  WINDOW_HOURS: positiveNumber(DEFAULTS.windowHours),
  CAP_HOURS: positiveNumber(DEFAULTS.capHours),
})

export const presenceConfigSchema = z.object({
  ...awsEnvironment,
  SESSIONS_TABLE_NAME: tableName,
  GENESYS_ORG_ID: genesysOrgId,
  STATE_TABLE_NAME: tableName,
  APP_EVENT_BUS_NAME: z.string().min(1),
  TARGET_SCOPE: z.enum(['agent', 'queue']).default(DEFAULTS.scope),
  AVAILABLE_PRESENCES: csv(DEFAULTS.availablePresences),
  AVAILABLE_ROUTING_STATUSES: csv(DEFAULTS.availableRoutingStatuses),
  WINDOW_HOURS: positiveNumber(DEFAULTS.windowHours),
  CAP_HOURS: positiveNumber(DEFAULTS.capHours),
  COOLDOWN_MINUTES: z.coerce.number().nonnegative().default(DEFAULTS.cooldownMinutes),
  QUEUE_CACHE_MINUTES: z.coerce.number().nonnegative().default(DEFAULTS.queueCacheMinutes),
  ...genesysConnection,
})

const text = z.string().min(1).max(4000)

export const sendConfigSchema = z
  .object({
    ...awsEnvironment,
    STATE_TABLE_NAME: tableName,
    APP_EVENT_BUS_NAME: z.string().min(1),
    SEND_DLQ_URL: z.url(),
    MAX_DELAY_MINUTES: positiveNumber(DEFAULTS.maxDelayMinutes),
    CAP_HOURS: positiveNumber(DEFAULTS.capHours),
    GENESYS_BUDGET_PER_MINUTE: positiveNumber(DEFAULTS.budgetPerMinute),
    /** Share of the budget actually used, leaving room for other callers of the same OAuth client. */
    GENESYS_BUDGET_HEADROOM: z.coerce.number().gt(0).max(1).default(DEFAULTS.budgetHeadroom),
    /** An attempt that started longer ago than this and never finished died with its worker (the function timeout). */
    SEND_ATTEMPT_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
    /** First retry delay after a transient Genesys failure; doubles with each delivery, with jitter. */
    RETRY_BASE_SECONDS: z.coerce.number().nonnegative().max(900).default(10),
    /** Longest retry delay after a transient failure (SQS visibility, at most 12 h). */
    RETRY_MAX_SECONDS: z.coerce.number().nonnegative().max(43_200).default(900),
    MESSAGE_TEXT: text.default(DEFAULTS.text),
    MESSAGE_TEXT_WEBMESSAGING: text.optional(),
    MESSAGE_TEXT_SMS: text.optional(),
    MESSAGE_TEXT_OPEN: text.optional(),
    BRAND_NAME: z.string().max(100).default(''),
    WEBMESSAGING_DEPLOYMENT_ID: z.string().min(1).default(DEFAULTS.fromAddress.webmessaging),
    SMS_FROM_NUMBER: z.string().regex(E164, 'must be an E.164 number such as +13175550100').default(DEFAULTS.fromAddress.sms),
    WHATSAPP_INTEGRATION_ID: z.string().min(1).default(DEFAULTS.fromAddress.whatsapp),
    WHATSAPP_TEMPLATE_ID: z.string().min(1).default(DEFAULTS.whatsappTemplateId),
    OPEN_INTEGRATION_ID: z.string().min(1).default(DEFAULTS.fromAddress.open),
    ...genesysConnection,
  })
  .superRefine((config, ctx) => {
    for (const key of ['MESSAGE_TEXT', 'MESSAGE_TEXT_WEBMESSAGING', 'MESSAGE_TEXT_SMS', 'MESSAGE_TEXT_OPEN'] as const) {
      const value = config[key]
      if (value === undefined) continue
      const unknown = findUnknownPlaceholders(value)
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', path: [key], message: `unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(', ')}` })
    }
  })

export type SessionRecorderConfig = z.infer<typeof sessionRecorderConfigSchema>
export type PresenceConfig = z.infer<typeof presenceConfigSchema>
export type SendConfig = z.infer<typeof sendConfigSchema>

export class ConfigError extends Error {
  constructor(functionName: string, issues: readonly z.core.$ZodIssue[]) {
    super(
      `invalid configuration for ${functionName}: ` +
        issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '),
    )
    this.name = 'ConfigError'
  }
}

export function loadConfig<S extends z.ZodType>(functionName: string, schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env)
  if (!result.success) throw new ConfigError(functionName, result.error.issues)
  return result.data
}

export function channelSettings(config: SendConfig): Record<Channel, ChannelSettings> {
  const entries = CHANNELS.map((channel): [Channel, ChannelSettings] => {
    switch (channel) {
      case 'webmessaging':
        return [channel, { fromAddress: config.WEBMESSAGING_DEPLOYMENT_ID, text: config.MESSAGE_TEXT_WEBMESSAGING ?? config.MESSAGE_TEXT }]
      case 'sms':
        return [channel, { fromAddress: config.SMS_FROM_NUMBER, text: config.MESSAGE_TEXT_SMS ?? config.MESSAGE_TEXT }]
      case 'whatsapp':
        return [channel, { fromAddress: config.WHATSAPP_INTEGRATION_ID, text: config.MESSAGE_TEXT, templateResponseId: config.WHATSAPP_TEMPLATE_ID }]
      case 'open':
        return [channel, { fromAddress: config.OPEN_INTEGRATION_ID, text: config.MESSAGE_TEXT_OPEN ?? config.MESSAGE_TEXT }]
    }
  })
  return Object.fromEntries(entries) as Record<Channel, ChannelSettings>
}
