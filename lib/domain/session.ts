/**
 * Folding conversation events into the one session item kept per messaging conversation.
 * Pure and order-insensitive: events may arrive late, twice or out of order, and the result is the same.
 */
import type { ConversationEvent } from './events.ts'
import type { AgentLink, CustomerAddress, Session } from './model.ts'
import { HOUR } from './time.ts'

export type SessionDecision =
  | { readonly kind: 'write'; readonly session: Session }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'ignored'; readonly reason: 'not-messaging' | 'unsupported-message-type' }

export interface SessionPolicy {
  /** How long a session stays targetable; with `retentionSlackMs` it sets the TTL. */
  readonly windowMs: number
  readonly retentionSlackMs?: number
}

export function applyConversationEvent(previous: Session | undefined, event: ConversationEvent, policy: SessionPolicy): SessionDecision {
  if (event.mediaType !== 'MESSAGE') return { kind: 'ignored', reason: 'not-messaging' }
  if (event.messageType !== undefined && event.channel === undefined) return { kind: 'ignored', reason: 'unsupported-message-type' }

  const base: Session = previous ?? { conversationId: event.conversationId, agents: {}, lastActiveAt: event.at, expiresAt: 0 }
  const channel = base.channel ?? event.channel
  const customer = base.customer ?? customerOf(event, channel)
  const { queueId, queueSetAt } = nextQueue(base, event)
  const agents = nextAgents(base.agents, event, base.customerEndedAt)
  const lastActiveAt = Math.max(base.lastActiveAt, event.at)
  const session: Session = dropUndefined({
    conversationId: base.conversationId,
    channel,
    customer,
    queueId,
    queueSetAt,
    lastAgentId: latestAgent(agents) ?? base.lastAgentId,
    agents,
    lastActiveAt,
    customerEndedAt: event.topic === 'customer.end' ? Math.max(base.customerEndedAt ?? 0, event.at) : base.customerEndedAt,
    wrapupCodes: nextWrapupCodes(base.wrapupCodes, event.wrapupCode),
    expiresAt: Math.ceil((lastActiveAt + policy.windowMs + (policy.retentionSlackMs ?? HOUR)) / 1000),
    version: base.version,
  })
  if (previous && sameSession(previous, session)) return { kind: 'unchanged' }
  return { kind: 'write', session }
}

function customerOf(event: ConversationEvent, channel: Session['channel']): CustomerAddress | undefined {
  if (!channel || !event.topic.startsWith('customer.')) return undefined
  const address = channel === 'webmessaging' ? undefined : event.customerAddress
  const customer: CustomerAddress = dropUndefined({
    channel,
    externalContactId: event.externalContactId,
    contactIdField: event.externalContactId === undefined ? undefined : event.contactIdField,
    address,
    addressField: address === undefined ? undefined : event.addressField,
  })
  return customer.externalContactId || customer.address ? customer : undefined
}

function nextQueue(base: Session, event: ConversationEvent): Pick<Session, 'queueId' | 'queueSetAt'> {
  if (event.queueId === undefined) return { queueId: base.queueId, queueSetAt: base.queueSetAt }
  if (base.queueSetAt !== undefined && event.at < base.queueSetAt) return { queueId: base.queueId, queueSetAt: base.queueSetAt }
  // Two queues at the same instant: the smaller id wins, so delivery order and duplicates cannot flip it.
  if (event.at === base.queueSetAt && base.queueId !== undefined && base.queueId <= event.queueId) return { queueId: base.queueId, queueSetAt: base.queueSetAt }
  return { queueId: event.queueId, queueSetAt: event.at }
}

function nextAgents(agents: Readonly<Record<string, AgentLink>>, event: ConversationEvent, customerEndedAt: number | undefined): Record<string, AgentLink> {
  // Agent ids are keys of a plain object: copied and read as own properties only, so an id such as
  // `constructor` or `__proto__` reads nothing inherited and writes an ordinary property.
  const next: Record<string, AgentLink> = copyRecord(agents)
  if (event.topic === 'customer.end') {
    // The conversation is over for the customer: nobody is still connected, whatever events were lost.
    // Every link is stamped (not only connected ones) so the result does not depend on whether user.end came first.
    for (const [agentId, link] of Object.entries(next)) {
      if (link.changedAt <= event.at) setOwn(next, agentId, { ...link, connected: false, changedAt: event.at })
    }
    return next
  }
  const agentId = event.userId
  if (!agentId || !['user.start', 'user.end', 'acw'].includes(event.topic)) return next
  const current = Object.hasOwn(next, agentId) ? next[agentId] : undefined
  const connectedAt = event.topic === 'user.start' ? Math.max(current?.connectedAt ?? 0, event.at) : current?.connectedAt
  // A customer.end at or after this event (delivered earlier) has already ended this agent's part.
  const endedLater = customerEndedAt !== undefined && customerEndedAt >= event.at
  const connected = event.topic === 'user.start' && !endedLater
  const changedAt = endedLater ? customerEndedAt : event.at
  if (current && current.changedAt > changedAt) {
    setOwn(next, agentId, dropUndefined({ ...current, connectedAt }))
  } else if (current && current.changedAt === changedAt && !current.connected) {
    // An end and a start at the same instant: the end wins, so a session is never stuck as connected.
    setOwn(next, agentId, dropUndefined({ ...current, connectedAt }))
  } else {
    setOwn(next, agentId, dropUndefined({ connected, changedAt, connectedAt }))
  }
  return next
}

/** A set kept sorted, so delivery order and duplicates give the same item. */
function nextWrapupCodes(codes: readonly string[] | undefined, code: string | undefined): readonly string[] | undefined {
  if (code === undefined || codes?.includes(code)) return codes
  return [...(codes ?? []), code].sort()
}

function copyRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const copy: Record<string, V> = {}
  for (const [key, value] of Object.entries(record)) setOwn(copy, key, value)
  return copy
}

function setOwn<V>(record: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}

function latestAgent(agents: Readonly<Record<string, AgentLink>>): string | undefined {
  let latest: string | undefined
  let latestAt = -Infinity
  for (const [agentId, link] of Object.entries(agents)) {
    if (link.connectedAt === undefined) continue
    // Same instant: the smaller id wins, whatever order the agents were added in.
    if (link.connectedAt > latestAt || (link.connectedAt === latestAt && latest !== undefined && agentId < latest)) {
      latest = agentId
      latestAt = link.connectedAt
    }
  }
  return latest
}

/**
 * Every agent link in a session comes from that agent's own user.start, user.end or acw: an empty map means no
 * agent was ever connected (the customer left in queue or in the flow).
 */
export function neverServed(session: Pick<Session, 'agents'>): boolean {
  return Object.keys(session.agents).length === 0
}

export function hasConnectedAgent(session: Session): boolean {
  return Object.values(session.agents).some((link) => link.connected)
}

function sameSession(a: Session, b: Session): boolean {
  return stableJson(a) === stableJson(b)
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1))) : v,
  )
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
