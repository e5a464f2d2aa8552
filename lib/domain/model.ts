/**
 * The domain's vocabulary. Pure types: no AWS or Genesys SDK, nothing but zod elsewhere in lib/domain.
 * Times are epoch milliseconds unless a name says otherwise.
 */

/** Messaging channels the agentless endpoint can reach, as Genesys spells `toAddressMessengerType`. */
export const CHANNELS = ['webmessaging', 'sms', 'whatsapp', 'open'] as const
export type Channel = (typeof CHANNELS)[number]

/** conversation detail `messageType` (upper case on the wire) → agentless channel. */
export const MESSAGE_TYPE_TO_CHANNEL: Readonly<Record<string, Channel>> = {
  WEBMESSAGING: 'webmessaging',
  SMS: 'sms',
  WHATSAPP: 'whatsapp',
  OPEN: 'open',
}

/** Event fields that can carry a customer's address (lib/domain/events.ts). */
export const ADDRESS_FIELDS = ['addressFrom', 'addressTo', 'ani', 'dnis'] as const
export type AddressField = (typeof ADDRESS_FIELDS)[number]
/** Event fields that can carry a customer's contact id. */
export const CONTACT_ID_FIELDS = ['externalContactId', 'conversationExternalContactIds'] as const
export type ContactIdField = (typeof CONTACT_ID_FIELDS)[number]

/** How a later send reaches this customer. Web Messaging uses `externalContactId`; the others an address. */
export interface CustomerAddress {
  readonly channel: Channel
  /** Web Messaging (required), and optionally SMS / Open. */
  readonly externalContactId?: string
  /** SMS: E.164 phone number; WhatsApp: WhatsApp id (digits); Open: the Open Messaging user address. */
  readonly address?: string
  /** The event field that supplied `address` (normalised, lib/domain/address.ts). */
  readonly addressField?: AddressField
  /** The event field that supplied `externalContactId`. */
  readonly contactIdField?: ContactIdField
}

export interface AgentLink {
  /** true between user.start and user.end (or acw, or the customer's end) for this agent. */
  readonly connected: boolean
  /** eventTime of the newest event that set `connected`, so an older event cannot undo a newer one. */
  readonly changedAt: number
  /** eventTime of this agent's newest user.start: the latest one to connect is the session's `lastAgentId`. */
  readonly connectedAt?: number
}

/** One item per messaging conversation: what the presence function needs to target, and the send function to address. */
export interface Session {
  readonly conversationId: string
  readonly channel?: Channel
  readonly customer?: CustomerAddress
  readonly queueId?: string
  /** eventTime of the event that set `queueId` (a transfer moves it; an older event cannot move it back). */
  readonly queueSetAt?: number
  /** The agent who most recently connected: the key of the agent-scope index. */
  readonly lastAgentId?: string
  readonly agents: Readonly<Record<string, AgentLink>>
  /** Newest `eventTime` seen for this conversation. Never moves back. */
  readonly lastActiveAt: number
  readonly customerEndedAt?: number
  /** Wrap-up code ids from the conversation's `acw` events, sorted and unique (EXCLUDE_WRAPUP_CODES). */
  readonly wrapupCodes?: readonly string[]
  /** DynamoDB TTL, epoch seconds. */
  readonly expiresAt: number
  /** Optimistic-concurrency version, managed by the repository. */
  readonly version?: number
}

/** One observed fact about an agent (system presence or routing status) with the event's own time for it. */
export interface AgentFact {
  readonly status: string
  readonly at: number
}

/** Known state of one agent, kept to detect transitions rather than states. */
export interface AgentState {
  readonly agentId: string
  /** Time of the newest observation applied (the event's own time). */
  readonly observedAt: number
  /** The system presence and when it was set; absent until a presence (or activity) event is seen. */
  readonly presence?: AgentFact
  /** The routing status and when it was set; absent until a routing status (or activity) event is seen. */
  readonly routing?: AgentFact
  /** Time of the last trigger fired for this agent (cooldown anchor). */
  readonly lastTriggeredAt?: number
  /**
   * The outbox: a trigger's requests, saved with the state that fired it and removed once all are published
   * (lib/presence/handle-availability.ts). Whoever processes this agent next publishes them first.
   */
  readonly pending?: PendingFanOut
  readonly version?: number
}

/** A trigger's approved requests not yet known to be published. */
export interface PendingFanOut {
  /** Envelope id of the event that fired the trigger. */
  readonly triggerEventId: string
  readonly requests: readonly MessageRequest[]
}

export type TargetScope = 'agent' | 'queue'

/** The payload of the `ProactiveMessageRequested` event: everything the send side needs. */
export interface MessageRequest {
  /** Deterministic: same trigger + same recipient ⇒ same key. Used for idempotency downstream. */
  readonly dedupeKey: string
  readonly conversationId: string
  readonly customer: CustomerAddress
  readonly queueId?: string
  /** The agent whose availability triggered this request. */
  readonly agentId: string
  readonly scope: TargetScope
  /** Time of the triggering event; the send side expires requests older than `maxDelay` after it. */
  readonly requestedAt: number
  /** Envelope id of the triggering presence event, for tracing. */
  readonly triggerEventId: string
}
