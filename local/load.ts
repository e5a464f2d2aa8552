/**
 * Generated workloads for the chaos suite and the benchmarks: many customers, agents and queues, with
 * overlapping customers, built from the same envelope builders as the tests. Deterministic for a seed.
 */
import { spellingsOf } from './address-spellings.ts'
import { seededRandom } from './random.ts'
import { conversationEvent, presenceEvent, uuidFrom, type GenesysEnvelope, type MessagingType } from './genesys-events.ts'
import type { LocalCloud } from './cloud.ts'
import type { EventEnvelope } from './event-bus.ts'

export interface WorkloadOptions {
  /** Distinct customers. */
  readonly customers: number
  /** Conversations; more than `customers` means some customers had several. Default: customers. */
  readonly conversations?: number
  readonly agents: number
  readonly queues?: number
  /** When the last conversation ended; the agents come back after it. */
  readonly at: number
  readonly seed?: number
  /** Share of conversations that still have an agent connected. Default 0. */
  readonly stillConnectedShare?: number
  /**
   * Share of customers who, besides their ended conversations, are busy at `at`: half of them
   * chatting with another agent ("busy elsewhere"), half back in queue after a transfer (the agent's user.end,
   * then acd.start, no customer.end). Default 0.
   */
  readonly busyShare?: number
  /**
   * Share of customers whose address is written a different way in each of their conversations (
   * `+13175000007`, `tel:+13175000007`, `+1 (317) 500-0007`…; see local/address-spellings.ts). Still one customer:
   * `eligibleCustomers` and `busyCustomers` name the real customer, whatever the spelling. Drawn from its own
   * generator, so the rest of the workload is the same as without it. Default 0.
   */
  readonly respelledShare?: number
  /** ACTIVE_CONVERSATION_STALE_HOURS of the cloud, in ms, to tell which still-connected conversations are stale. Default 4 h. */
  readonly staleMs?: number
}

export interface Workload {
  /** Conversation events: customer.start, acd.start, user.start, user.end, customer.end (compact: what targeting needs). */
  readonly conversationEvents: GenesysEnvelope[]
  readonly agentIds: string[]
  readonly queueIds: string[]
  /** queue → member agents, for the simulator's queueMemberships (each agent in one queue). */
  readonly memberships: Record<string, string[]>
  /**
   * Customers to message when every agent comes back: per agent, those whose newest conversation with that
   * agent has ended; a customer eligible through several agents is messaged once (the cap). A customer with a
   * conversation still active at `at` (`busyCustomers`) is not eligible.
   */
  readonly eligibleCustomers: Set<string>
  /** Customers with a conversation still active at `at` (connected, or in a transfer gap, and not stale): never to be messaged. */
  readonly busyCustomers: Set<string>
  /** Conversation id → the customer it was with. */
  readonly customerOfConversation: ReadonlyMap<string, string>
  /** Respelled customers (`respelledShare`) → the distinct spellings their conversations used. */
  readonly spellings: ReadonlyMap<string, ReadonlySet<string>>
}

const CHANNELS: readonly MessagingType[] = ['WEBMESSAGING', 'SMS', 'WHATSAPP', 'OPEN']

export function buildWorkload(options: WorkloadOptions): Workload {
  const random = seededRandom(options.seed ?? 1)
  const conversations = options.conversations ?? options.customers
  const agentIds = Array.from({ length: options.agents }, (_, i) => uuidFrom('agent', i))
  const queueIds = Array.from({ length: options.queues ?? 1 }, (_, i) => uuidFrom('queue', i))
  const memberships: Record<string, string[]> = {}
  agentIds.forEach((agentId, i) => {
    memberships[agentId] = [queueIds[i % queueIds.length] as string]
  })
  const events: GenesysEnvelope[] = []
  // Newest conversation per (agent, customer): agent scope looks at the conversations that agent handled.
  const newest = new Map<string, { at: number; customer: number; connected: boolean }>()
  const busyCustomers = new Set<string>()
  const staleMs = options.staleMs ?? 4 * 3_600_000
  const customerOfConversation = new Map<string, string>()
  const speller = addressSpeller(options.seed ?? 1, options.respelledShare ?? 0)
  for (let c = 0; c < conversations; c++) {
    const customer = c < options.customers ? c : Math.floor(random() * options.customers)
    const channel = CHANNELS[customer % CHANNELS.length] as MessagingType
    const agentId = agentIds[Math.floor(random() * agentIds.length)] as string
    const queueId = memberships[agentId]?.[0] as string
    const conversationId = uuidFrom('conversation', c)
    // Spread over the 20 hours before `at`, ending at least a minute before it.
    const start = options.at - 60_000 - Math.floor(random() * 20 * 3_600_000)
    const connected = random() < (options.stillConnectedShare ?? 0)
    const address = speller.next(customer, channel)
    customerOfConversation.set(conversationId, String(customer))
    const common = { conversationId, messageType: channel }
    events.push(
      conversationEvent('customer.start', { ...common, ...address, at: start }),
      conversationEvent('acd.start', { ...common, at: start + 1_000, queueId }),
      conversationEvent('user.start', { ...common, at: start + 2_000, queueId, userId: agentId }),
    )
    if (!connected) {
      events.push(conversationEvent('user.end', { ...common, at: start + 50_000, queueId, userId: agentId }), conversationEvent('customer.end', { ...common, ...address, at: start + 50_000 }))
    }
    // A still-connected conversation is active until it goes stale (no event for staleMs).
    if (connected && options.at - (start + 2_000) < staleMs) busyCustomers.add(String(customer))
    const key = `${agentId}/${customer}`
    const previous = newest.get(key)
    if (!previous || start > previous.at) newest.set(key, { at: start, customer, connected })
  }
  // Busy at `at`: another conversation in progress, 30 minutes old, with an agent or back in queue.
  for (let customer = 0; customer < options.customers; customer++) {
    if (random() >= (options.busyShare ?? 0)) continue
    const transferGap = random() < 0.5
    const channel = CHANNELS[customer % CHANNELS.length] as MessagingType
    const agentId = agentIds[Math.floor(random() * agentIds.length)] as string
    const queueId = memberships[agentId]?.[0] as string
    const common = { conversationId: uuidFrom('busy-conversation', customer), messageType: channel }
    customerOfConversation.set(common.conversationId, String(customer))
    const start = options.at - 30 * 60_000
    events.push(
      conversationEvent('customer.start', { ...common, ...speller.next(customer, channel), at: start }),
      conversationEvent('acd.start', { ...common, at: start + 1_000, queueId }),
      conversationEvent('user.start', { ...common, at: start + 2_000, queueId, userId: agentId }),
    )
    if (transferGap) {
      events.push(
        conversationEvent('user.end', { ...common, at: start + 60_000, queueId, userId: agentId, extra: { disconnectType: 'TRANSFER' } }),
        conversationEvent('acd.start', { ...common, at: start + 61_000, queueId }),
      )
    }
    busyCustomers.add(String(customer))
    // Agent scope: this conversation is the agent's newest with the customer, and it has not ended.
    const key = `${agentId}/${customer}`
    const previous = newest.get(key)
    if (!previous || start > previous.at) newest.set(key, { at: start, customer, connected: true })
  }
  events.sort((a, b) => eventTime(a) - eventTime(b))
  const eligibleCustomers = new Set<string>()
  for (const session of newest.values()) if (!session.connected && !busyCustomers.has(String(session.customer))) eligibleCustomers.add(String(session.customer))
  return { conversationEvents: events, agentIds, queueIds, memberships, eligibleCustomers, busyCustomers, customerOfConversation, spellings: speller.used }
}

/**
 * Each respelled customer's conversations take its spellings in turn, from a random first one; the others keep
 * the canonical address. Its own generator: turning it on changes no other draw of the workload.
 */
function addressSpeller(seed: number, share: number) {
  const random = seededRandom(seed ^ 0x5be11ed)
  const turn = new Map<number, number>()
  const used = new Map<string, Set<string>>()
  const next = (customer: number, channel: MessagingType): ReturnType<typeof addressOf> => {
    const canonical = addressOf(customer, channel)
    if (share <= 0) return canonical
    if (!turn.has(customer)) turn.set(customer, random() < share ? Math.floor(random() * 1_000) : -1)
    const n = turn.get(customer) as number
    if (n < 0) return canonical
    turn.set(customer, n + 1)
    const field = canonical.externalContactId !== undefined ? 'externalContactId' : 'addressFrom'
    const options = spellingsOf(channel, canonical[field] as string)
    const spelling = options[n % options.length] as string
    used.set(String(customer), (used.get(String(customer)) ?? new Set()).add(spelling))
    return { [field]: spelling }
  }
  return { next, used: used as ReadonlyMap<string, ReadonlySet<string>> }
}

function addressOf(customer: number, channel: MessagingType): { externalContactId?: string; addressFrom?: string } {
  if (channel === 'WEBMESSAGING') return { externalContactId: uuidFrom('contact', customer) }
  return { addressFrom: channel === 'OPEN' ? `customer-${customer}@open.example` : `+1317${String(5_000_000 + customer).padStart(7, '0')}` }
}

function eventTime(envelope: GenesysEnvelope): number {
  return (envelope.detail.eventBody as { eventTime: number }).eventTime
}

/** An agent going offline and coming back On Queue: the events that make one trigger (under either AVAILABLE_PRESENCES default). */
export function availabilityFlip(agentId: string, at: number): GenesysEnvelope[] {
  return [presenceEvent({ agentId, systemPresence: 'OFFLINE', at: at - 60_000 }), presenceEvent({ agentId, systemPresence: 'ON_QUEUE', at })]
}

/**
 * Records the conversation events in bulk (delivered in order, drained once: the session recorder takes them
 * ten at a time, as it would from a busy queue), so a large workload loads in seconds.
 */
export async function loadSessions(cloud: LocalCloud, workload: Workload): Promise<void> {
  for (const event of workload.conversationEvents) {
    cloud.clock.set(eventTime(event))
    await cloud.deliverGenesysEvent(event as unknown as EventEnvelope)
  }
  await cloud.drain()
}
