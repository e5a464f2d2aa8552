/**
 * Deployment settings: the construct's props and the `cdk.json` context keys are the same flat names, validated
 * once at synth. An invalid setting fails `cdk synth` with an error that names it and says how to set it.
 */
import { z } from 'zod'
import { DEFAULTS } from '#lib/config.ts'
import { unknownNameMessage } from '#lib/did-you-mean.ts'
import { AGENT_CAPACITY } from '#lib/presence/capacity.ts'
import { ELIGIBLE_SESSIONS, eligibilityScopeProblem } from '#lib/presence/eligibility.ts'
import { E164 } from '#lib/domain/address.ts'
import { CHANNELS, type Channel } from '#lib/domain/model.ts'
import { SENDING_MODES, type SendingMode } from '#lib/domain/sending-mode.ts'

/** Used when neither `genesysOrgId` nor `existingPartnerBusName` is set, so `cdk synth` works out of the box. */
export const PLACEHOLDER_ORG_ID = '00000000-0000-0000-0000-000000000000'
export const DEFAULT_EVENT_SOURCE_SUFFIX = 'proactive-messaging'

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const

/** Typed, documented props of the ProactiveMessaging construct. Every prop is also a `cdk.json` context key. */
export interface ProactiveMessagingProps {
  /** Genesys Cloud organization id. With `eventSourceSuffix` it names the partner event source to create a bus for. */
  readonly genesysOrgId?: string
  /** The suffix chosen in the Genesys `amazon-eventbridge-source` integration. @default 'proactive-messaging' */
  readonly eventSourceSuffix?: string
  /** Import an existing partner event bus by name instead of creating one (mutually exclusive with genesysOrgId). */
  readonly existingPartnerBusName?: string
  /** Genesys region host (e.g. `mypurecloud.ie`). @default 'mypurecloud.com' */
  readonly genesysRegion?: string
  /** Complete ARN of an existing secret `{"clientId","clientSecret"}`. @default a new secret to fill after deploy */
  readonly genesysSecretArn?: string
  /** Genesys API requests per minute the send stage may use; sets the send event source's maximum concurrency. @default 300 */
  readonly budgetPerMinute?: number
  /** Share of the budget actually used (0–1]. @default 0.95 */
  readonly budgetHeadroom?: number
  /** Who is messaged when an agent becomes available: sessions the agent handled, or sessions of the agent's queues. @default 'agent' */
  readonly scope?: 'agent' | 'queue'
  /** Messenger deployment id used as `fromAddress` for Web Messaging. */
  readonly webMessagingDeploymentId?: string
  /** Provisioned SMS number (E.164) used as `fromAddress` for SMS. */
  readonly smsFromNumber?: string
  /** WhatsApp integration id used as `fromAddress` for WhatsApp. */
  readonly whatsappIntegrationId?: string
  /** Approved WhatsApp template (response) id. */
  readonly whatsappTemplateId?: string
  /** WhatsApp template body parameters: parameter id → value (placeholders as in messageText). A JSON string in context. */
  readonly whatsappTemplateBodyParameters?: Readonly<Record<string, string>>
  /** WhatsApp template header parameters, as the body parameters. */
  readonly whatsappTemplateHeaderParameters?: Readonly<Record<string, string>>
  /** Open Messaging integration id used as `fromAddress` for Open Messaging. */
  readonly openIntegrationId?: string
  /** Message text; may use the placeholders lib/send/template.ts knows. */
  readonly messageText?: string
  /** Web Messaging text instead of messageText. @default messageText */
  readonly messageTextWebMessaging?: string
  /** SMS text instead of messageText (SMS allows 765 characters). @default messageText */
  readonly messageTextSms?: string
  /** Open Messaging text instead of messageText. @default messageText */
  readonly messageTextOpen?: string
  readonly brandName?: string
  /** System presences that count as available. @default ['ON_QUEUE'] */
  readonly availablePresences?: readonly string[]
  /** Routing statuses that count as available. @default ['IDLE'] */
  readonly availableRoutingStatuses?: readonly string[]
  /** How far back a session makes a customer eligible. @default 24 */
  readonly windowHours?: number
  /** At most one proactive message per customer in this many hours. @default 24 */
  readonly capHours?: number
  /** A conversation with no event for this many hours counts as ended (busy-customer check). @default 4 */
  readonly activeConversationStaleHours?: number
  /** A customer's activity within this many hours after a proactive message is its reply. @default 72 */
  readonly replyWindowHours?: number
  /** Minimum minutes between two triggers for one agent. @default 10 */
  readonly cooldownMinutes?: number
  /** Requests older than this are not sent. @default 15 */
  readonly maxDelayMinutes?: number
  /** How long an agent's queue memberships are cached (queue scope). @default 5 */
  readonly queueCacheMinutes?: number
  /** Customers requested per trigger at most (the rest deferred): a positive integer or 'agent-capacity'. @default 'agent-capacity' */
  readonly maxMessagesPerTrigger?: number | 'agent-capacity'
  /** The per-trigger limit when the agent-capacity lookup fails. @default 4 */
  readonly fallbackMessagesPerTrigger?: number
  /** 'all' or 'unserved' (conversations no agent ever connected to; needs scope 'queue'). @default 'all' */
  readonly eligibleSessions?: 'all' | 'unserved'
  /** Wrap-up code ids: a conversation whose acw carried one is never targeted. @default [] */
  readonly excludeWrapupCodes?: readonly string[]
  /** How long an agent's messaging capacity is cached. @default 5 */
  readonly capacityCacheMinutes?: number
  /** Timeout of one Genesys request, milliseconds (below the functions' 60 s timeout). @default 10000 */
  readonly genesysTimeoutMs?: number
  /** First retry delay after a transient Genesys failure. @default 10 */
  readonly retryBaseSeconds?: number
  /** Longest retry delay after a transient Genesys failure. @default 900 */
  readonly retryMaxSeconds?: number
  /** When a send's answer is lost, look the message up in Genesys this long after the attempt: durations, or 'off'. @default '30s,2m,10m' */
  readonly unknownOutcomeLookups?: string
  /** Send again when the last look-up found nothing (duplicate risk: docs/guarantees.md). @default false */
  readonly resendIfNotFound?: boolean
  /**
   * `live`, `dry-run` or `paused`; `proactive mode` overrides it at run time. `live` is refused while a channel in
   * `enabledChannels` still has a placeholder sender id. @default 'dry-run' (a new stack sends nothing until set)
   */
  readonly sendingMode?: 'live' | 'dry-run' | 'paused'
  /** Channels that may be messaged (`webmessaging`, `sms`, `whatsapp`, `open`). @default every channel */
  readonly enabledChannels?: readonly string[]
  /** Pilot: only these agents trigger messages. @default everyone */
  readonly enabledAgentIds?: readonly string[]
  /** Pilot: only sessions from these queues are targeted. @default every queue */
  readonly enabledQueueIds?: readonly string[]
  /** Quiet hours `HH:MM-HH:MM` (may wrap midnight) in quietHoursTimezone. @default none */
  readonly quietHours?: string
  /** IANA time zone of the quiet hours. @default 'UTC' */
  readonly quietHoursTimezone?: string
  /** Quiet hours for Web Messaging instead of quietHours. */
  readonly quietHoursWebMessaging?: string
  /** Quiet hours for SMS instead of quietHours. */
  readonly quietHoursSms?: string
  /** Quiet hours for WhatsApp instead of quietHours. */
  readonly quietHoursWhatsapp?: string
  /** Quiet hours for Open Messaging instead of quietHours. */
  readonly quietHoursOpen?: string
  /** Base URL of the runbook every alarm links to (each adds its section's `#anchor`). @default 'docs/operations.md' */
  readonly runbookUrl?: string
  /** E-mail subscribed to the alarm topic. @default no subscription */
  readonly alarmEmail?: string
  /** Lambda log retention; one of CloudWatch's allowed values. @default 30 */
  readonly logRetentionDays?: number
  /** App-bus archive retention; 0 keeps events indefinitely. @default 7 */
  readonly archiveRetentionDays?: number
  /** Partner-bus archive retention (the Genesys events the rules consume, for `proactive replay`); 0 keeps events indefinitely. @default 7 */
  readonly partnerArchiveRetentionDays?: number
  /** Alarm when the oldest message in the send queue is older than this. @default 300 */
  readonly sendQueueMaxAgeSeconds?: number
  /** Alarm when more than this percentage of Genesys requests in 5 minutes are answered 429. @default 10 */
  readonly rateLimitedAlarmPercent?: number
  /** Keep tables, the created secret and log groups on `cdk destroy`. @default true */
  readonly retainData?: boolean
  /**
   * Deploy the reply-routing look-up (a Lambda function URL with a key in Secrets Manager) that a Genesys data action
   * calls to offer a reply to the agent who triggered the message. `false` leaves it out. @default true
   */
  readonly replyRouting?: boolean
  /** Powertools log level. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'
}

export type SettingName = keyof ProactiveMessagingProps

const HINTS: Record<SettingName, string> = {
  genesysOrgId: 'your Genesys Cloud organization id (Admin > Organization Settings), a UUID',
  eventSourceSuffix: 'the event source suffix of the Genesys EventBridge integration (at most 64 letters, digits, . _ -)',
  existingPartnerBusName: 'the name of an existing partner event bus, aws.partner/genesys.com/cloud/<orgId>/<suffix>',
  genesysRegion: 'a Genesys region host such as mypurecloud.com or mypurecloud.ie (or an SDK region key such as eu_west_1)',
  genesysSecretArn: 'the complete secret ARN, ending in -XXXXXX (a partial ARN would need a wildcard grant)',
  budgetPerMinute: 'a positive integer: Genesys API requests per minute for this OAuth client',
  budgetHeadroom: 'a number greater than 0 and at most 1',
  scope: "'agent' or 'queue'",
  webMessagingDeploymentId: 'the Messenger deployment id',
  smsFromNumber: 'an E.164 number such as +13175550100',
  whatsappIntegrationId: 'the WhatsApp integration id',
  whatsappTemplateId: 'the approved WhatsApp template id',
  whatsappTemplateBodyParameters: 'an object (or JSON string) of parameter ids to values, e.g. {"1": "{{brand}}"}',
  whatsappTemplateHeaderParameters: 'an object (or JSON string) of parameter ids to values, e.g. {"1": "{{brand}}"}',
  openIntegrationId: 'the Open Messaging integration id',
  messageText: 'a text of 1 to 4000 characters using only known placeholders',
  messageTextWebMessaging: 'a text of 1 to 4000 characters using only known placeholders',
  messageTextSms: 'a text of 1 to 4000 characters using only known placeholders',
  messageTextOpen: 'a text of 1 to 4000 characters using only known placeholders',
  brandName: 'a name of at most 100 characters',
  availablePresences: 'a comma-separated list such as ON_QUEUE',
  availableRoutingStatuses: 'a comma-separated list such as IDLE',
  windowHours: 'a positive number of hours',
  capHours: 'a positive number of hours',
  activeConversationStaleHours: 'a positive number of hours',
  replyWindowHours: 'a positive number of hours, at most 744 (31 days)',
  cooldownMinutes: 'a number of minutes, 0 or more',
  maxDelayMinutes: 'a positive number of minutes',
  queueCacheMinutes: 'a number of minutes, 0 or more',
  maxMessagesPerTrigger: "a positive whole number, or 'agent-capacity' (the agent's message capacity in Genesys)",
  fallbackMessagesPerTrigger: 'a positive whole number',
  eligibleSessions: "'all' or 'unserved' (unserved needs scope 'queue')",
  excludeWrapupCodes: 'a list (or comma-separated string) of Genesys wrap-up code ids',
  capacityCacheMinutes: 'a number of minutes, 0 or more',
  genesysTimeoutMs: 'a positive whole number of milliseconds below 60000 (the function timeout)',
  retryBaseSeconds: 'a number of seconds from 0 to 900',
  retryMaxSeconds: 'a number of seconds from 0 to 43200 (12 hours)',
  unknownOutcomeLookups: "a comma-separated list of ascending durations such as 30s,2m,10m (at most 10, within 12 h), or 'off'",
  resendIfNotFound: 'true or false',
  sendingMode: "'live', 'dry-run' or 'paused'",
  enabledChannels: `a list (or comma-separated string) of ${CHANNELS.join(', ')}`,
  enabledAgentIds: 'a comma-separated list of Genesys user ids (empty: every agent)',
  enabledQueueIds: 'a comma-separated list of Genesys queue ids (empty: every queue)',
  quietHours: 'HH:MM-HH:MM on a 24-hour clock, e.g. 21:00-08:00',
  quietHoursTimezone: 'an IANA time zone name such as Europe/London',
  quietHoursWebMessaging: 'HH:MM-HH:MM on a 24-hour clock, e.g. 21:00-08:00',
  quietHoursSms: 'HH:MM-HH:MM on a 24-hour clock, e.g. 21:00-08:00',
  quietHoursWhatsapp: 'HH:MM-HH:MM on a 24-hour clock, e.g. 21:00-08:00',
  quietHoursOpen: 'HH:MM-HH:MM on a 24-hour clock, e.g. 21:00-08:00',
  alarmEmail: 'an e-mail address',
  runbookUrl: 'a URL or path without a #anchor, e.g. https://github.com/your-org/your-fork/blob/main/docs/operations.md',
  logRetentionDays: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
  archiveRetentionDays: 'a whole number of days, 0 for indefinitely',
  partnerArchiveRetentionDays: 'a whole number of days, 0 for indefinitely',
  sendQueueMaxAgeSeconds: 'a positive number of seconds',
  rateLimitedAlarmPercent: 'a percentage greater than 0 and at most 100',
  retainData: 'true or false',
  replyRouting: 'true or false',
  logLevel: 'DEBUG, INFO, WARN or ERROR',
}

// Context values given with `-c key=value` arrive as strings; the same schema accepts typed props.
const number = z.coerce.number()
const list = z.union([
  z.string().transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ),
  z.array(z.string()),
])
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
const uuidLike = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)

/** Parameter id → value; from context it arrives as a JSON string. The function schema checks the values again. */
const parameterRecord = z.record(z.string().min(1), z.string().max(1024)).refine((record) => Object.keys(record).length > 0, 'must name at least one parameter')
const templateParameters = z.union([
  parameterRecord,
  z.string().transform((raw, ctx) => {
    try {
      return parameterRecord.parse(JSON.parse(raw))
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of parameter ids to string values' })
      return z.NEVER
    }
  }),
])

/** Checked in full by the send function's schema at synth (validateEnvironment), with the variable named. */
const quietWindowSetting = z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'must be HH:MM-HH:MM, e.g. 21:00-08:00')

const settingsSchema = z.object({
  genesysOrgId: uuidLike
    .optional()
    .describe('Genesys Cloud organization id. With `eventSourceSuffix` it names the partner event source to create a bus for; unset: a placeholder org (synth works, deploy does not).'),
  eventSourceSuffix: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional()
    .describe('The suffix chosen in the Genesys `amazon-eventbridge-source` integration; unset: `proactive-messaging`. Needs `genesysOrgId`.'),
  existingPartnerBusName: z
    .string()
    .regex(/^aws\.partner\/genesys\.com\/\S+$/)
    .optional()
    .describe('Import an existing partner event bus by name instead of creating one (not with `genesysOrgId`).'),
  genesysRegion: z
    .string()
    .regex(/^[a-z0-9._-]+$/)
    .default('mypurecloud.com')
    .describe('Genesys region host, e.g. `mypurecloud.ie`, `mypurecloud.de`.'),
  genesysSecretArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/)
    .optional()
    .describe('Complete ARN (ending `-XXXXXX`) of an existing secret `{"clientId","clientSecret"}`; unset: the stack creates a secret to fill after deploy.'),
  budgetPerMinute: number
    .int()
    .positive()
    .default(DEFAULTS.budgetPerMinute)
    .describe("Genesys requests per minute the send stage may use. Sets the send event source's maximum concurrency (`sendConcurrencyFor`)."),
  budgetHeadroom: number.gt(0).max(1).default(DEFAULTS.budgetHeadroom).describe('Share of the budget actually used, leaving room for other callers of the same OAuth client.'),
  scope: z.enum(['agent', 'queue']).default(DEFAULTS.scope).describe("`agent`: customers this agent handled. `queue`: customers of the agent's queues."),
  webMessagingDeploymentId: z.string().min(1).default(DEFAULTS.fromAddress.webmessaging).describe('Messenger deployment id: `fromAddress` for Web Messaging (placeholder by default).'),
  smsFromNumber: z
    .string()
    .regex(E164, 'must be an E.164 number such as +13175550100')
    .default(DEFAULTS.fromAddress.sms)
    .describe('Provisioned SMS number (E.164): `fromAddress` for SMS (placeholder by default).'),
  whatsappIntegrationId: z.string().min(1).default(DEFAULTS.fromAddress.whatsapp).describe('WhatsApp integration id: `fromAddress` for WhatsApp (placeholder by default).'),
  whatsappTemplateId: z.string().min(1).default(DEFAULTS.whatsappTemplateId).describe('Approved WhatsApp template (response) id (placeholder by default).'),
  whatsappTemplateBodyParameters: templateParameters.optional().describe('WhatsApp template body parameters, `{"<parameter id>": "<value>"}` (unset: none).'),
  whatsappTemplateHeaderParameters: templateParameters.optional().describe('WhatsApp template header parameters, `{"<parameter id>": "<value>"}` (unset: none).'),
  openIntegrationId: z.string().min(1).default(DEFAULTS.fromAddress.open).describe('Open Messaging integration id: `fromAddress` for Open Messaging (placeholder by default).'),
  messageText: z.string().min(1).max(4000).default(DEFAULTS.text).describe('The message; placeholders `{{brand}}`, `{{channel}}`.'),
  messageTextWebMessaging: z.string().min(1).max(4000).optional().describe('Web Messaging text instead of `messageText` (unset: `messageText`).'),
  messageTextSms: z.string().min(1).max(4000).optional().describe('SMS text instead of `messageText` (unset: `messageText`); SMS allows 765 characters.'),
  messageTextOpen: z.string().min(1).max(4000).optional().describe('Open Messaging text instead of `messageText` (unset: `messageText`).'),
  brandName: z.string().max(100).default('').describe('Value of `{{brand}}` in the texts.'),
  availablePresences: list.pipe(z.array(z.string()).min(1)).default(DEFAULTS.availablePresences.split(',')).describe('System presences that count as available.'),
  availableRoutingStatuses: list.pipe(z.array(z.string()).min(1)).default(DEFAULTS.availableRoutingStatuses.split(',')).describe('Routing statuses that count as available.'),
  windowHours: number.positive().default(DEFAULTS.windowHours).describe('How far back a session makes a customer eligible.'),
  capHours: number.positive().default(DEFAULTS.capHours).describe('At most one proactive message per customer in this many hours.'),
  activeConversationStaleHours: number
    .positive()
    .default(DEFAULTS.activeConversationStaleHours)
    .describe('A customer with an active conversation (no `customer.end`) is not messaged; a conversation with no event for this many hours counts as ended.'),
  replyWindowHours: number
    .positive()
    .max(744)
    .default(DEFAULTS.replyWindowHours)
    .describe("A customer's activity within this many hours after a proactive message is its reply (threaded or in a new conversation); also how long the reply-routing look-up answers."),
  cooldownMinutes: number.nonnegative().default(DEFAULTS.cooldownMinutes).describe('Minimum minutes between two triggers for one agent.'),
  maxDelayMinutes: number.positive().default(DEFAULTS.maxDelayMinutes).describe('Requests older than this are not sent (request expiry).'),
  queueCacheMinutes: number.nonnegative().default(DEFAULTS.queueCacheMinutes).describe("How long an agent's queue memberships are cached (queue scope)."),
  maxMessagesPerTrigger: z
    .union([z.literal(AGENT_CAPACITY), number.int().positive()])
    .default(DEFAULTS.maxMessagesPerTrigger)
    .describe("Customers requested per trigger at most; the rest are deferred to later triggers. `agent-capacity`: the agent's `message` capacity in Genesys."),
  fallbackMessagesPerTrigger: number.int().positive().default(DEFAULTS.fallbackMessagesPerTrigger).describe('The per-trigger limit when the agent-capacity lookup fails (counted).'),
  capacityCacheMinutes: number.nonnegative().default(DEFAULTS.capacityCacheMinutes).describe("How long an agent's messaging capacity is cached."),
  eligibleSessions: z.enum(ELIGIBLE_SESSIONS).default('all').describe("`all`: every conversation in the window. `unserved`: only conversations no agent ever connected to; needs `scope: 'queue'`."),
  excludeWrapupCodes: list.default([]).describe('Wrap-up code ids: a conversation whose `acw` event carried one is never targeted (counted as ineligible).'),
  genesysTimeoutMs: number.int().positive().lt(60_000).default(10_000).describe("Timeout of one Genesys request, milliseconds; must stay below the functions' 60 s timeout."),
  retryBaseSeconds: number.nonnegative().max(900).default(10).describe('First retry delay after a transient Genesys failure; doubles with each delivery, with jitter.'),
  retryMaxSeconds: number.nonnegative().max(43_200).default(900).describe('Longest retry delay after a transient Genesys failure.'),
  unknownOutcomeLookups: z
    .string()
    .default(DEFAULTS.unknownOutcomeLookups)
    .describe(
      "When a send's answer is lost (timeout, crash after sending), look the message up in Genesys this long after the attempt (`30s,2m,10m`): found, it is settled sent; not found after the last, dead-lettered `outcome-unknown` with the evidence. `off`: dead-lettered at once.",
    ),
  resendIfNotFound: bool
    .default(false)
    .describe('Send again when the last look-up found nothing and none failed, within `maxDelayMinutes` (never Web Messaging). A look-up that lags behind Genesys can cause a duplicate.'),
  sendingMode: z
    .enum(SENDING_MODES)
    .optional()
    .describe(
      '`live`, `dry-run` (every step but the Genesys call) or `paused` (nothing requested or sent); unset: `dry-run`, so a new stack sends nothing until you choose `live`. `live` is refused while a channel in `enabledChannels` has a placeholder sender id. `proactive mode` overrides it at run time.',
    ),
  enabledChannels: list
    .pipe(z.array(z.enum(CHANNELS)).min(1))
    .default([...CHANNELS])
    .describe('Channels that may be messaged; a customer on another channel is not requested (counted as outside the pilot). Leave out a channel you have no sender id for.'),
  enabledAgentIds: list.default([]).describe('Pilot scope: only these agents trigger messages (empty: every agent).'),
  enabledQueueIds: list.default([]).describe('Pilot scope: only sessions from these queues are targeted (empty: every queue).'),
  quietHours: quietWindowSetting.optional().describe('Quiet hours `HH:MM-HH:MM` (may wrap midnight): requests triggered inside are not sent (outcome `quiet-hours`); unset: none.'),
  quietHoursTimezone: z.string().default('UTC').describe('IANA time zone of the quiet hours (daylight saving from the platform time-zone data).'),
  quietHoursWebMessaging: quietWindowSetting.optional().describe('Quiet hours for Web Messaging instead of `quietHours`.'),
  quietHoursSms: quietWindowSetting.optional().describe('Quiet hours for SMS instead of `quietHours`.'),
  quietHoursWhatsapp: quietWindowSetting.optional().describe('Quiet hours for WhatsApp instead of `quietHours`.'),
  quietHoursOpen: quietWindowSetting.optional().describe('Quiet hours for Open Messaging instead of `quietHours`.'),
  runbookUrl: z
    .string()
    .regex(/^[^\s#]+$/, 'must have no spaces and no #anchor (each alarm adds its own)')
    .max(300)
    .optional()
    .describe("Base of every alarm's runbook link; each alarm adds the `#anchor` of its section of docs/operations.md. Unset: `docs/operations.md`."),
  alarmEmail: z.email().optional().describe('E-mail subscribed to the alarm topic (confirm the subscription e-mail); unset: no subscription.'),
  logRetentionDays: number
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d))
    .default(30)
    .describe('Lambda log retention; a CloudWatch value (1, 3, 5, 7, 14, 30, 60, 90, …).'),
  archiveRetentionDays: number.int().nonnegative().default(7).describe('App-bus archive retention in days (requests and outcomes: personal data, docs/security.md); 0 keeps events indefinitely.'),
  partnerArchiveRetentionDays: number
    .int()
    .nonnegative()
    .default(7)
    .describe(
      'Partner-bus archive retention in days: the Genesys events the rules consume, for `proactive replay` (agent and conversation events: personal data, docs/security.md); 0 keeps events indefinitely.',
    ),
  sendQueueMaxAgeSeconds: number.positive().default(300).describe('Alarm threshold for the oldest message in the send queue.'),
  rateLimitedAlarmPercent: number.gt(0).max(100).default(10).describe('Alarm when this share of Genesys requests in 5 minutes get 429.'),
  retainData: bool.default(true).describe('Keep tables, the created secret and log groups on `cdk destroy`.'),
  replyRouting: bool
    .default(true)
    .describe('Deploy the reply-routing look-up (function URL, key in Secrets Manager) a Genesys data action calls to offer a reply to the triggering agent; `false` leaves it out.'),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO').describe('Powertools log level.'),
})

/** The settings schema, for the generated settings table (scripts/settings-docs.ts). */
export const SETTINGS_SCHEMA = settingsSchema

/** Context keys the CDK app (cdk/app.ts) reads itself; they are not construct props. */
export const APP_CONTEXT = {
  stackName: { default: 'ProactiveMessaging', meaning: 'Stack name (app only), to deploy a second copy.' },
  nag: { default: 'false', meaning: '`-c nag=true` runs the cdk-nag AwsSolutions and Serverless packs during synth (app only).' },
} as const

type ParsedSettings = z.infer<typeof settingsSchema>

/** Where Genesys events come from: a bus this stack creates for the partner source, or an imported one. */
export type PartnerBusSource =
  | { readonly kind: 'create'; readonly orgId: string; readonly suffix: string; readonly placeholder: boolean }
  | { readonly kind: 'import'; readonly busName: string; readonly orgId?: string }

export type ResolvedSettings = Omit<ParsedSettings, 'genesysOrgId' | 'eventSourceSuffix' | 'existingPartnerBusName' | 'sendingMode'> & {
  readonly partnerBus: PartnerBusSource
  readonly sendingMode: SendingMode
  /** false when `sendingMode` was not set and the stack deploys in the default `dry-run`. */
  readonly sendingModeSet: boolean
}

/** A stack whose `sendingMode` is not set deploys in this mode: it runs every step and sends nothing. */
export const DEFAULT_DEPLOYED_SENDING_MODE: SendingMode = 'dry-run'

/** The settings that must be real before a channel is sent `live`, with the placeholder each has by default. */
export const SENDER_SETTINGS: Readonly<Record<Channel, readonly { readonly setting: SettingName; readonly placeholder: string }[]>> = {
  webmessaging: [{ setting: 'webMessagingDeploymentId', placeholder: DEFAULTS.fromAddress.webmessaging }],
  sms: [{ setting: 'smsFromNumber', placeholder: DEFAULTS.fromAddress.sms }],
  whatsapp: [
    { setting: 'whatsappIntegrationId', placeholder: DEFAULTS.fromAddress.whatsapp },
    { setting: 'whatsappTemplateId', placeholder: DEFAULTS.whatsappTemplateId },
  ],
  open: [{ setting: 'openIntegrationId', placeholder: DEFAULTS.fromAddress.open }],
}

/** `live` with a placeholder sender id would send every message of that channel to a Genesys 400 and the DLQ. */
function checkLiveSenders(settings: Pick<ParsedSettings, 'enabledChannels' | SenderSetting>): void {
  for (const channel of settings.enabledChannels) {
    for (const { setting, placeholder } of SENDER_SETTINGS[channel]) {
      if (settings[setting as SenderSetting] !== placeholder) continue
      throw new SettingError(
        setting,
        `is still the placeholder ${placeholder} while sendingMode is 'live' and ${channel} is in enabledChannels; set it, or leave ${channel} out of enabledChannels, or deploy with sendingMode 'dry-run' first`,
      )
    }
  }
}
type SenderSetting = 'webMessagingDeploymentId' | 'smsFromNumber' | 'whatsappIntegrationId' | 'whatsappTemplateId' | 'openIntegrationId'

export class SettingError extends Error {
  constructor(setting: SettingName, problem: string) {
    super(
      `Invalid setting "${setting}": ${problem}. Expected ${HINTS[setting]}. ` +
        `Set it in cdk.json "context", with \`cdk synth -c ${setting}=...\`, or as the ProactiveMessaging prop \`${setting}\`.`,
    )
    this.name = 'SettingError'
  }
}

/** The setting keys, for reading them from CDK context. */
export const SETTING_NAMES = Object.keys(HINTS) as SettingName[]

/** Reads every known setting from construct context (cdk.json or `-c`); unset keys are left out. */
export function settingsFromContext(tryGetContext: (key: string) => unknown): Record<string, unknown> {
  const found: Record<string, unknown> = {}
  for (const name of SETTING_NAMES) {
    const value = tryGetContext(name)
    if (value !== undefined && value !== '') found[name] = value
  }
  return found
}

const ORG_FROM_BUS = /^aws\.partner\/genesys\.com\/cloud\/([^/]+)\/[^/]+$/

/** The construct's setting names, from the schema itself: a setting added there is known everywhere. */
export const KNOWN_SETTING_NAMES: readonly string[] = Object.keys(settingsSchema.shape)

/** Context keys this project reads that are not construct settings (cdk/app.ts). */
export const APP_CONTEXT_KEYS = ['stackName', 'nag'] as const

/** Keys the CDK itself and its CLI put in the context: feature flags (`@aws-cdk/…`), `aws:cdk:…`, CLI options. */
const isCdkOwnContextKey = (key: string): boolean => key.includes(':') || key.startsWith('@') || ['cli-telemetry', 'acknowledged-issue-numbers', 'notices'].includes(key)

export class UnknownSettingError extends Error {
  constructor(what: string, name: string, known: readonly string[]) {
    super(unknownNameMessage(what, name, known))
    this.name = 'UnknownSettingError'
  }
}

/** A prop no part of the construct reads is a typo: an error naming it, with the closest known name. */
export function checkSettingNames(input: object): void {
  for (const key of Object.keys(input)) {
    if (!KNOWN_SETTING_NAMES.includes(key)) throw new UnknownSettingError('The ProactiveMessaging prop', key, KNOWN_SETTING_NAMES)
  }
}

/** The same for cdk.json "context" keys and `-c key=value`. */
export function checkContextKeys(context: Record<string, unknown>): void {
  const known = [...KNOWN_SETTING_NAMES, ...APP_CONTEXT_KEYS]
  for (const key of Object.keys(context)) {
    if (!known.includes(key) && !isCdkOwnContextKey(key)) throw new UnknownSettingError('The context key (cdk.json "context" or -c)', key, known)
  }
}

export function resolveSettings(input: ProactiveMessagingProps | Record<string, unknown>): ResolvedSettings {
  checkSettingNames(input)
  const result = settingsSchema.safeParse(input)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new SettingError(issue.path[0] as SettingName, issue.message)
  }
  const { genesysOrgId, eventSourceSuffix, existingPartnerBusName, sendingMode, ...rest } = result.data
  const eligibility = eligibilityScopeProblem(rest.eligibleSessions, rest.scope)
  if (eligibility) throw new SettingError('eligibleSessions', eligibility.replace('ELIGIBLE_SESSIONS', 'eligibleSessions').replace(/TARGET_SCOPE/g, 'scope'))
  if (sendingMode === 'live') checkLiveSenders(rest)
  return {
    ...rest,
    sendingMode: sendingMode ?? DEFAULT_DEPLOYED_SENDING_MODE,
    sendingModeSet: sendingMode !== undefined,
    partnerBus: partnerBusSource(genesysOrgId, eventSourceSuffix, existingPartnerBusName),
  }
}

function partnerBusSource(orgId?: string, suffix?: string, busName?: string): PartnerBusSource {
  if (busName !== undefined) {
    if (orgId !== undefined || suffix !== undefined) {
      const extra: SettingName = orgId !== undefined ? 'genesysOrgId' : 'eventSourceSuffix'
      throw new SettingError(extra, 'cannot be combined with existingPartnerBusName (the imported bus already names the source)')
    }
    return { kind: 'import', busName, orgId: ORG_FROM_BUS.exec(busName)?.[1] }
  }
  if (orgId === undefined && suffix !== undefined) throw new SettingError('genesysOrgId', 'is required when eventSourceSuffix is set')
  return {
    kind: 'create',
    orgId: orgId ?? PLACEHOLDER_ORG_ID,
    suffix: suffix ?? DEFAULT_EVENT_SOURCE_SUFFIX,
    placeholder: orgId === undefined,
  }
}
