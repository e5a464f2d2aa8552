/**
 * Schemas for what the Genesys Cloud EventBridge integration delivers, and the parsed, typed events the rest
 * of the domain works with. Field names are Genesys's (docs/genesys-platform.md): `detail-type`
 * is the topic pattern with a literal `{id}`, the ids come from `detail.topicName`.
 * Schemas accept unknown fields (Genesys adds fields at any time) but reject wrong types, with an error that
 * names the field and what was expected.
 */
import { z } from 'zod'
import { CONVERSATION_TOPICS, conversationDetailType, DETAIL_TYPES, type ConversationTopic } from './topics.ts'
import { MESSAGE_TYPE_TO_CHANNEL, type AddressField, type Channel, type ContactIdField } from './model.ts'
import { normaliseAddress, normaliseContactId } from './address.ts'

const MAX_ID = 128
const id = z.string().min(1).max(MAX_ID)
/** Sane bounds for timestamps (epoch ms): 2000-01-01 to 2100-01-01. */
const MIN_TIME = 946_684_800_000
const MAX_TIME = 4_102_444_800_000
// Bounded like epochMs: an event dated in year 9999 would otherwise become an agent's or a session's newest
// state, and every later (real) event would look stale.
const isoTime = z
  .string()
  .max(64)
  .refine(isStrictIsoDateTime, 'expected an ISO 8601 date-time such as 2026-03-01T10:00:00.000Z (date, T, time, Z or an offset)')
  .refine((value) => Number.isNaN(Date.parse(value)) || (Date.parse(value) >= MIN_TIME && Date.parse(value) <= MAX_TIME), 'expected a date-time between 2000 and 2100')
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/

/**
 * An ISO 8601 date-time with a zone, as Genesys and EventBridge write them, on a real calendar day. Date.parse
 * alone accepts `Sat Nov 28 2026`, `2026-02-28 10:00` (local time) and `2026-02-30T00:00:00Z` (March 2).
 */
export function isStrictIsoDateTime(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value)
  if (!match) return false
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const offsetOk = match[8] === 'Z' || (Number(match[9]) <= 23 && Number(match[10]) <= 59)
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk && !Number.isNaN(Date.parse(value))
}

const uuid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'expected a UUID (8-4-4-4-12 hexadecimal digits)')
const epochMs = z.number().int().min(MIN_TIME).max(MAX_TIME)

export const envelopeSchema = z.looseObject({
  version: z.string().max(16),
  id,
  'detail-type': z.string().min(1).max(256),
  source: z.string().min(1).max(256),
  account: z.string().max(64),
  time: isoTime,
  region: z.string().max(64),
  resources: z.array(z.string()).max(100),
  detail: z.looseObject({
    topicName: z.string().min(1).max(512),
    version: z.string().max(16).optional(),
    eventBody: z.looseObject({}),
    metadata: z.looseObject({ CorrelationId: z.string().max(MAX_ID).optional() }).optional(),
    timestamp: isoTime.optional(),
  }),
})

export const presenceBodySchema = z.looseObject({
  source: z.string().max(64).optional(),
  presenceDefinition: z.looseObject({ id: id.optional(), systemPresence: z.string().min(1).max(64) }),
  primary: z.boolean().optional(),
  message: z.string().max(4096).optional(),
  modifiedDate: isoTime.optional(),
})

export const routingStatusBodySchema = z.looseObject({
  id: id.optional(),
  routingStatus: z.looseObject({ status: z.string().min(1).max(64), startTime: isoTime.optional() }),
})

/** `v2.users.{id}.activity` (SDK model `AgentActivityChangedTopicAgentActivity`): both facts in one event, each optional. */
export const activityBodySchema = z.looseObject({
  id: id.optional(),
  routingStatus: z.looseObject({ status: z.string().min(1).max(64), startTime: isoTime.optional() }).optional(),
  presence: z
    .looseObject({
      presenceDefinition: z.looseObject({ id: id.optional(), systemPresence: z.string().min(1).max(64) }),
      modifiedDate: isoTime.optional(),
    })
    .optional(),
  activeQueueIds: z.array(id).max(1000).optional(),
  dateActiveQueuesChanged: isoTime.optional(),
})

const address = z.string().min(1).max(512)
export const conversationBodySchema = z.looseObject({
  eventTime: epochMs,
  conversationId: id,
  participantId: id.optional(),
  sessionId: id.optional(),
  mediaType: z.string().min(1).max(32),
  messageType: z.string().max(32).optional(),
  direction: z.string().max(16).optional(),
  externalContactId: id.optional(),
  conversationExternalContactIds: z.array(z.string().max(MAX_ID)).max(100).optional(),
  addressFrom: address.optional(),
  addressTo: address.optional(),
  ani: address.optional(),
  dnis: address.optional(),
  queueId: id.optional(),
  userId: uuid.optional(),
  disconnectType: z.string().max(32).optional(),
  /** acw only: the wrap-up code id the agent chose. */
  wrapupCode: id.optional(),
})

export { CONVERSATION_TOPICS, type ConversationTopic }

interface EventCommon {
  /** Envelope id: unique per event, stable across redeliveries. */
  readonly eventId: string
  /** The event's own time (epoch ms): the pipeline's clock for this event (clamped: see `clockOf`). */
  readonly at: number
  /** A time in the event was too far ahead of its receipt and was replaced by the receive time. */
  readonly clockSkewClamped?: true
  readonly source: string
  readonly correlationId?: string
}

export interface AgentAvailabilityEvent extends EventCommon {
  readonly kind: 'agent'
  readonly signal: 'presence' | 'routingStatus' | 'activity'
  readonly agentId: string
  /** For logs: `systemPresence`, `routingStatus.status`, or both (`ON_QUEUE/IDLE`), as delivered. */
  readonly status: string
  /** The system presence this event reports, with its own time. */
  readonly presence?: { readonly status: string; readonly at: number }
  /** The routing status this event reports, with its own time. */
  readonly routing?: { readonly status: string; readonly at: number }
  readonly presenceDefinitionId?: string
  /** activity only: the queues the agent is active on (queue scope targets these, with no Genesys call). */
  readonly activeQueueIds?: readonly string[]
}

export interface ConversationEvent extends EventCommon {
  readonly kind: 'conversation'
  readonly topic: ConversationTopic
  readonly conversationId: string
  readonly mediaType: string
  readonly messageType?: string
  /** Agentless channel for `messageType`, when it is one the agentless endpoint can reach. */
  readonly channel?: Channel
  readonly direction?: string
  /** Normalised (address.ts); set on customer.* events only, the ones that say who the customer is. */
  readonly externalContactId?: string
  readonly contactIdField?: ContactIdField
  /** Normalised for the channel (address.ts); set on customer.* events only. */
  readonly customerAddress?: string
  /** The event field that supplied `customerAddress`. */
  readonly addressField?: AddressField
  readonly queueId?: string
  readonly userId?: string
  /** acw only: the wrap-up code id (EXCLUDE_WRAPUP_CODES). */
  readonly wrapupCode?: string
}

export type GenesysEvent = AgentAvailabilityEvent | ConversationEvent

export interface FieldProblem {
  readonly field: string
  readonly problem: string
}

export class EventValidationError extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.problem}`).join('; '))
    this.name = 'EventValidationError'
  }
}

/** The event is well formed but for a topic this pipeline does not handle. */
export class UnsupportedEventError extends Error {
  constructor(readonly detailType: string) {
    super(`detail-type ${JSON.stringify(detailType.slice(0, 100))} is not a topic this pipeline handles`)
    this.name = 'UnsupportedEventError'
  }
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
const USER_TOPIC = new RegExp(`^v2\\.users\\.(${UUID})\\.(presence|routingStatus|activity)$`)
const CONVERSATION_TOPIC = new RegExp(`^v2\\.detail\\.events\\.conversation\\.(${UUID})\\.(${CONVERSATION_TOPICS.map((t) => t.replace('.', '\\.')).join('|')})$`)

const AGENT_SIGNALS: ReadonlyMap<string, AgentAvailabilityEvent['signal']> = new Map([
  [DETAIL_TYPES.presence, 'presence'],
  [DETAIL_TYPES.routingStatus, 'routingStatus'],
  [DETAIL_TYPES.activity, 'activity'],
])

const CONVERSATION_DETAIL_TYPE_TO_TOPIC: ReadonlyMap<string, ConversationTopic> = new Map(CONVERSATION_TOPICS.map((topic) => [conversationDetailType(topic), topic]))

function problemsOf(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    problem: issue.message,
  }))
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new EventValidationError(problemsOf(result.error, prefix))
  return result.data
}

/** Parses a JSON string as EventBridge delivers it in an SQS body; names the problem when it is not JSON. */
export function parseEnvelopeJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch (error) {
    throw new EventValidationError([{ field: '(body)', problem: `is not valid JSON: ${(error as Error).message.slice(0, 120)}` }])
  }
}

/**
 * Validates an EventBridge envelope from the Genesys integration and returns the typed event.
 * Throws EventValidationError (naming each bad field) or UnsupportedEventError (a topic we do not handle).
 */
export function parseGenesysEvent(input: unknown, clock: EventClock = {}): GenesysEvent {
  const event = parseEvent(parseWith(envelopeSchema, input, ''), clockOf(input, clock))
  return event
}

/** What an event's own times are judged against: the processing clock and how far ahead a time may be. */
export interface EventClock {
  /** The processing clock's now (epoch ms); absent: only the envelope's receive time bounds the event's times. */
  readonly now?: number
  /** MAX_CLOCK_SKEW_SECONDS in ms (default 300 s). */
  readonly maxSkewMs?: number
}

/**
 * Time comes from the clock: a time in the event more than `maxSkewMs` ahead of when it was received (the
 * envelope's `time`, set when EventBridge received it, or the processing clock if that is earlier) is replaced by
 * that receive time. So an event dated in the future cannot move the pipeline's clock: no trigger, cooldown or
 * session window judged by a time that has not come yet.
 */
function clockOf(input: unknown, clock: EventClock): { readonly clamp: (at: number) => number; readonly clamped: () => boolean } {
  const envelopeTime = Date.parse(String((input as { time?: unknown }).time))
  const receivedAt = Math.min(envelopeTime, clock.now ?? Number.POSITIVE_INFINITY)
  const limit = receivedAt + (clock.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)
  let clamped = false
  return {
    clamp: (at) => {
      if (at <= limit) return at
      clamped = true
      return receivedAt
    },
    clamped: () => clamped,
  }
}

const DEFAULT_MAX_SKEW_MS = 300_000

function parseEvent(envelope: z.infer<typeof envelopeSchema>, clock: ReturnType<typeof clockOf>): GenesysEvent {
  const event = parseWithTimes(envelope, clock.clamp)
  return clock.clamped() ? { ...event, clockSkewClamped: true } : event
}

function parseWithTimes(envelope: z.infer<typeof envelopeSchema>, clamp: (at: number) => number): GenesysEvent {
  const detailType = envelope['detail-type']
  const { detail } = envelope
  const common = {
    eventId: envelope.id,
    source: envelope.source,
    correlationId: detail.metadata?.CorrelationId,
  }
  const envelopeTime = clamp(Date.parse(detail.timestamp ?? envelope.time))

  const signal = AGENT_SIGNALS.get(detailType)
  if (signal !== undefined) {
    const match = USER_TOPIC.exec(detail.topicName)
    if (!match || match[2] !== signal) {
      throw new EventValidationError([{ field: 'detail.topicName', problem: `expected v2.users.{uuid}.${signal}, got ${JSON.stringify(detail.topicName.slice(0, 100))}` }])
    }
    const agent = { kind: 'agent' as const, signal, agentId: (match[1] ?? '').toLowerCase(), ...common }
    if (signal === 'presence') {
      const body = parseWith(presenceBodySchema, detail.eventBody, 'detail.eventBody')
      const at = body.modifiedDate ? clamp(Date.parse(body.modifiedDate)) : envelopeTime
      const status = body.presenceDefinition.systemPresence
      return { ...agent, status, presence: { status, at }, presenceDefinitionId: body.presenceDefinition.id, at }
    }
    if (signal === 'routingStatus') {
      const body = parseWith(routingStatusBodySchema, detail.eventBody, 'detail.eventBody')
      if (body.id !== undefined && body.id.toLowerCase() !== agent.agentId) {
        throw new EventValidationError([{ field: 'detail.eventBody.id', problem: 'does not match the user id in detail.topicName' }])
      }
      const at = body.routingStatus.startTime ? clamp(Date.parse(body.routingStatus.startTime)) : envelopeTime
      const status = body.routingStatus.status
      return { ...agent, status, routing: { status, at }, at }
    }
    return activityEvent(agent, parseWith(activityBodySchema, detail.eventBody, 'detail.eventBody'), envelopeTime, clamp)
  }

  const topic = CONVERSATION_DETAIL_TYPE_TO_TOPIC.get(detailType)
  if (topic === undefined) throw new UnsupportedEventError(detailType)
  const match = CONVERSATION_TOPIC.exec(detail.topicName)
  if (!match || match[2] !== topic) {
    throw new EventValidationError([{ field: 'detail.topicName', problem: `expected v2.detail.events.conversation.{uuid}.${topic}, got ${JSON.stringify(detail.topicName.slice(0, 100))}` }])
  }
  const body = parseWith(conversationBodySchema, detail.eventBody, 'detail.eventBody')
  if (body.conversationId.toLowerCase() !== (match[1] ?? '').toLowerCase()) {
    throw new EventValidationError([{ field: 'detail.eventBody.conversationId', problem: 'does not match the conversation id in detail.topicName' }])
  }
  const channel = body.messageType ? MESSAGE_TYPE_TO_CHANNEL[body.messageType.toUpperCase()] : undefined
  return {
    kind: 'conversation',
    topic,
    conversationId: body.conversationId.toLowerCase(),
    at: clamp(body.eventTime),
    mediaType: body.mediaType.toUpperCase(),
    messageType: body.messageType?.toUpperCase(),
    channel,
    direction: body.direction,
    // Only customer.* events say who the customer is; on the others the contact id is kept as delivered (unused).
    ...(topic.startsWith('customer.') ? (channel ? customerIdentity(body, channel) : unrecordedIdentity(body)) : { externalContactId: body.externalContactId }),
    queueId: body.queueId,
    userId: body.userId?.toLowerCase(),
    ...(topic === 'acw' && body.wrapupCode !== undefined ? { wrapupCode: body.wrapupCode } : {}),
    ...common,
  }
}

/** One activity event carries both facts, each with its own time (the envelope's when the body has none). */
function activityEvent(
  agent: Pick<AgentAvailabilityEvent, 'kind' | 'signal' | 'agentId' | 'eventId' | 'source' | 'correlationId'>,
  body: z.infer<typeof activityBodySchema>,
  envelopeTime: number,
  clamp: (at: number) => number,
): AgentAvailabilityEvent {
  if (!body.presence && !body.routingStatus) {
    throw new EventValidationError([{ field: 'detail.eventBody', problem: 'carries neither presence nor routingStatus' }])
  }
  const presence = body.presence
    ? { status: body.presence.presenceDefinition.systemPresence, at: body.presence.modifiedDate ? clamp(Date.parse(body.presence.modifiedDate)) : envelopeTime }
    : undefined
  const routing = body.routingStatus ? { status: body.routingStatus.status, at: body.routingStatus.startTime ? clamp(Date.parse(body.routingStatus.startTime)) : envelopeTime } : undefined
  return {
    ...agent,
    status: [presence?.status, routing?.status].filter(Boolean).join('/'),
    ...(presence ? { presence, presenceDefinitionId: body.presence?.presenceDefinition.id } : {}),
    ...(routing ? { routing } : {}),
    ...(body.activeQueueIds ? { activeQueueIds: body.activeQueueIds } : {}),
    at: Math.max(presence?.at ?? 0, routing?.at ?? 0),
  }
}

type ConversationBody = z.infer<typeof conversationBodySchema>

/** A conversation no agentless channel can reach is never recorded: its identity is kept as delivered, unchecked. */
function unrecordedIdentity(body: ConversationBody): Pick<ConversationEvent, 'externalContactId' | 'customerAddress'> {
  const inbound = (body.direction ?? 'INBOUND').toUpperCase() !== 'OUTBOUND'
  return { externalContactId: body.externalContactId ?? body.conversationExternalContactIds?.[0], customerAddress: inbound ? (body.addressFrom ?? body.ani) : (body.addressTo ?? body.dnis) }
}

/**
 * Who the customer is, normalised, with the fields that said so. A value that cannot be normalised rejects the
 * event, naming the field and the value's shape (never its digits).
 */
function customerIdentity(body: ConversationBody, channel: Channel): Pick<ConversationEvent, 'externalContactId' | 'contactIdField' | 'customerAddress' | 'addressField'> {
  const problems: FieldProblem[] = []
  // conversationExternalContactIds lists every external contact of the conversation; only on a customer.* event
  // is its first entry taken to be this customer (UNVERIFIED that Genesys lists the customer first).
  const contactIdField: ContactIdField | undefined =
    body.externalContactId !== undefined ? 'externalContactId' : body.conversationExternalContactIds?.[0] !== undefined ? 'conversationExternalContactIds' : undefined
  const rawContactId = body.externalContactId ?? body.conversationExternalContactIds?.[0]
  let externalContactId: string | undefined
  if (rawContactId !== undefined && contactIdField) {
    const result = normaliseContactId(rawContactId)
    if (result.ok) externalContactId = result.value
    else problems.push({ field: `detail.eventBody.${contactIdField === 'externalContactId' ? 'externalContactId' : 'conversationExternalContactIds.0'}`, problem: result.problem })
  }
  // UNVERIFIED which field carries the customer's address for messaging: for an inbound conversation the
  // customer is the sender (addressFrom, else ani); for an outbound one the recipient (addressTo, else dnis).
  const inbound = (body.direction ?? 'INBOUND').toUpperCase() !== 'OUTBOUND'
  const candidates: readonly AddressField[] = inbound ? ['addressFrom', 'ani'] : ['addressTo', 'dnis']
  const addressField = channel === 'webmessaging' ? undefined : candidates.find((field) => body[field] !== undefined)
  let customerAddress: string | undefined
  if (addressField) {
    const result = normaliseAddress(channel, body[addressField] as string)
    if (result.ok) customerAddress = result.value
    else problems.push({ field: `detail.eventBody.${addressField}`, problem: `${result.problem} for ${channel}` })
  }
  if (problems.length > 0) throw new EventValidationError(problems)
  return {
    ...(externalContactId !== undefined ? { externalContactId, contactIdField } : {}),
    ...(customerAddress !== undefined ? { customerAddress, addressField } : {}),
  }
}
