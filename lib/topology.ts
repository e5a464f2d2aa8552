/**
 * One source of truth for how the pipeline is wired: event sources and types, rule patterns, queue and
 * event-source settings. The CDK stack (cdk/) and the local cloud (local/) both read these objects, so a
 * rule that matches locally matches in AWS because it is the same pattern.
 */

/** Prefix of every partner event source Genesys Cloud creates: `aws.partner/genesys.com/cloud/{orgId}/{suffix}`. */
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE, DETAIL_TYPES } from './domain/topics.ts'

export { APP_DETAIL_TYPES, APP_EVENT_SOURCE, DETAIL_TYPES }

export const GENESYS_SOURCE_PREFIX = 'aws.partner/genesys.com'

export const genesysEventSourceName = (orgId: string, suffix: string): string => `${GENESYS_SOURCE_PREFIX}/cloud/${orgId}/${suffix}`

export const CONVERSATION_DETAIL_TYPES = [DETAIL_TYPES.customerStart, DETAIL_TYPES.customerEnd, DETAIL_TYPES.acdStart, DETAIL_TYPES.userStart, DETAIL_TYPES.userEnd, DETAIL_TYPES.acw] as const

/** `activity` carries presence and routing status in one event (recommended); presence + routingStatus stay fully supported. */
export const AGENT_DETAIL_TYPES = [DETAIL_TYPES.activity, DETAIL_TYPES.presence, DETAIL_TYPES.routingStatus] as const

/** The topics to put in the Genesys `amazon-eventbridge-source` integration's `eventFilter`. */
export const GENESYS_TOPICS = [...AGENT_DETAIL_TYPES, ...CONVERSATION_DETAIL_TYPES] as const

export type EventPattern = Record<string, unknown>

/** The accepted Genesys source: any partner source, or only the configured org's. */
export function genesysSourceFilter(orgId?: string): unknown[] {
  return [{ prefix: orgId ? `${GENESYS_SOURCE_PREFIX}/cloud/${orgId}/` : `${GENESYS_SOURCE_PREFIX}/` }]
}

export interface RulePatterns {
  /** Partner bus → session-events queue → session-recorder. */
  readonly conversationEvents: EventPattern
  /** Partner bus → agent-events queue → presence. */
  readonly agentEvents: EventPattern
  /** App bus → send queue → send. */
  readonly messageRequested: EventPattern
}

export function rulePatterns(options: { orgId?: string } = {}): RulePatterns {
  const source = genesysSourceFilter(options.orgId)
  return {
    conversationEvents: {
      source,
      'detail-type': [...CONVERSATION_DETAIL_TYPES],
      // Only messaging conversations are recorded; other media never reach the function.
      detail: { eventBody: { mediaType: ['MESSAGE'] } },
    },
    agentEvents: { source, 'detail-type': [...AGENT_DETAIL_TYPES] },
    messageRequested: { source: [APP_EVENT_SOURCE], 'detail-type': [APP_DETAIL_TYPES.requested] },
  }
}

/**
 * What the partner-bus archive keeps: exactly the events the partner-bus rules consume (either rule's pattern),
 * so a replay can re-deliver every event the pipeline acted on and nothing else (no other Genesys topics, no
 * non-messaging conversations).
 */
export function partnerArchivePattern(options: { orgId?: string } = {}): EventPattern {
  const { conversationEvents, agentEvents } = rulePatterns(options)
  return { $or: [conversationEvents, agentEvents] }
}

/** Archive names: at most 48 characters of `.`, `-`, `_`, letters and digits (EventBridge). */
const ARCHIVE_NAME_MAX = 48
const PARTNER_ARCHIVE_SUFFIX = '-partner-events'

/**
 * The partner-bus archive's name, derived from the stack name so `proactive replay --stack NAME` finds it with
 * no CloudFormation lookup. A long stack name is cut and given a short hash, so two stacks never share a name.
 */
export function partnerArchiveName(stackName: string): string {
  const clean = stackName.replace(/[^.\-_A-Za-z0-9]/g, '_')
  if (clean.length + PARTNER_ARCHIVE_SUFFIX.length <= ARCHIVE_NAME_MAX) return `${clean}${PARTNER_ARCHIVE_SUFFIX}`
  let hash = 0
  for (const char of stackName) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0
  const tag = `-${hash.toString(36).padStart(7, '0')}`
  return `${clean.slice(0, ARCHIVE_NAME_MAX - PARTNER_ARCHIVE_SUFFIX.length - tag.length)}${tag}${PARTNER_ARCHIVE_SUFFIX}`
}

/** Settings of one SQS queue and the Lambda event source that drains it. */
export interface StageSettings {
  /** Records per Lambda invocation. */
  readonly batchSize: number
  /** Seconds the ESM waits to fill a batch. */
  readonly maxBatchingWindowSeconds: number
  /** The consumer function's timeout, seconds. */
  readonly functionTimeoutSeconds: number
  readonly functionMemoryMb: number
  /** At least 6 × the function timeout (AWS guidance for SQS event sources). */
  readonly visibilityTimeoutSeconds: number
  /** Receives before SQS moves a message to the DLQ (at least 5). */
  readonly maxReceiveCount: number
  /** ESM maximum concurrency (2 to 1000). */
  readonly maxConcurrency: number
  /** Seconds a message is kept (queue and DLQ). */
  readonly retentionSeconds: number
}

const DAY = 86_400

export const STAGES = {
  conversationEvents: {
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    functionTimeoutSeconds: 30,
    functionMemoryMb: 512,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    maxConcurrency: 10,
    retentionSeconds: 4 * DAY,
  },
  agentEvents: {
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    functionTimeoutSeconds: 60,
    functionMemoryMb: 512,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    maxConcurrency: 5,
    retentionSeconds: 4 * DAY,
  },
  send: {
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    functionTimeoutSeconds: 60,
    functionMemoryMb: 512,
    visibilityTimeoutSeconds: 360,
    // Each 429 answered with Retry-After is a receive; leave room for a storm before dead-lettering.
    maxReceiveCount: 10,
    maxConcurrency: 2,
    retentionSeconds: 4 * DAY,
  },
  /**
   * Look-ups after a send: jobs arrive delayed until they are due (SQS DelaySeconds, at most 15 minutes; a job
   * received early is put back by visibility). Each receive is one look-up at most, so a 429 storm uses receives:
   * room for it before dead-lettering. Two workers: look-ups are few and paced on the sends' budget.
   */
  track: {
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    functionTimeoutSeconds: 60,
    functionMemoryMb: 512,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 10,
    maxConcurrency: 2,
    retentionSeconds: 4 * DAY,
  },
} as const satisfies Record<string, StageSettings>

export type StageName = keyof typeof STAGES

/** DLQs keep messages for the maximum SQS allows, so an operator has time to redrive. */
export const DLQ_RETENTION_SECONDS = 14 * DAY

/**
 * ESM concurrency for the send stage, from the Genesys request budget: each worker paces itself to
 * budget / concurrency, and a send takes roughly `expectedLatencyMs`, so more workers than needed only
 * add 429 risk. Lambda requires at least 2.
 */
export function sendConcurrencyFor(budgetPerMinute: number, expectedLatencyMs = 250): number {
  const perWorkerPerMinute = 60_000 / expectedLatencyMs
  return Math.min(1000, Math.max(2, Math.ceil(budgetPerMinute / perWorkerPerMinute)))
}

/** Names of the Lambda functions, their entry files and the queue that feeds them. */
export const FUNCTIONS = {
  sessionRecorder: { entry: 'functions/session-recorder/index.ts', stage: 'conversationEvents' },
  presence: { entry: 'functions/presence/index.ts', stage: 'agentEvents' },
  send: { entry: 'functions/send/index.ts', stage: 'send' },
  track: { entry: 'functions/track/index.ts', stage: 'track' },
} as const satisfies Record<string, { entry: string; stage: StageName }>

/**
 * Functions behind an HTTPS endpoint rather than a queue. `replyRouting`: the look-up a Genesys data action calls
 * from the inbound message flow (a Lambda function URL; the local run serves the same handler). Reserved
 * concurrency is its throttle: requests beyond it are refused with 429 (Lambda's throttling), never queued.
 */
export const HTTP_FUNCTIONS = {
  replyRouting: { entry: 'functions/reply-routing/index.ts', functionTimeoutSeconds: 10, functionMemoryMb: 256, reservedConcurrency: 5 },
} as const

/** A global secondary index: its key attributes (the partition key a String) and the sort key's type. */
export interface IndexLayout {
  readonly partitionKey: string
  readonly sortKey: string
  readonly sortKeyType: 'string' | 'number'
}

/** Table layouts (keys and indexes) shared by the stack, the adapters and the local cloud. */
export const TABLES = {
  sessions: {
    partitionKey: 'conversationId',
    ttlAttribute: 'expiresAt',
    indexes: {
      /**
       * Open candidates (lib/domain/open-candidates.ts) of the agent who last handled them, and of their queue:
       * sparse (only open sessions carry the key), sorted in the per-trigger priority order (`openRank`, a string).
       */
      openByAgent: { partitionKey: 'openAgentId', sortKey: 'openRank', sortKeyType: 'string' },
      openByQueue: { partitionKey: 'openQueueId', sortKey: 'openRank', sortKeyType: 'string' },
      /**
       * A customer's conversations, for the busy-customer check (lib/domain/busy-customer.ts). The key is the
       * SHA-256 of the normalised customer key (address.ts `customerKey`), as in the cap ledger: never the
       * raw address. Sessions recorded before the index existed lack the attribute; they age out with the window.
       */
      byCustomer: { partitionKey: 'customerKeyHash', sortKey: 'lastActiveAt', sortKeyType: 'number' },
    },
  },
  /** Agent state, the cap ledger, the queue-membership cache and the delivery ledger, by `pk`. */
  state: {
    partitionKey: 'pk',
    ttlAttribute: 'expiresAt',
    indexes: {},
    /**
     * Key prefixes (`<prefix>#…`) each function reads and writes: the stack grants each function only these
     * (dynamodb:LeadingKeys). A new item kind in the state table needs its prefix here.
     */
    keyPrefixes: {
      // `control#…` (the sending mode) and `optout#…` (the opt-out list) are written by operators
      // (`proactive mode`, `proactive suppress`), read by both functions.
      // `claim#…`: presence's short claim on each customer it chooses, so concurrent triggers choose different ones.
      presence: { read: ['agent', 'cap', 'queues', 'capacity', 'control', 'optout', 'claim'], write: ['agent', 'queues', 'capacity', 'claim'] },
      // `sent#…` (the latest message sent to a customer) and `thread#…` (its agentless conversation): written by
      // send, read by the session recorder (which marks replies on `sent#…`) and the reply look-up.
      // `delete`: send gives a cap reservation back when the request it was made for was not sent.
      send: { read: ['delivery', 'cap', 'control', 'optout'], write: ['delivery', 'cap', 'pace', 'sent', 'thread'], delete: ['cap'] },
      sessionRecorder: { read: ['sent', 'thread'], write: ['sent'] },
      replyRouting: { read: ['sent', 'thread'], write: [] },
      // The delivery ledger of the requests it looks up, and the pace counter it shares with send.
      track: { read: ['delivery'], write: ['delivery', 'pace'] },
    },
  },
} as const
