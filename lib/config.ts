/**
 * Function configuration: one zod schema per function, read from the environment. The CDK stack sets these
 * variables and the local cloud passes the same names, so both run the handlers with one configuration shape.
 * A bad setting fails at start with an error naming the variable.
 */
import { z } from 'zod'
import { CHANNELS, type Channel } from './domain/model.ts'
import { E164 } from './domain/address.ts'
import type { ChannelSettings } from './domain/payload.ts'
import { findUnknownPlaceholders } from './send/template.ts'
import { SENDING_MODES } from './domain/sending-mode.ts'
import { AGENT_CAPACITY, parseMessageLimit } from './presence/capacity.ts'
import { ELIGIBLE_SESSIONS, eligibilityScopeProblem } from './presence/eligibility.ts'
import { checkTimeZone, parseQuietWindow, QuietHoursError, quietHoursOf, type QuietHours } from './send/quiet-hours.ts'
import { parseDurations } from './domain/unknown-outcome.ts'

/** A comma-separated list: trimmed items, empty ones dropped. */
const commaList = (fallback = '') =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )

const csv = (fallback: string) =>
  commaList(fallback)
    // An empty list would silently mean "never available": the function could never fire.
    .refine((items) => items.length > 0, `must list at least one value, e.g. ${fallback}`)

const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback)

export const DEFAULTS = {
  scope: 'agent',
  availablePresences: 'ON_QUEUE',
  availableRoutingStatuses: 'IDLE',
  windowHours: 24,
  capHours: 24,
  activeConversationStaleHours: 4,
  replyWindowHours: 72,
  cooldownMinutes: 10,
  maxDelayMinutes: 15,
  queueCacheMinutes: 5,
  capacityCacheMinutes: 5,
  eligibleSessions: 'all',
  maxMessagesPerTrigger: AGENT_CAPACITY,
  fallbackMessagesPerTrigger: 4,
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
  unknownOutcomeLookups: '30s,2m,10m',
} as const

const tableName = z.string().min(3, 'must be a DynamoDB table name (at least 3 characters)')
const sessionsTableName = tableName.describe('The sessions table (resource name).')
const stateTableName = tableName.describe('The state table: agent state, outreach ledger, queue cache, idempotency records (resource name).')
const appEventBusName = z.string().min(1).describe('The app event bus that carries requests and outcomes (resource name).')

/** The Genesys Cloud org whose events are trusted (lib/domain/source-trust.ts); unset trusts any Genesys Cloud org. */
const genesysOrgId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,128}$/, 'must be a Genesys Cloud org id such as 32aa07aa-db1b-4987-abd0-9483601ec29d')
  .optional()
  .describe('When set, events from any other Genesys Cloud org are ignored and counted; unset trusts any `aws.partner/genesys.com/...` source.')

const sendingMode = z
  .string()
  .default('live')
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(SENDING_MODES, { error: (issue) => `unknown sending mode ${JSON.stringify(issue.input)}: expected one of ${SENDING_MODES.join(', ')}` }))
  .describe(
    '`live` sends; `dry-run` runs every step up to the Genesys call and sends nothing (outcome `dry-run`); `paused` requests and sends nothing (outcome `paused`). `proactive mode` overrides it at run time (within 30 s).',
  )

/** A comma-separated list of ids; empty (the default) means everyone. */
const idList = (what: string) => commaList().describe(`Pilot scope: only these ${what} (comma-separated ids); empty means all.`)

/** Channels that may be messaged; a customer on any other channel is left out of the fan-out (counted as outside the pilot). */
const enabledChannels = commaList(CHANNELS.join(','))
  .pipe(
    z
      .array(z.enum(CHANNELS, { error: (issue) => `unknown channel ${JSON.stringify(issue.input)}: expected some of ${CHANNELS.join(', ')}` }))
      .min(1, `must list at least one channel of ${CHANNELS.join(', ')}`),
  )
  .describe(`Channels that may be messaged (comma-separated, of ${CHANNELS.join(', ')}); a customer on another channel is counted as outside the pilot and not requested.`)

/** `HH:MM-HH:MM`, possibly wrapping midnight; checked at start with the error naming the variable. */
const quietWindow = (describe: string) =>
  z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined || value.trim() === '') return
      try {
        parseQuietWindow(value)
      } catch (error) {
        if (!(error instanceof QuietHoursError)) throw error
        ctx.addIssue({ code: 'custom', message: error.message })
      }
    })
    .describe(describe)

const quietHoursSettings = {
  QUIET_HOURS: quietWindow(
    'Quiet hours `HH:MM-HH:MM` (may wrap midnight, e.g. `21:00-08:00`) in `QUIET_HOURS_TIMEZONE`: a request whose trigger time falls inside is not sent (outcome `quiet-hours`). Unset: none.',
  ),
  QUIET_HOURS_TIMEZONE: z
    .string()
    .default('UTC')
    .superRefine((value, ctx) => {
      try {
        checkTimeZone(value)
      } catch (error) {
        if (!(error instanceof QuietHoursError)) throw error
        ctx.addIssue({ code: 'custom', message: error.message })
      }
    })
    .describe('IANA time zone of the quiet hours, e.g. `Europe/London`; daylight-saving changes follow the platform time-zone data.'),
  QUIET_HOURS_WEBMESSAGING: quietWindow('Quiet hours for Web Messaging instead of `QUIET_HOURS`.'),
  QUIET_HOURS_SMS: quietWindow('Quiet hours for SMS instead of `QUIET_HOURS`.'),
  QUIET_HOURS_WHATSAPP: quietWindow('Quiet hours for WhatsApp instead of `QUIET_HOURS`.'),
  QUIET_HOURS_OPEN: quietWindow('Quiet hours for Open Messaging instead of `QUIET_HOURS`.'),
}

const windowHours = positiveNumber(DEFAULTS.windowHours).describe("How far back from the triggering event's own time a session counts as recent; also sets the sessions' TTL.")
const capHours = positiveNumber(DEFAULTS.capHours).describe(
  'At most one proactive message per customer in this many hours: send reserves the customer with a conditional write just before sending; presence skips customers already reserved.',
)

const replyWindowHours = z.coerce
  .number()
  .positive()
  .max(24 * 31, 'must be at most 744 hours (31 days)')
  .default(DEFAULTS.replyWindowHours)
  .describe(
    "A customer's activity within this many hours after a proactive message is its reply (`ProactiveMessageAnswered`), threaded into the agentless conversation or in a new one; later activity is not. Also how long the sent-message records (and the reply-routing answer) last. Genesys's messaging threading timeline is 72 h by default.",
  )

const activeConversationStaleHours = positiveNumber(DEFAULTS.activeConversationStaleHours).describe(
  'A customer with a conversation still active (no `customer.end`, e.g. chatting with another agent or back in queue after a transfer) is not messaged (outcome `customer-busy`); a conversation with no event for this many hours counts as ended, so a lost `customer.end` blocks a customer no longer than this.',
)

const genesysConnection = {
  GENESYS_REGION: z.string().default('mypurecloud.com').describe('Region host (`mypurecloud.ie`) or SDK region key (`eu_west_1`).'),
  GENESYS_SECRET_ARN: z.string().optional().describe('Secrets Manager secret holding `{"clientId":"…","clientSecret":"…"}`. Read at run time and cached; never in the environment or the template.'),
  GENESYS_GATEWAY_URL: z.url().optional().describe('http(s)://host:port of a gateway for all Genesys calls, overriding the region hosts; the local run points it at the simulator.'),
  GENESYS_TIMEOUT_MS: positiveNumber(10_000).describe(
    'Timeout of one Genesys request, in milliseconds. A timed-out send may have been accepted: it is dead-lettered as `outcome-unknown`, never resent automatically.',
  ),
}

/**
 * The region Lambda sets and the standard `AWS_ENDPOINT_URL_<SERVICE>` overrides (the local cloud points them at
 * local services). Part of every function's schema, so a handler reads nothing from its environment but its config.
 */
const localEndpoint = (service: string) => z.url().optional().describe(`Endpoint of ${service} instead of AWS's; the local cloud points it at its local service.`)
const awsEnvironment = {
  AWS_REGION: z.string().min(1).optional().describe('The AWS region the function runs in.'),
  AWS_ENDPOINT_URL_DYNAMODB: localEndpoint('DynamoDB'),
  AWS_ENDPOINT_URL_EVENTBRIDGE: localEndpoint('EventBridge'),
  AWS_ENDPOINT_URL_SQS: localEndpoint('SQS'),
  AWS_ENDPOINT_URL_SECRETS_MANAGER: localEndpoint('Secrets Manager'),
}

export const sessionRecorderConfigSchema = z.object({
  ...awsEnvironment,
  SESSIONS_TABLE_NAME: sessionsTableName,
  STATE_TABLE_NAME: stateTableName,
  APP_EVENT_BUS_NAME: appEventBusName,
  GENESYS_ORG_ID: genesysOrgId,
  WINDOW_HOURS: windowHours,
  REPLY_WINDOW_HOURS: replyWindowHours,
})

export const replyRoutingConfigSchema = z.object({
  ...awsEnvironment,
  STATE_TABLE_NAME: stateTableName,
  REPLY_WINDOW_HOURS: replyWindowHours,
  REPLY_ROUTING_SECRET_ARN: z
    .string()
    .min(1)
    .optional()
    .describe('Secrets Manager secret holding the key the Genesys data action presents (Basic Auth password or `X-Reply-Routing-Key`). Read at run time and cached.'),
})

export const presenceConfigSchema = z
  .object({
    ...awsEnvironment,
    SESSIONS_TABLE_NAME: sessionsTableName,
    GENESYS_ORG_ID: genesysOrgId,
    STATE_TABLE_NAME: stateTableName,
    APP_EVENT_BUS_NAME: appEventBusName,
    SENDING_MODE: sendingMode,
    ENABLED_AGENT_IDS: idList('agents trigger messages'),
    ENABLED_QUEUE_IDS: idList("queues' sessions are targeted"),
    ENABLED_CHANNELS: enabledChannels,
    TARGET_SCOPE: z
      .enum(['agent', 'queue'])
      .default(DEFAULTS.scope)
      .describe(
        '`agent`: sessions this agent handled (the last agent who connected). `queue`: sessions that came through a queue the agent is a member of (Genesys `GET /api/v2/users/{userId}/queues`, cached).',
      ),
    AVAILABLE_PRESENCES: csv(DEFAULTS.availablePresences).describe(
      'System presences that count as available, compared case-insensitively. `ON_QUEUE`: the agent can take routed work. `AVAILABLE,ON_QUEUE` also fires at every login and on going off queue.',
    ),
    AVAILABLE_ROUTING_STATUSES: csv(DEFAULTS.availableRoutingStatuses).describe(
      'Routing statuses that count as available, once any routing status (`v2.users.{id}.routingStatus` or `.activity`) has been seen for the agent; both this and the presence must hold.',
    ),
    WINDOW_HOURS: windowHours,
    CAP_HOURS: capHours,
    ACTIVE_CONVERSATION_STALE_HOURS: activeConversationStaleHours,
    COOLDOWN_MINUTES: z.coerce.number().nonnegative().default(DEFAULTS.cooldownMinutes).describe('After a trigger, the same agent does not trigger again for this long (flapping).'),
    QUEUE_CACHE_MINUTES: z.coerce.number().nonnegative().default(DEFAULTS.queueCacheMinutes).describe("How long an agent's queue memberships are cached (queue scope)."),
    MAX_MESSAGES_PER_TRIGGER: z
      .string()
      .default(DEFAULTS.maxMessagesPerTrigger)
      .transform((raw, ctx) => {
        const limit = parseMessageLimit(raw)
        if (limit !== undefined) return limit
        ctx.addIssue({ code: 'custom', message: `must be a positive whole number or ${AGENT_CAPACITY} (got ${JSON.stringify(raw)})` })
        return z.NEVER
      })
      .describe(
        "At most this many customers are requested per trigger; the rest are deferred to the next trigger while in the window. `agent-capacity`: the agent's `message` capacity in Genesys utilization (cached). Order: never-served conversations, then newest, then conversation id.",
      ),
    FALLBACK_MESSAGES_PER_TRIGGER: z.coerce
      .number()
      .int('must be a whole number')
      .positive()
      .default(DEFAULTS.fallbackMessagesPerTrigger)
      .describe('The per-trigger limit when `MAX_MESSAGES_PER_TRIGGER=agent-capacity` and the capacity lookup fails (counted as `CapacityLookupFallbacks`).'),
    CAPACITY_CACHE_MINUTES: z.coerce
      .number()
      .nonnegative()
      .default(DEFAULTS.capacityCacheMinutes)
      .describe("How long an agent's messaging capacity is cached (`MAX_MESSAGES_PER_TRIGGER=agent-capacity`)."),
    ELIGIBLE_SESSIONS: z
      .enum(ELIGIBLE_SESSIONS)
      .default(DEFAULTS.eligibleSessions as 'all')
      .describe(
        '`all`: every conversation in the window. `unserved`: only conversations no agent ever connected to (abandoned in queue or in the flow); needs `TARGET_SCOPE=queue`. Others count as `ineligible`.',
      ),
    EXCLUDE_WRAPUP_CODES: commaList().describe('Wrap-up code ids (comma-separated): a conversation whose `acw` event carried one of them is never targeted (counted as `ineligible`). Empty: none.'),
    ...genesysConnection,
  })
  .superRefine((config, ctx) => {
    const problem = eligibilityScopeProblem(config.ELIGIBLE_SESSIONS, config.TARGET_SCOPE)
    if (problem) ctx.addIssue({ code: 'custom', path: ['ELIGIBLE_SESSIONS'], message: problem })
  })

const text = z.string().min(1).max(4000)
const channelText = (channel: string, limit: number) => text.optional().describe(`Text for ${channel} instead of \`MESSAGE_TEXT\` (unset: \`MESSAGE_TEXT\`). ${channel} allows ${limit} characters.`)

/**
 * The parameters of the approved WhatsApp template, as JSON `{"<parameter id>": "<value>"}`; values may use the
 * text placeholders. Which ids a template expects (e.g. "1", "2" for positional parameters) is set in Genesys with
 * the template: UNVERIFIED how Genesys maps TemplateParameter.id to WhatsApp's {{1}}-style slots.
 */
const templateParameters = (part: 'body' | 'header') =>
  z
    .string()
    .optional()
    .transform((raw, ctx): Readonly<Record<string, string>> | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined
      let parsed: unknown
      try {
        parsed = JSON.parse(raw)
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object {"<parameter id>": "<value>"}, e.g. {"1": "{{brand}}"}` })
        return z.NEVER
      }
      const entries = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.entries(parsed) : undefined
      if (!entries || entries.length === 0 || entries.some(([id, value]) => id.trim() === '' || typeof value !== 'string' || value.length > 1024)) {
        ctx.addIssue({ code: 'custom', message: 'must be a non-empty JSON object of parameter ids to string values (at most 1024 characters each)' })
        return z.NEVER
      }
      return Object.fromEntries(entries) as Record<string, string>
    })
    .describe(
      `WhatsApp template ${part} parameters: JSON \`{"<parameter id>": "<value>"}\`; values may use \`{{brand}}\`, \`{{channel}}\`. Sent as \`messagingTemplate.${part}Parameters\` (unset: none).`,
    )

/** Look-ups of an unknown outcome: ascending durations after the attempt's start, at most 12 hours (SQS visibility). */
const unknownOutcomeLookups = z
  .string()
  .default(DEFAULTS.unknownOutcomeLookups)
  .transform((raw, ctx): number[] => {
    let schedule: number[]
    try {
      schedule = parseDurations(raw)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of durations such as 30s,2m,10m, or off: ${(error as Error).message}` })
      return z.NEVER
    }
    if (schedule.some((ms, i) => ms <= 0 || (i > 0 && ms <= (schedule[i - 1] ?? 0))))
      ctx.addIssue({ code: 'custom', message: `the durations must be positive and ascending, got ${JSON.stringify(raw)}` })
    else if (schedule.length > 10 || (schedule.at(-1) ?? 0) > 12 * 3_600_000) ctx.addIssue({ code: 'custom', message: `at most 10 look-ups within 12 hours, got ${JSON.stringify(raw)}` })
    return schedule
  })
  .describe(
    "When a send's answer is lost (timeout, crash after sending), look the message up in Genesys (analytics conversation details) this long after the attempt started: a comma-separated list of durations (`30s,2m,10m`). Found: settled `sent`. Not found after the last: dead-lettered `outcome-unknown` with the evidence. `off`: dead-lettered at once.",
  )

const resendIfNotFound = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true')
  .describe(
    'After the last look-up found nothing (and none failed), send the message again instead of dead-lettering it, if it is still within `MAX_DELAY_MINUTES`. Risk: a look-up that lags behind Genesys can cause a duplicate. Web Messaging is never resent.',
  )

const trackQueueUrl = z.url().optional().describe('The track queue: look-ups of unknown outcomes (resource URL). Unset: no look-ups, an unknown outcome is dead-lettered at once.')

const maxDelayMinutes = positiveNumber(DEFAULTS.maxDelayMinutes).describe('A request older than this when it reaches the send function is not sent ("an agent is available" would no longer be true).')
const budgetPerMinute = positiveNumber(DEFAULTS.budgetPerMinute).describe(
  'Genesys requests a minute the send stage starts at, and falls back to when responses carry no inin-ratelimit headers; otherwise it paces to what the headers report (docs/pacing.md).',
)
const budgetHeadroom = z.coerce
  .number()
  .gt(0)
  .max(1)
  .default(DEFAULTS.budgetHeadroom)
  .describe('Share of the budget this pipeline may use while no rate-limit headers have been seen. All send workers share one rate through a counter in the state table.')

const sendDlqUrl = z.url().describe("The send stage's dead-letter queue, where permanent failures (and unknown outcomes the look-ups could not settle) go with their reason (resource URL).")

export const sendConfigSchema = z
  .object({
    ...awsEnvironment,
    SESSIONS_TABLE_NAME: sessionsTableName,
    WINDOW_HOURS: windowHours,
    STATE_TABLE_NAME: stateTableName,
    APP_EVENT_BUS_NAME: appEventBusName,
    SENDING_MODE: sendingMode,
    ...quietHoursSettings,
    SEND_DLQ_URL: sendDlqUrl,
    TRACK_QUEUE_URL: trackQueueUrl,
    UNKNOWN_OUTCOME_LOOKUPS: unknownOutcomeLookups,
    MAX_DELAY_MINUTES: maxDelayMinutes,
    CAP_HOURS: capHours,
    REPLY_WINDOW_HOURS: replyWindowHours,
    ACTIVE_CONVERSATION_STALE_HOURS: activeConversationStaleHours,
    GENESYS_BUDGET_PER_MINUTE: budgetPerMinute,
    GENESYS_BUDGET_HEADROOM: budgetHeadroom,
    SEND_ATTEMPT_TIMEOUT_SECONDS: z.coerce
      .number()
      .positive()
      .default(60)
      .describe('An attempt that started this long ago and never finished died with its worker: its outcome is unknown (dead-lettered). The function timeout.'),
    RETRY_BASE_SECONDS: z.coerce
      .number()
      .nonnegative()
      .max(900)
      .default(10)
      .describe('First retry delay after a transient Genesys failure (5xx, refused connection): base × 2^(delivery−1), with jitter.'),
    RETRY_MAX_SECONDS: z.coerce.number().nonnegative().max(43_200).default(900).describe('Longest retry delay after a transient failure (an SQS visibility change, at most 12 h).'),
    MESSAGE_TEXT: text.default(DEFAULTS.text).describe('Message text. Placeholders: `{{brand}}`, `{{channel}}`; values are inserted literally. WhatsApp sends its approved template instead.'),
    MESSAGE_TEXT_WEBMESSAGING: channelText('Web Messaging', 2000),
    MESSAGE_TEXT_SMS: channelText('SMS', 765),
    MESSAGE_TEXT_OPEN: channelText('Open Messaging', 2000),
    BRAND_NAME: z.string().max(100).default('').describe('Value of `{{brand}}`.'),
    WEBMESSAGING_DEPLOYMENT_ID: z
      .string()
      .min(1)
      .default(DEFAULTS.fromAddress.webmessaging)
      .describe('The Messenger deployment id: `fromAddress` for Web Messaging. The default is a placeholder: replace it before a real send.'),
    SMS_FROM_NUMBER: z
      .string()
      .regex(E164, 'must be an E.164 number such as +13175550100')
      .default(DEFAULTS.fromAddress.sms)
      .describe('A provisioned SMS number (E.164): `fromAddress` for SMS. The default is a placeholder.'),
    WHATSAPP_INTEGRATION_ID: z.string().min(1).default(DEFAULTS.fromAddress.whatsapp).describe('The WhatsApp integration id: `fromAddress` for WhatsApp. The default is a placeholder.'),
    WHATSAPP_TEMPLATE_ID: z
      .string()
      .min(1)
      .default(DEFAULTS.whatsappTemplateId)
      .describe('The approved WhatsApp template (`messagingTemplate.responseId`); WhatsApp requires a template. The default is a placeholder.'),
    WHATSAPP_TEMPLATE_BODY_PARAMETERS: templateParameters('body'),
    WHATSAPP_TEMPLATE_HEADER_PARAMETERS: templateParameters('header'),
    OPEN_INTEGRATION_ID: z.string().min(1).default(DEFAULTS.fromAddress.open).describe('The Open Messaging integration id: `fromAddress` for Open Messaging. The default is a placeholder.'),
    ...genesysConnection,
  })
  .superRefine((config, ctx) => {
    for (const key of ['MESSAGE_TEXT', 'MESSAGE_TEXT_WEBMESSAGING', 'MESSAGE_TEXT_SMS', 'MESSAGE_TEXT_OPEN'] as const) {
      const value = config[key]
      if (value === undefined) continue
      const unknown = findUnknownPlaceholders(value)
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', path: [key], message: `unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(', ')}` })
    }
    for (const key of ['WHATSAPP_TEMPLATE_BODY_PARAMETERS', 'WHATSAPP_TEMPLATE_HEADER_PARAMETERS'] as const) {
      for (const [id, value] of Object.entries(config[key] ?? {})) {
        const unknown = findUnknownPlaceholders(value)
        if (unknown.length > 0) ctx.addIssue({ code: 'custom', path: [key], message: `parameter ${JSON.stringify(id)}: unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(', ')}` })
      }
    }
  })

/** track: look-ups of unknown outcomes, paced on the same Genesys budget as the sends. */
export const trackConfigSchema = z.object({
  ...awsEnvironment,
  STATE_TABLE_NAME: stateTableName,
  APP_EVENT_BUS_NAME: appEventBusName,
  SEND_DLQ_URL: sendDlqUrl,
  SEND_QUEUE_URL: z.url().describe('The send queue: RESEND_IF_NOT_FOUND puts the request back there (resource URL).'),
  // Optional in the schema send shares; track cannot work without it (trackDependencies says so).
  TRACK_QUEUE_URL: trackQueueUrl,
  UNKNOWN_OUTCOME_LOOKUPS: unknownOutcomeLookups,
  RESEND_IF_NOT_FOUND: resendIfNotFound,
  MAX_DELAY_MINUTES: maxDelayMinutes,
  GENESYS_BUDGET_PER_MINUTE: budgetPerMinute,
  GENESYS_BUDGET_HEADROOM: budgetHeadroom,
  ...genesysConnection,
})

export type TrackConfig = z.infer<typeof trackConfigSchema>

export type SessionRecorderConfig = z.infer<typeof sessionRecorderConfigSchema>
export type ReplyRoutingConfig = z.infer<typeof replyRoutingConfigSchema>
export type PresenceConfig = z.infer<typeof presenceConfigSchema>
export type SendConfig = z.infer<typeof sendConfigSchema>

export class ConfigError extends Error {
  constructor(functionName: string, issues: readonly z.core.$ZodIssue[]) {
    super(`invalid configuration for ${functionName}: ${issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`)
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
        return [
          channel,
          {
            fromAddress: config.WHATSAPP_INTEGRATION_ID,
            text: config.MESSAGE_TEXT,
            templateResponseId: config.WHATSAPP_TEMPLATE_ID,
            ...(config.WHATSAPP_TEMPLATE_BODY_PARAMETERS ? { templateBodyParameters: config.WHATSAPP_TEMPLATE_BODY_PARAMETERS } : {}),
            ...(config.WHATSAPP_TEMPLATE_HEADER_PARAMETERS ? { templateHeaderParameters: config.WHATSAPP_TEMPLATE_HEADER_PARAMETERS } : {}),
          },
        ]
      case 'open':
        return [channel, { fromAddress: config.OPEN_INTEGRATION_ID, text: config.MESSAGE_TEXT_OPEN ?? config.MESSAGE_TEXT }]
    }
    throw new Error(`no settings for channel ${String(channel satisfies never)}`)
  })
  return Object.fromEntries(entries) as Record<Channel, ChannelSettings>
}

/** The send function's quiet hours, per channel, from its (already validated) settings. */
export function quietHoursFromConfig(config: SendConfig): QuietHours {
  return quietHoursOf(
    config.QUIET_HOURS_TIMEZONE,
    config.QUIET_HOURS,
    {
      webmessaging: config.QUIET_HOURS_WEBMESSAGING,
      sms: config.QUIET_HOURS_SMS,
      whatsapp: config.QUIET_HOURS_WHATSAPP,
      open: config.QUIET_HOURS_OPEN,
    },
    CHANNELS,
  )
}
