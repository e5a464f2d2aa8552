/**
 * Builders for EventBridge envelopes exactly as the Genesys Cloud integration delivers them, modelled on the
 * verbatim fixtures in test/fixtures/genesys/ and the field lists in docs/genesys-platform.md (EventBridge integration):
 * `detail-type` is the topic pattern with a literal `{id}`, the concrete ids are only in `detail.topicName`,
 * conversation detail times are epoch ms (`eventTime`), presence times ISO strings (`modifiedDate`).
 *
 * Ids default to values derived from the inputs, so building the same event twice gives the same envelope
 * (a redelivery). Pass `id` to make two otherwise equal events distinct.
 */
import { createHash } from 'node:crypto'
import { conversationDetailType, type ConversationTopic } from '#lib/domain/topics.ts'
import { DETAIL_TYPES } from '#lib/topology.ts'

export const TEST_ORG_ID = '32aa07aa-db1b-4987-abd0-9483601ec29d'
/** A production-shaped partner event source: `aws.partner/genesys.com/cloud/{orgId}/{suffix}`. */
export const TEST_SOURCE = `aws.partner/genesys.com/cloud/${TEST_ORG_ID}/proactive-messaging`
export const TEST_ACCOUNT = '123456789012'
export const TEST_REGION = 'us-east-1'

export type ConversationTopicName = ConversationTopic
/** The messaging `messageType` values Genesys puts on the wire (upper case); others exist (FACEBOOK, …). */
export type MessagingType = 'WEBMESSAGING' | 'SMS' | 'WHATSAPP' | 'OPEN'

export interface GenesysEnvelope {
  version: string
  id: string
  'detail-type': string
  source: string
  account: string
  time: string
  region: string
  resources: string[]
  detail: {
    topicName: string
    version: string
    eventBody: Record<string, unknown>
    metadata: { CorrelationId: string }
    timestamp: string
  }
}

interface EnvelopeOptions {
  /** Envelope id; defaults to one derived from the event's content. */
  readonly id?: string
  readonly source?: string
}

/** A deterministic UUID-shaped id (v4 layout) from any parts. */
export function uuidFrom(...parts: readonly unknown[]): string {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const isoMs = (at: number): string => new Date(at).toISOString()
/** EventBridge's envelope `time` has second precision. */
const isoSeconds = (at: number): string => new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z')

function envelope(detailType: string, topicName: string, at: number, eventBody: Record<string, unknown>, options: EnvelopeOptions): GenesysEnvelope {
  const id = options.id ?? uuidFrom('envelope', topicName, at, eventBody)
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: options.source ?? TEST_SOURCE,
    account: TEST_ACCOUNT,
    time: isoSeconds(at),
    region: TEST_REGION,
    resources: [],
    detail: {
      topicName,
      version: '2',
      eventBody,
      metadata: { CorrelationId: uuidFrom('correlation', id) },
      timestamp: isoMs(at),
    },
  }
}

export interface PresenceEventInput extends EnvelopeOptions {
  readonly agentId: string
  /** As delivered, e.g. `AVAILABLE`, `ON_QUEUE`, `BREAK`, `OFFLINE`. */
  readonly systemPresence: string
  /** Epoch ms: becomes `modifiedDate` and the envelope times. */
  readonly at: number
  readonly presenceDefinitionId?: string
  /** Leave out `modifiedDate`, as the developer-center sample does: the time then comes from the envelope. */
  readonly omitModifiedDate?: boolean
}

/** `v2.users.{id}.presence`: the body carries no user id; it is only in `topicName`. */
export function presenceEvent(input: PresenceEventInput): GenesysEnvelope {
  const eventBody: Record<string, unknown> = {
    source: 'PURECLOUD',
    presenceDefinition: {
      id: input.presenceDefinitionId ?? uuidFrom('presence-definition', input.systemPresence.toUpperCase()),
      systemPresence: input.systemPresence,
    },
    primary: true,
    message: '',
  }
  if (!input.omitModifiedDate) eventBody.modifiedDate = isoMs(input.at)
  return envelope(DETAIL_TYPES.presence, `v2.users.${input.agentId}.presence`, input.at, eventBody, input)
}

export interface RoutingStatusEventInput extends EnvelopeOptions {
  readonly agentId: string
  /** `OFF_QUEUE`, `IDLE`, `INTERACTING`, `NOT_RESPONDING`, `COMMUNICATING`. */
  readonly status: string
  /** Epoch ms: becomes `routingStatus.startTime` and the envelope times. */
  readonly at: number
}

/** `v2.users.{id}.routingStatus`: body `{id (the user), routingStatus{status, startTime}}`. */
export function routingStatusEvent(input: RoutingStatusEventInput): GenesysEnvelope {
  const eventBody = { id: input.agentId, routingStatus: { status: input.status, startTime: isoMs(input.at) } }
  return envelope(DETAIL_TYPES.routingStatus, `v2.users.${input.agentId}.routingStatus`, input.at, eventBody, input)
}

export interface ActivityEventInput extends EnvelopeOptions {
  readonly agentId: string
  /** Epoch ms: the envelope times, and each fact's own time unless `presenceAt` / `routingAt` say otherwise. */
  readonly at: number
  /** `ON_QUEUE`, `AVAILABLE`, …; undefined leaves `presence` out. */
  readonly systemPresence?: string
  readonly presenceAt?: number
  /** `IDLE`, `INTERACTING`, …; undefined leaves `routingStatus` out. */
  readonly routingStatus?: string
  readonly routingAt?: number
  readonly activeQueueIds?: readonly string[]
}

/** `v2.users.{id}.activity` (SDK `AgentActivityChangedTopicAgentActivity`): presence and routing status in one event. */
export function activityEvent(input: ActivityEventInput): GenesysEnvelope {
  const eventBody: Record<string, unknown> = { id: input.agentId }
  if (input.routingStatus !== undefined) eventBody.routingStatus = { status: input.routingStatus, startTime: isoMs(input.routingAt ?? input.at) }
  if (input.systemPresence !== undefined) {
    eventBody.presence = {
      presenceDefinition: { id: uuidFrom('presence-definition', input.systemPresence.toUpperCase()), systemPresence: input.systemPresence },
      modifiedDate: isoMs(input.presenceAt ?? input.at),
    }
  }
  if (input.activeQueueIds !== undefined) {
    eventBody.activeQueueIds = input.activeQueueIds
    eventBody.dateActiveQueuesChanged = isoMs(input.at)
  }
  return envelope(DETAIL_TYPES.activity, `v2.users.${input.agentId}.activity`, input.at, eventBody, input)
}

export interface ConversationEventInput extends EnvelopeOptions {
  readonly conversationId: string
  /** Epoch ms: the body's `eventTime`. */
  readonly at: number
  /** `undefined` leaves the field out. */
  readonly messageType: MessagingType | (string & {}) | undefined
  /** Defaults to `MESSAGE`. */
  readonly mediaType?: string
  /** Defaults to `INBOUND`. */
  readonly direction?: string
  readonly externalContactId?: string
  readonly addressFrom?: string
  readonly addressTo?: string
  readonly queueId?: string
  readonly userId?: string
  /** Extra eventBody fields (or overrides), e.g. `{ disconnectType: 'TRANSFER' }`. */
  readonly extra?: Record<string, unknown>
}

/** `v2.detail.events.conversation.{id}.{topic}`, with the per-topic fields (docs/genesys-platform.md). */
export function conversationEvent(topic: ConversationTopicName, input: ConversationEventInput): GenesysEnvelope {
  const participant = topic.startsWith('customer.') ? 'customer' : topic === 'acd.start' ? 'acd' : `agent:${input.userId ?? ''}`
  const body: Record<string, unknown> = {
    eventTime: input.at,
    conversationId: input.conversationId,
    participantId: uuidFrom('participant', input.conversationId, participant),
    sessionId: uuidFrom('session', input.conversationId, participant),
    mediaType: input.mediaType ?? 'MESSAGE',
    messageType: input.messageType,
    direction: input.direction ?? 'INBOUND',
    externalContactId: input.externalContactId,
    conversationExternalContactIds: input.externalContactId ? [input.externalContactId] : undefined,
    addressFrom: input.addressFrom,
    addressTo: input.addressTo,
    queueId: input.queueId,
    userId: input.userId,
  }
  switch (topic) {
    case 'customer.end':
      Object.assign(body, { disconnectType: 'CLIENT', interactingDurationMs: 60_000 })
      break
    case 'acd.start':
      Object.assign(body, { divisionId: uuidFrom('division'), routingPriority: 0, requestedRoutingSkillIds: [] })
      break
    case 'user.end':
      Object.assign(body, { divisionId: uuidFrom('division'), interactingDurationMs: 60_000, alertingDurationMs: 2_000 })
      break
    case 'acw':
      Object.assign(body, { wrapupCode: uuidFrom('wrapup'), wrapupDurationMs: 5_000 })
      break
    default:
      break
  }
  Object.assign(body, input.extra)
  const eventBody = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined))
  return envelope(conversationDetailType(topic), `v2.detail.events.conversation.${input.conversationId}.${topic}`, input.at, eventBody, input)
}

export interface ConversationLifecycleInput {
  readonly conversationId: string
  readonly messageType: MessagingType
  /** eventTime of customer.start; the other events follow at fixed offsets (acd +1 s, agent +30 s, end +5 min). */
  readonly start: number
  readonly agentId: string
  readonly queueId: string
  readonly externalContactId?: string
  readonly addressFrom?: string
  /** Stop after user.start (the agent is still connected). Default: the whole conversation, to customer.end. */
  readonly stillConnected?: boolean
  /** No agent ever joins: the customer leaves while waiting in the queue (customer.start, acd.start, customer.end). */
  readonly abandoned?: boolean
  /** The wrap-up code id the agent chooses in `acw` (default: one fixed code). */
  readonly wrapupCode?: string
}

/** A typical messaging conversation, in delivery order: customer.start, acd.start, user.start[, user.end, acw, customer.end]. */
export function conversationLifecycle(input: ConversationLifecycleInput): GenesysEnvelope[] {
  const common = { conversationId: input.conversationId, messageType: input.messageType }
  const customer = { externalContactId: input.externalContactId, addressFrom: input.addressFrom }
  if (input.abandoned) {
    return [
      conversationEvent('customer.start', { ...common, ...customer, at: input.start }),
      conversationEvent('acd.start', { ...common, at: input.start + 1_000, queueId: input.queueId }),
      conversationEvent('customer.end', { ...common, ...customer, at: input.start + 120_000 }),
    ]
  }
  const events = [
    conversationEvent('customer.start', { ...common, ...customer, at: input.start }),
    conversationEvent('acd.start', { ...common, at: input.start + 1_000, queueId: input.queueId }),
    conversationEvent('user.start', { ...common, at: input.start + 30_000, queueId: input.queueId, userId: input.agentId }),
  ]
  if (input.stillConnected) return events
  return [
    ...events,
    conversationEvent('user.end', { ...common, at: input.start + 300_000, queueId: input.queueId, userId: input.agentId }),
    conversationEvent('acw', {
      ...common,
      at: input.start + 300_000,
      queueId: input.queueId,
      userId: input.agentId,
      ...(input.wrapupCode ? { extra: { wrapupCode: input.wrapupCode } } : {}),
    }),
    conversationEvent('customer.end', { ...common, ...customer, at: input.start + 301_000 }),
  ]
}

export interface CustomerReplyInput {
  readonly messageType: MessagingType
  /** eventTime of the reply; the queue follows 1 s later, the agent 20 s later. */
  readonly at: number
  readonly queueId: string
  /** The agent who connects to the reply; none: it waits in the queue. */
  readonly agentId?: string
  /**
   * Threaded: the agentless conversation id the send got back (the simulator's `agentlessConversationId`). The
   * reply then continues it: acd.start and user.start on that id, with no new customer.start (which events a
   * threaded reply emits is UNVERIFIED; the pipeline counts either). Unset: a new conversation, `conversationId`.
   */
  readonly threadedOn?: string
  readonly conversationId?: string
  readonly externalContactId?: string
  readonly addressFrom?: string
}

/** A customer's reply to a proactive message, in delivery order. */
export function customerReply(input: CustomerReplyInput): GenesysEnvelope[] {
  const conversationId = input.threadedOn ?? input.conversationId ?? uuidFrom('reply', input.messageType, input.externalContactId ?? input.addressFrom, input.at)
  const common = { conversationId, messageType: input.messageType }
  const events = input.threadedOn ? [] : [conversationEvent('customer.start', { ...common, externalContactId: input.externalContactId, addressFrom: input.addressFrom, at: input.at })]
  events.push(conversationEvent('acd.start', { ...common, at: input.at + 1_000, queueId: input.queueId }))
  if (input.agentId) events.push(conversationEvent('user.start', { ...common, at: input.at + 20_000, queueId: input.queueId, userId: input.agentId }))
  return events
}
