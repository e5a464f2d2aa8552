/**
 * The settings registry: every setting declared once. From these entries come each function's configuration
 * schema (lib/config.ts), the construct's props (cdk/proactive-messaging-props.generated.ts), the synth-time check
 * (cdk/settings.ts), the environment the stack sets (cdk/function-environment.ts), the did-you-mean lists and the
 * settings tables in README.md and docs/deployment.md (`npm run docs:settings`). How to add one:
 * docs/architecture.md, "Adding a setting".
 */
import { z } from 'zod'
import { E164 } from '../domain/address.ts'
import { CHANNELS } from '../domain/model.ts'
import { AGENT_CAPACITY, parseMessageLimit } from '../presence/capacity.ts'
import { ELIGIBLE_SESSIONS, eligibilityScopeProblem } from '../presence/eligibility.ts'
import { SENDING_MODES } from '../domain/sending-mode.ts'
import { STAGES } from '../topology.ts'
import type { CrossCheck, SettingDefinition } from './definition.ts'
import { booleanText, commaList, durationList, messageText, nonEmptyList, numberSetting, oneOf, quietWindow, quietWindowShape, tableName, templateParameters, timeZone } from './schemas.ts'

export const DEFAULTS = {
  scope: 'agent',
  availablePresences: 'ON_QUEUE',
  availableRoutingStatuses: 'IDLE',
  windowHours: 24,
  capHours: 24,
  activeConversationStaleHours: 4,
  replyWindowHours: 72,
  maxClockSkewSeconds: 300,
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

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const

/** The most customers one trigger may request: the largest fan-out docs/benchmarks.md measures. */
export const MAX_PER_TRIGGER = 10_000

const ALL = ['sessionRecorder', 'presence', 'send'] as const
/** The stages and the reply-routing look-up: every function with an AWS client. */
const EVERY_FUNCTION = [...ALL, 'track', 'replyRouting'] as const
const PRESENCE_AND_SEND = ['presence', 'send'] as const
/** The functions that call Genesys. */
const GENESYS_CALLERS = ['presence', 'send', 'track'] as const
/** send and track: the Genesys budget they share, the send queue's dead letters, the request's expiry. */
const SEND_AND_TRACK = ['send', 'track'] as const
const LOCAL_ONLY = 'not settable: local run and tests only; a deployed function uses the AWS endpoints'
const QUIET_HINT = 'HH:MM-HH:MM on a 24-hour clock, e.g. 21:00-08:00'
const TEXT_HINT = 'a text of 1 to 4000 characters using only known placeholders'
const PARAMETERS_HINT = 'an object (or JSON string) of parameter ids to values, e.g. {"1": "{{brand}}"}'

const localEndpoint = <const E extends string>(env: E, service: string) =>
  ({ env, readBy: EVERY_FUNCTION, schema: z.url().optional(), meaning: `Endpoint of ${service} instead of AWS's; the local cloud points it at its local service.`, whyNoProp: LOCAL_ONLY }) as const

const channelText = <const E extends string, const P extends string>(env: E, prop: P, channel: string, limit: number) =>
  ({
    env,
    prop,
    readBy: ['send'],
    schema: messageText().optional(),
    propType: 'string',
    meaning: `Text for ${channel} instead of \`MESSAGE_TEXT\` (unset: \`MESSAGE_TEXT\`). ${channel} allows ${limit} characters.`,
    hint: TEXT_HINT,
  }) as const

const quietHours = <const E extends string, const P extends string>(env: E, prop: P, channel: string) =>
  ({
    env,
    prop,
    readBy: ['send'],
    schema: quietWindow(),
    propSchema: quietWindowShape(),
    propType: 'string',
    meaning: `Quiet hours for ${channel} instead of \`QUIET_HOURS\`.`,
    hint: QUIET_HINT,
  }) as const

const sender = <const E extends string, const P extends string>(env: E, prop: P, fallback: string, meaning: string, hint: string) =>
  ({ env, prop, readBy: ['send'], schema: z.string().min(1).default(fallback), propType: 'string', meaning, hint }) as const

const cacheMinutes = (what: string) => numberSetting({ min: 0, max: 1440, unit: 'minutes', default: 5, why: `a day: ${what} changes show within it` })

export const SETTINGS = [
  // The stack's own resources and the platform: not a user's choice.
  { env: 'AWS_REGION', readBy: EVERY_FUNCTION, schema: z.string().min(1).optional(), meaning: 'The AWS region the function runs in.', whyNoProp: 'set by Lambda (the region the function runs in)' },
  localEndpoint('AWS_ENDPOINT_URL_DYNAMODB', 'DynamoDB'),
  localEndpoint('AWS_ENDPOINT_URL_EVENTBRIDGE', 'EventBridge'),
  localEndpoint('AWS_ENDPOINT_URL_SQS', 'SQS'),
  localEndpoint('AWS_ENDPOINT_URL_SECRETS_MANAGER', 'Secrets Manager'),
  { env: 'SESSIONS_TABLE_NAME', readBy: ALL, schema: tableName(), meaning: 'The sessions table (resource name).', stackSets: 'sessionsTableName', whyNoProp: 'set by the stack (its sessions table)' },
  {
    env: 'STATE_TABLE_NAME',
    readBy: EVERY_FUNCTION,
    schema: tableName(),
    meaning: 'The state table: agent state, outreach ledger, queue cache, idempotency records (resource name).',
    stackSets: 'stateTableName',
    whyNoProp: 'set by the stack (its state table)',
  },
  {
    env: 'APP_EVENT_BUS_NAME',
    readBy: [...ALL, 'track'],
    schema: z.string().min(1),
    meaning: 'The app event bus that carries requests and outcomes (resource name).',
    stackSets: 'appEventBusName',
    whyNoProp: 'set by the stack (its app bus)',
  },
  {
    env: 'SEND_DLQ_URL',
    readBy: SEND_AND_TRACK,
    schema: z.url(),
    meaning: "The send stage's dead-letter queue, where permanent failures (and unknown outcomes the look-ups could not settle) go with their reason (resource URL).",
    stackSets: 'sendDlqUrl',
    whyNoProp: "set by the stack (the send stage's dead-letter queue)",
  },
  {
    env: 'SEND_QUEUE_URL',
    readBy: ['track'],
    schema: z.url(),
    meaning: 'The send queue: RESEND_IF_NOT_FOUND puts a request back there (resource URL).',
    stackSets: 'sendQueueUrl',
    whyNoProp: 'set by the stack (the send queue)',
  },
  {
    env: 'TRACK_QUEUE_URL',
    readBy: SEND_AND_TRACK,
    schema: z.url().optional(),
    meaning: 'The track queue: look-ups of unknown outcomes (resource URL). Unset (a handler built without one): no look-ups, an unknown outcome is dead-lettered at once.',
    stackSets: 'trackQueueUrl',
    whyNoProp: 'set by the stack (the track queue: look-up jobs)',
  },
  {
    env: 'SEND_ATTEMPT_TIMEOUT_SECONDS',
    readBy: ['send'],
    ...numberSetting({ min: 'positive', max: 900, unit: 'seconds', default: 60, why: "Lambda's longest function timeout" }),
    meaning: 'An attempt that started this long ago and never finished died with its worker: its outcome is unknown (dead-lettered). The function timeout.',
    stackSets: 'sendAttemptTimeoutSeconds',
    whyNoProp: "set by the stack to the send function's timeout (lib/topology.ts), which it must equal",
  },
  {
    env: 'REPLY_ROUTING_SECRET_ARN',
    readBy: ['replyRouting'],
    schema: z.string().min(1).optional(),
    meaning: 'Secrets Manager secret holding the key the Genesys data action presents (Basic Auth password or `X-Reply-Routing-Key`). Read at run time and cached.',
    whyNoProp: 'set by the reply-routing construct (the secret it creates for the key)',
  },
  {
    env: 'GENESYS_GATEWAY_URL',
    readBy: GENESYS_CALLERS,
    schema: z.url().optional(),
    meaning: 'http(s)://host:port of a gateway for all Genesys calls, overriding the region hosts; the local run points it at the simulator.',
    whyNoProp: 'not settable: local run and tests only; a deployed stack calls the Genesys region hosts',
  },

  // Genesys: where events come from and how the functions call it.
  {
    env: 'GENESYS_ORG_ID',
    prop: 'genesysOrgId',
    readBy: ['sessionRecorder', 'presence'],
    schema: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,128}$/, 'must be a Genesys Cloud org id such as 32aa07aa-db1b-4987-abd0-9483601ec29d')
      .optional(),
    propSchema: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
      .optional(),
    propType: 'string',
    stackSets: 'trustedOrgId',
    meaning:
      'The Genesys Cloud org whose events are trusted: events from any other org are ignored and counted. With `eventSourceSuffix` it names the partner event source the stack creates a bus for. Unset: any org is trusted, and the stack uses a placeholder org (synth works, deploy does not).',
    hint: 'your Genesys Cloud organization id (Admin > Organization Settings), a UUID',
  },
  {
    prop: 'eventSourceSuffix',
    readBy: [],
    schema: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/)
      .optional(),
    propType: 'string',
    meaning: 'The suffix chosen in the Genesys `amazon-eventbridge-source` integration; unset: `proactive-messaging`. Needs `genesysOrgId`.',
    hint: 'the event source suffix of the Genesys EventBridge integration (at most 64 letters, digits, . _ -)',
  },
  {
    prop: 'existingPartnerBusName',
    readBy: [],
    schema: z
      .string()
      .regex(/^aws\.partner\/genesys\.com\/\S+$/)
      .optional(),
    propType: 'string',
    meaning: 'Import an existing partner event bus by name instead of creating one (not with `genesysOrgId`).',
    hint: 'the name of an existing partner event bus, aws.partner/genesys.com/cloud/<orgId>/<suffix>',
  },
  {
    env: 'GENESYS_REGION',
    prop: 'genesysRegion',
    readBy: GENESYS_CALLERS,
    schema: z
      .string()
      .regex(/^[a-z0-9._-]+$/, 'must be a region host such as mypurecloud.ie or an SDK region key such as eu_west_1')
      .default('mypurecloud.com'),
    propType: 'string',
    meaning: 'Region host (`mypurecloud.ie`) or SDK region key (`eu_west_1`).',
    hint: 'a Genesys region host such as mypurecloud.com or mypurecloud.ie (or an SDK region key such as eu_west_1)',
  },
  {
    env: 'GENESYS_SECRET_ARN',
    prop: 'genesysSecretArn',
    readBy: GENESYS_CALLERS,
    schema: z.string().optional(),
    propSchema: z
      .string()
      .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/)
      .optional(),
    propType: 'string',
    stackSets: 'genesysSecretArn',
    meaning:
      'Secrets Manager secret holding `{"clientId":"…","clientSecret":"…"}`, read at run time and cached; never in the environment or the template. The prop is the complete ARN (ending `-XXXXXX`) of an existing secret; unset: the stack creates a secret to fill after deploy.',
    hint: 'the complete secret ARN, ending in -XXXXXX (a partial ARN would need a wildcard grant)',
  },
  {
    env: 'GENESYS_TIMEOUT_MS',
    prop: 'genesysTimeoutMs',
    readBy: GENESYS_CALLERS,
    ...numberSetting({ min: 'positive', integer: true, max: 59_999, unit: 'milliseconds', default: 10_000, why: "below the functions' 60 s timeout" }),
    meaning: 'Timeout of one Genesys request. A timed-out send may have been accepted: it is dead-lettered as `outcome-unknown`, never resent automatically.',
  },

  // Operator controls.
  {
    env: 'SENDING_MODE',
    prop: 'sendingMode',
    readBy: PRESENCE_AND_SEND,
    schema: z
      .string()
      .default('live')
      .transform((value) => value.trim().toLowerCase())
      .pipe(z.enum(SENDING_MODES, { error: (issue) => `unknown sending mode ${JSON.stringify(issue.input)}: expected one of ${SENDING_MODES.join(', ')}` })),
    propType: { oneOf: SENDING_MODES },
    // A deployed stack sends nothing until its operator chooses `live` (cdk/settings.ts: SendingModeSource).
    propDefault: 'dry-run',
    meaning:
      '`live` sends; `dry-run` runs every step up to the Genesys call and sends nothing (outcome `dry-run`); `paused` requests and sends nothing (outcome `paused`). `proactive mode` overrides it at run time (within 30 s). A stack deployed without it runs `dry-run`; synth refuses `live` while a channel in `ENABLED_CHANNELS` has a placeholder sender id.',
    hint: "'live', 'dry-run' or 'paused'",
  },
  {
    env: 'ENABLED_AGENT_IDS',
    prop: 'enabledAgentIds',
    readBy: ['presence'],
    schema: commaList(),
    propType: 'list',
    meaning: 'Pilot scope: only these agents trigger messages (comma-separated ids); empty means all.',
    hint: 'a comma-separated list of Genesys user ids (empty: every agent)',
  },
  {
    env: 'ENABLED_QUEUE_IDS',
    prop: 'enabledQueueIds',
    readBy: ['presence'],
    schema: commaList(),
    propType: 'list',
    meaning: "Pilot scope: only these queues' sessions are targeted (comma-separated ids); empty means all.",
    hint: 'a comma-separated list of Genesys queue ids (empty: every queue)',
  },

  {
    env: 'ENABLED_CHANNELS',
    prop: 'enabledChannels',
    readBy: ['presence'],
    schema: commaList(CHANNELS.join(',')).pipe(
      z
        .array(z.enum(CHANNELS, { error: (issue) => `unknown channel ${JSON.stringify(issue.input)}: expected some of ${CHANNELS.join(', ')}` }))
        .min(1, `must list at least one channel of ${CHANNELS.join(', ')}`),
    ),
    propType: 'list',
    meaning: `Channels that may be messaged (comma-separated, of ${CHANNELS.join(', ')}); a customer on another channel is counted as outside the pilot and not requested. Leave out a channel you have no sender id for.`,
    hint: `a list (or comma-separated string) of ${CHANNELS.join(', ')}`,
  },

  // Who is messaged, and when an agent counts as available.
  {
    env: 'TARGET_SCOPE',
    prop: 'scope',
    readBy: ['presence'],
    ...oneOf(['agent', 'queue'], DEFAULTS.scope),
    meaning:
      '`agent`: sessions this agent handled (the last agent who connected). `queue`: sessions that came through a queue the agent is a member of (Genesys `GET /api/v2/users/{userId}/queues`, cached).',
  },
  {
    env: 'AVAILABLE_PRESENCES',
    prop: 'availablePresences',
    readBy: ['presence'],
    schema: nonEmptyList(DEFAULTS.availablePresences),
    propType: 'list',
    meaning:
      'System presences that count as available, compared case-insensitively. `ON_QUEUE`: the agent can take routed work. `AVAILABLE,ON_QUEUE` also fires at every login and on going off queue.',
    hint: 'a comma-separated list such as ON_QUEUE',
  },
  {
    env: 'AVAILABLE_ROUTING_STATUSES',
    prop: 'availableRoutingStatuses',
    readBy: ['presence'],
    schema: nonEmptyList(DEFAULTS.availableRoutingStatuses),
    propType: 'list',
    meaning: 'Routing statuses that count as available, once any routing status (`v2.users.{id}.routingStatus` or `.activity`) has been seen for the agent; both this and the presence must hold.',
    hint: 'a comma-separated list such as IDLE',
  },
  {
    env: 'MAX_CLOCK_SKEW_SECONDS',
    prop: 'maxClockSkewSeconds',
    readBy: ['sessionRecorder', 'presence'],
    ...numberSetting({ min: 'positive', max: 3600, unit: 'seconds', default: DEFAULTS.maxClockSkewSeconds, why: 'an hour: an event time further ahead is a wrong clock, not a delay' }),
    meaning:
      "A Genesys event whose own time (`modifiedDate`, `startTime`, `eventTime`) is more than this many seconds ahead of when EventBridge received it (the envelope's `time`), or of the function's clock, is taken at the receive time instead (counted as `EventTimesClamped`).",
  },
  {
    env: 'WINDOW_HOURS',
    prop: 'windowHours',
    readBy: ALL,
    ...numberSetting({ min: 'positive', max: 168, unit: 'hours', default: DEFAULTS.windowHours, why: 'a week: each trigger reads every session in the window' }),
    meaning: "How far back from the triggering event's own time a session counts as recent; also sets the sessions' TTL.",
  },
  {
    env: 'CAP_HOURS',
    prop: 'capHours',
    readBy: PRESENCE_AND_SEND,
    ...numberSetting({ min: 'positive', max: 720, unit: 'hours', default: DEFAULTS.capHours, why: '30 days: each reservation is kept this long in the state table' }),
    meaning: 'At most one proactive message per customer in this many hours: send reserves the customer with a conditional write just before sending; presence skips customers already reserved.',
  },
  {
    env: 'ACTIVE_CONVERSATION_STALE_HOURS',
    prop: 'activeConversationStaleHours',
    readBy: PRESENCE_AND_SEND,
    ...numberSetting({ min: 'positive', max: 168, unit: 'hours', default: DEFAULTS.activeConversationStaleHours, why: 'a week: a lost `customer.end` blocks a customer at most this long' }),
    meaning:
      'A customer with a conversation still active (no `customer.end`, e.g. chatting with another agent or back in queue after a transfer) is not messaged (outcome `customer-busy`); a conversation with no event for this many hours counts as ended.',
  },
  {
    env: 'REPLY_WINDOW_HOURS',
    prop: 'replyWindowHours',
    readBy: ['sessionRecorder', 'send', 'replyRouting'],
    ...numberSetting({ min: 'positive', max: 24 * 31, unit: 'hours', default: DEFAULTS.replyWindowHours, why: '31 days' }),
    meaning:
      "A customer's activity within this many hours after a proactive message is its reply (`ProactiveMessageAnswered`), threaded into the agentless conversation or in a new one; later activity is not. Also how long the sent-message records (and the reply-routing answer) last. Genesys's messaging threading timeline is 72 h by default.",
  },
  {
    env: 'REPLY_AGENT_ATTRIBUTE',
    prop: 'replyAgentAttribute',
    readBy: ['send'],
    ...oneOf(['off', 'on'], 'off'),
    meaning:
      "`on`: after each message is sent, the triggering agent's id is written as the participant attribute `proactiveTriggeringAgentId` of the agentless conversation's customer participant, for an Architect flow to read. Two more Genesys requests per message (read the conversation, then the PATCH), paced like the sends; a failure is counted (`AgentAttributeFailures`) and never changes the send.",
    hint: "'off' or 'on'",
  },
  {
    env: 'COOLDOWN_MINUTES',
    prop: 'cooldownMinutes',
    readBy: ['presence'],
    ...numberSetting({ min: 0, max: 1440, unit: 'minutes', default: DEFAULTS.cooldownMinutes, why: 'a day' }),
    meaning: 'After a trigger, the same agent does not trigger again for this long (flapping).',
  },
  { env: 'QUEUE_CACHE_MINUTES', prop: 'queueCacheMinutes', readBy: ['presence'], ...cacheMinutes('membership'), meaning: "How long an agent's queue memberships are cached (queue scope)." },
  {
    env: 'MAX_MESSAGES_PER_TRIGGER',
    prop: 'maxMessagesPerTrigger',
    readBy: ['presence'],
    schema: z
      .string()
      .default(DEFAULTS.maxMessagesPerTrigger)
      .transform((raw, ctx) => {
        const limit = parseMessageLimit(raw)
        if (limit === undefined) ctx.addIssue({ code: 'custom', message: `must be a positive whole number or ${AGENT_CAPACITY} (got ${JSON.stringify(raw)})` })
        else if (limit !== AGENT_CAPACITY && limit > MAX_PER_TRIGGER) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_PER_TRIGGER} customers (the largest fan-out measured)` })
        else return limit
        return z.NEVER
      }),
    propType: { numberOr: [AGENT_CAPACITY] },
    range: `1 to ${MAX_PER_TRIGGER} customers (the largest fan-out measured), or ${AGENT_CAPACITY}`,
    meaning:
      "At most this many customers are requested per trigger; the rest are deferred to the next trigger while in the window. `agent-capacity`: the agent's `message` capacity in Genesys utilization (cached). Order: never-served conversations, then newest, then conversation id.",
    hint: `a whole number from 1 to ${MAX_PER_TRIGGER}, or 'agent-capacity' (the agent's message capacity in Genesys)`,
  },
  {
    env: 'FALLBACK_MESSAGES_PER_TRIGGER',
    prop: 'fallbackMessagesPerTrigger',
    readBy: ['presence'],
    ...numberSetting({ min: 'positive', integer: true, max: MAX_PER_TRIGGER, unit: 'customers', default: DEFAULTS.fallbackMessagesPerTrigger, why: 'the largest fan-out measured' }),
    meaning: 'The per-trigger limit when `MAX_MESSAGES_PER_TRIGGER=agent-capacity` and the capacity lookup fails (counted as `CapacityLookupFallbacks`).',
  },
  {
    env: 'CAPACITY_CACHE_MINUTES',
    prop: 'capacityCacheMinutes',
    readBy: ['presence'],
    ...cacheMinutes('capacity'),
    meaning: "How long an agent's messaging capacity is cached (`MAX_MESSAGES_PER_TRIGGER=agent-capacity`).",
  },
  {
    env: 'ELIGIBLE_SESSIONS',
    prop: 'eligibleSessions',
    readBy: ['presence'],
    ...oneOf(ELIGIBLE_SESSIONS, 'all'),
    meaning:
      '`all`: every conversation in the window. `unserved`: only conversations no agent ever connected to (abandoned in queue or in the flow); needs `TARGET_SCOPE=queue`. Others count as `ineligible`.',
    hint: "'all' or 'unserved' (unserved needs scope 'queue')",
  },
  {
    env: 'EXCLUDE_WRAPUP_CODES',
    prop: 'excludeWrapupCodes',
    readBy: ['presence'],
    schema: commaList(),
    propType: 'list',
    meaning: 'Wrap-up code ids (comma-separated): a conversation whose `acw` event carried one of them is never targeted (counted as `ineligible`). Empty: none.',
    hint: 'a list (or comma-separated string) of Genesys wrap-up code ids',
  },

  // Sending: quiet hours, expiry, pacing, retries.
  {
    env: 'QUIET_HOURS',
    prop: 'quietHours',
    readBy: ['send'],
    schema: quietWindow(),
    propSchema: quietWindowShape(),
    propType: 'string',
    meaning:
      'Quiet hours `HH:MM-HH:MM` (may wrap midnight, e.g. `21:00-08:00`) in `QUIET_HOURS_TIMEZONE`: a request whose time of sending falls inside is not sent (outcome `quiet-hours`). Unset: none.',
    hint: QUIET_HINT,
  },
  {
    env: 'QUIET_HOURS_TIMEZONE',
    prop: 'quietHoursTimezone',
    readBy: ['send'],
    schema: timeZone(),
    propType: 'string',
    meaning: 'IANA time zone of the quiet hours, e.g. `Europe/London`; daylight-saving changes follow the platform time-zone data.',
    hint: 'an IANA time zone name such as Europe/London',
  },
  quietHours('QUIET_HOURS_WEBMESSAGING', 'quietHoursWebMessaging', 'Web Messaging'),
  quietHours('QUIET_HOURS_SMS', 'quietHoursSms', 'SMS'),
  quietHours('QUIET_HOURS_WHATSAPP', 'quietHoursWhatsapp', 'WhatsApp'),
  quietHours('QUIET_HOURS_OPEN', 'quietHoursOpen', 'Open Messaging'),
  {
    env: 'MAX_DELAY_MINUTES',
    prop: 'maxDelayMinutes',
    readBy: SEND_AND_TRACK,
    ...numberSetting({ min: 'positive', max: 1440, unit: 'minutes', default: DEFAULTS.maxDelayMinutes, why: 'a day: an older request no longer answers "an agent is available"' }),
    meaning: 'A request older than this when it reaches the send function is not sent ("an agent is available" would no longer be true).',
  },
  {
    env: 'GENESYS_BUDGET_PER_MINUTE',
    prop: 'budgetPerMinute',
    readBy: SEND_AND_TRACK,
    ...numberSetting({
      min: 'positive',
      integer: true,
      max: 60_000,
      unit: 'requests a minute',
      default: DEFAULTS.budgetPerMinute,
      why: "1,000 a second; the send stage's concurrency is derived from it (sendConcurrencyFor)",
    }),
    meaning:
      "Genesys requests a minute the send stage starts at, and falls back to when responses carry no inin-ratelimit headers; otherwise it paces to what the headers report (docs/pacing.md). Sets the send event source's maximum concurrency.",
  },
  {
    env: 'GENESYS_BUDGET_HEADROOM',
    prop: 'budgetHeadroom',
    readBy: SEND_AND_TRACK,
    schema: z.coerce.number().gt(0, 'must be more than 0 (a share of the budget)').max(1, 'must be at most 1 (the whole budget)').default(DEFAULTS.budgetHeadroom),
    propType: 'number',
    range: 'more than 0 and at most 1',
    meaning: 'Share of the budget this pipeline may use while no rate-limit headers have been seen. All send workers share one rate through a counter in the state table.',
    hint: 'a number greater than 0 and at most 1',
  },
  {
    env: 'UNKNOWN_OUTCOME_LOOKUPS',
    prop: 'unknownOutcomeLookups',
    readBy: SEND_AND_TRACK,
    schema: durationList(DEFAULTS.unknownOutcomeLookups, { max: 10, withinMs: 12 * 3_600_000 }),
    propType: 'string',
    range: 'at most 10 look-ups, the last within 12 hours (the longest SQS visibility)',
    meaning:
      "When a send's answer is lost (timeout, crash after sending), look the message up in Genesys (analytics conversation details) this long after the attempt started: found, it is settled `sent`; not found after the last, dead-lettered `outcome-unknown` with the evidence. `off`: dead-lettered at once.",
    hint: "a comma-separated list of ascending durations such as 30s,2m,10m, or 'off'",
  },
  {
    env: 'RESEND_IF_NOT_FOUND',
    prop: 'resendIfNotFound',
    readBy: ['track'],
    schema: booleanText(false),
    propType: 'boolean',
    meaning:
      'After the last look-up found nothing (and none failed), send the message again instead of dead-lettering it, if it is still within `MAX_DELAY_MINUTES`. Risk: a look-up that lags behind Genesys can cause a duplicate. Web Messaging is never resent.',
    hint: 'true or false',
  },
  {
    env: 'RETRY_BASE_SECONDS',
    prop: 'retryBaseSeconds',
    readBy: ['send'],
    ...numberSetting({ min: 0, max: 900, unit: 'seconds', default: 10, why: '15 minutes' }),
    meaning: 'First retry delay after a transient Genesys failure (5xx, refused connection): base × 2^(delivery−1), with jitter.',
  },
  {
    env: 'RETRY_MAX_SECONDS',
    prop: 'retryMaxSeconds',
    readBy: ['send'],
    ...numberSetting({ min: 0, max: 43_200, unit: 'seconds', default: 900, why: "SQS's longest visibility timeout, 12 hours" }),
    meaning: 'Longest retry delay after a transient failure (an SQS visibility change).',
  },

  // What is sent, and from where.
  {
    env: 'MESSAGE_TEXT',
    prop: 'messageText',
    readBy: ['send'],
    schema: messageText().default(DEFAULTS.text),
    propType: 'string',
    meaning: 'Message text. Placeholders: `{{brand}}`, `{{channel}}`; values are inserted literally. WhatsApp sends its approved template instead.',
    hint: TEXT_HINT,
  },
  channelText('MESSAGE_TEXT_WEBMESSAGING', 'messageTextWebMessaging', 'Web Messaging', 2000),
  channelText('MESSAGE_TEXT_SMS', 'messageTextSms', 'SMS', 765),
  channelText('MESSAGE_TEXT_OPEN', 'messageTextOpen', 'Open Messaging', 2000),
  { env: 'BRAND_NAME', prop: 'brandName', readBy: ['send'], schema: z.string().max(100).default(''), propType: 'string', meaning: 'Value of `{{brand}}`.', hint: 'a name of at most 100 characters' },
  sender(
    'WEBMESSAGING_DEPLOYMENT_ID',
    'webMessagingDeploymentId',
    DEFAULTS.fromAddress.webmessaging,
    'The Messenger deployment id: `fromAddress` for Web Messaging. The default is a placeholder: replace it before a real send.',
    'the Messenger deployment id',
  ),
  {
    env: 'SMS_FROM_NUMBER',
    prop: 'smsFromNumber',
    readBy: ['send'],
    schema: z.string().regex(E164, 'must be an E.164 number such as +13175550100').default(DEFAULTS.fromAddress.sms),
    propType: 'string',
    meaning: 'A provisioned SMS number (E.164): `fromAddress` for SMS. The default is a placeholder.',
    hint: 'an E.164 number such as +13175550100',
  },
  sender(
    'WHATSAPP_INTEGRATION_ID',
    'whatsappIntegrationId',
    DEFAULTS.fromAddress.whatsapp,
    'The WhatsApp integration id: `fromAddress` for WhatsApp. The default is a placeholder.',
    'the WhatsApp integration id',
  ),
  sender(
    'WHATSAPP_TEMPLATE_ID',
    'whatsappTemplateId',
    DEFAULTS.whatsappTemplateId,
    'The approved WhatsApp template (`messagingTemplate.responseId`); WhatsApp requires a template. The default is a placeholder.',
    'the approved WhatsApp template id',
  ),
  {
    env: 'WHATSAPP_TEMPLATE_BODY_PARAMETERS',
    prop: 'whatsappTemplateBodyParameters',
    readBy: ['send'],
    schema: templateParameters(),
    propType: 'map',
    meaning: 'WhatsApp template body parameters: JSON `{"<parameter id>": "<value>"}`; values may use `{{brand}}`, `{{channel}}`. Sent as `messagingTemplate.bodyParameters` (unset: none).',
    hint: PARAMETERS_HINT,
  },
  {
    env: 'WHATSAPP_TEMPLATE_HEADER_PARAMETERS',
    prop: 'whatsappTemplateHeaderParameters',
    readBy: ['send'],
    schema: templateParameters(),
    propType: 'map',
    meaning: 'WhatsApp template header parameters: JSON `{"<parameter id>": "<value>"}`; values may use `{{brand}}`, `{{channel}}`. Sent as `messagingTemplate.headerParameters` (unset: none).',
    hint: PARAMETERS_HINT,
  },
  sender(
    'OPEN_INTEGRATION_ID',
    'openIntegrationId',
    DEFAULTS.fromAddress.open,
    'The Open Messaging integration id: `fromAddress` for Open Messaging. The default is a placeholder.',
    'the Open Messaging integration id',
  ),

  // The stack only: alarms, retention, logging.
  {
    prop: 'runbookUrl',
    readBy: [],
    schema: z
      .string()
      .regex(/^[^\s#]+$/, 'must have no spaces and no #anchor (each alarm adds its own)')
      .max(300)
      .optional(),
    propType: 'string',
    meaning: "Base of every alarm's runbook link; each alarm adds the `#anchor` of its section of docs/operations.md. Unset: `docs/operations.md`.",
    hint: 'a URL or path without a #anchor, e.g. https://github.com/your-org/your-fork/blob/main/docs/operations.md',
  },
  {
    prop: 'alarmEmail',
    readBy: [],
    schema: z.email().optional(),
    propType: 'string',
    meaning: 'E-mail subscribed to the alarm topic (confirm the subscription e-mail); unset: no subscription.',
    hint: 'an e-mail address',
  },
  {
    prop: 'logRetentionDays',
    readBy: [],
    schema: z.coerce
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `must be one of CloudWatch's retention periods`)
      .default(30),
    propType: 'number',
    range: `one of ${LOG_RETENTION_DAYS.join(', ')} days`,
    meaning: 'Lambda log retention in days.',
    hint: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
  },
  {
    prop: 'archiveRetentionDays',
    readBy: [],
    ...numberSetting({ min: 0, integer: true, max: 3653, unit: 'days', default: 7, why: 'ten years, as the longest log retention; 0 keeps events indefinitely' }),
    meaning: 'App-bus archive retention (requests and outcomes: personal data, docs/security.md); 0 keeps events indefinitely.',
  },
  {
    prop: 'partnerArchiveRetentionDays',
    readBy: [],
    ...numberSetting({ min: 0, integer: true, max: 3653, unit: 'days', default: 7, why: 'ten years, as the longest log retention; 0 keeps events indefinitely' }),
    meaning:
      'Partner-bus archive retention: the Genesys events the rules consume, for `proactive replay` (agent and conversation events: personal data, docs/security.md); 0 keeps events indefinitely.',
  },
  {
    prop: 'sendQueueMaxAgeSeconds',
    readBy: [],
    ...numberSetting({ min: 'positive', max: STAGES.send.retentionSeconds, unit: 'seconds', default: 300, why: 'the send queue keeps a message 4 days' }),
    meaning: 'Alarm threshold for the oldest message in the send queue.',
  },
  {
    prop: 'rateLimitedAlarmPercent',
    readBy: [],
    schema: z.coerce.number().gt(0, 'must be more than 0 percent').max(100, 'must be at most 100 percent').default(10),
    propType: 'number',
    range: 'more than 0 and at most 100',
    meaning: 'Alarm when this share (percent) of Genesys requests in 5 minutes get 429.',
    hint: 'a percentage greater than 0 and at most 100',
  },
  {
    prop: 'replyRouting',
    readBy: [],
    schema: booleanText(true),
    propType: 'boolean',
    meaning: 'Deploy the reply-routing look-up (function URL, key in Secrets Manager) a Genesys data action calls to offer a reply to the triggering agent; `false` leaves it out.',
    hint: 'true or false',
  },
  { prop: 'retainData', readBy: [], schema: booleanText(true), propType: 'boolean', meaning: 'Keep tables, the created secret and log groups on `cdk destroy`.', hint: 'true or false' },
  { prop: 'logLevel', readBy: [], ...oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR'], 'INFO'), meaning: 'Powertools log level of the functions.', hint: 'DEBUG, INFO, WARN or ERROR' },
] as const satisfies readonly SettingDefinition[]

/** Checks across settings, next to the settings they read; each function applies those over its own variables. */
export const CROSS_CHECKS: readonly CrossCheck[] = [
  {
    variables: ['ELIGIBLE_SESSIONS', 'TARGET_SCOPE'],
    check: (values) => {
      const problem = eligibilityScopeProblem(values.ELIGIBLE_SESSIONS as (typeof ELIGIBLE_SESSIONS)[number], String(values.TARGET_SCOPE))
      return problem ? { variable: 'ELIGIBLE_SESSIONS', message: problem } : undefined
    },
  },
]
