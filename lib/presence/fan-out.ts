/**
 * presence's fan-out: which customers one trigger requests. The order is FAN_OUT_STEPS, written once and read by
 * the outcome's counts, the metrics, the docs (docs/architecture.md, checked by a test) and `why`.
 *
 * Paused short-circuits first: nothing is read, no Genesys call. Otherwise the trigger reads its open candidates
 * (lib/domain/open-candidates.ts) in priority order, a page at a time; each page goes through the cheap steps (in
 * the item, or one batched read per page), and only the survivors, no more at a time than the places left, get
 * the per-customer look-up and a claim. It stops when the limit is filled, so its reads grow with the limit, not
 * with the history, and it chooses the customers the full evaluation (every session of the window, every filter,
 * then the limit) would choose: test/unit/fan-out-selection.property.test.ts compares the two.
 */
import type { AgentAvailabilityEvent } from '../domain/events.ts'
import type { MessageRequest, Session } from '../domain/model.ts'
import type { CapReservation } from '../domain/ports.ts'
import { EVERY_SESSION, isEligible } from './eligibility.ts'
import { optOutKeyOfCustomer } from '../domain/opt-outs.ts'
import { agentInPilot, EVERYONE, sessionInPilot } from './pilot-scope.ts'
import { AGENT_CAPACITY } from './capacity.ts'
import { busyLookupFrom, isCustomerBusy } from '../domain/busy-customer.ts'
import { hasConnectedAgent } from '../domain/session.ts'
import { openRankOf, representativeSession, scopeOfAgent, scopeOfQueues, type CandidatePartition, type ScopeOf } from '../domain/open-candidates.ts'
import { MINUTE } from '../domain/time.ts'
import { mapConcurrently } from '../concurrency.ts'
import { dedupeKeyOf, isCapped, recipientKey, windowOf, type TargetingResult } from '../domain/targeting.ts'
import type { AvailabilityDeps, AvailabilitySettings, FanOut, TriggeredOutcome } from './availability-types.ts'

/**
 * The steps of a fan-out, in order: what each does and the outcome count it adds to. `paused` and `pilot-agent`
 * end the trigger; the others run over its candidates (the session and its request together).
 */
export const FAN_OUT_STEPS = [
  { name: 'paused', count: 'paused', does: 'the sending mode is paused: nothing is read, no Genesys call, nothing requested; the trigger is counted' },
  { name: 'pilot-agent', count: 'outside-pilot', does: 'the agent is outside the pilot (ENABLED_AGENT_IDS): nothing requested' },
  { name: 'read', count: 'sessionsFound', does: "open candidates of the agent (agent scope) or of the agent's queues (queue scope), in the window, in priority order, a page at a time" },
  { name: 'same-customer', count: 'skipped.sameCustomer', does: 'a customer already decided by an earlier candidate' },
  { name: 'pilot-queue', count: 'outsidePilot', does: "the session's queue is outside the pilot (ENABLED_QUEUE_IDS)" },
  { name: 'eligibility', count: 'ineligible', does: 'ELIGIBLE_SESSIONS and EXCLUDE_WRAPUP_CODES' },
  { name: 'opt-outs', count: 'optedOut', does: 'the customer is on the opt-out list (one batched read per page)' },
  { name: 'cap', count: 'capped', does: 'the customer was messaged in the cap window (one batched read of the outreach ledger per page)' },
  {
    name: 'customer',
    count: 'customerBusy',
    does: "one look-up of the customer's sessions: a newer session of theirs stands for them, one with an agent connected leaves them out (skipped.agentConnected), an active conversation too (customerBusy)",
  },
  { name: 'limit', count: 'deferred', does: 'MAX_MESSAGES_PER_TRIGGER (the agent capacity looked up only when a customer is found) and MAX_OUTBOX_REQUESTS: the read stops' },
  { name: 'claim', count: 'claimed', does: 'a short claim on the customer, so a concurrent trigger chooses another' },
] as const

export type FanOutStepName = (typeof FAN_OUT_STEPS)[number]['name']

/**
 * How long a claim holds a customer: the default MAX_DELAY_MINUTES, after which send no longer sends the request.
 * A request never sent frees its customer when its claim lapses; one sent caps them in the outreach ledger.
 */
export const CLAIM_MS = 15 * MINUTE

/**
 * The outbox lives in the `agent#` item, and a DynamoDB item holds at most 400 KB. A request is well under 1 KB
 * (ids, channel, address), so 250 stay under about 250 KB with the rest of the state. The per-trigger limit
 * (MAX_MESSAGES_PER_TRIGGER) keeps a trigger to a handful; this bound only guards a misconfiguration.
 */
export const MAX_OUTBOX_REQUESTS = 250

/** Customer look-ups (one Query each on the byCustomer index) in flight at once. */
const LOOKUPS_IN_FLIGHT = 16
/** Candidates read per page: a few times the places left, as most pages lose some to the cheap steps. */
const pageSizeFor = (places: number): number => Math.min(100, Math.max(10, 3 * places))

interface Candidate {
  readonly session: Session
  readonly request: MessageRequest
  readonly customerKey: string
}

type Counts = {
  sessionsFound: number
  capped: number
  outsidePilot: number
  ineligible: number
  optedOut: number
  customerBusy: number
  overOutboxLimit: number
  deferred: number
  claimed: number
  skipped: { outsideWindow: number; agentConnected: number; noAddress: number; sameCustomer: number }
}

export async function fanOut(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<FanOut> {
  if ((await deps.mode?.current()) === 'paused') return { outcome: { kind: 'paused' }, requests: [] }
  const pilot = settings.pilot ?? EVERYONE
  if (!agentInPilot(pilot, event.agentId)) return { outcome: { kind: 'outside-pilot' }, requests: [] }
  const { from, to } = windowOf(event.at, settings.windowMs)
  const { partitions, inScope } = await scopeOf(event, deps, settings)
  const counts: Counts = {
    sessionsFound: 0,
    capped: 0,
    outsidePilot: 0,
    ineligible: 0,
    optedOut: 0,
    customerBusy: 0,
    overOutboxLimit: 0,
    deferred: 0,
    claimed: 0,
    skipped: { outsideWindow: 0, agentConnected: 0, noAddress: 0, sameCustomer: 0 },
  }
  const limit = new TriggerLimit(event.agentId, deps, settings)
  const decided = new Set<string>()
  const ownReservations = new Map<string, CapReservation>()
  const chosen: MessageRequest[] = []
  const ready: Candidate[] = []
  const places = () => Math.max(0, limit.bound - chosen.length)
  const stream = inPriorityOrder(partitions.map((partition) => deps.sessions.openCandidates(partition, from, to, pageSizeFor(places()))))
  let exhausted = false
  while (places() > 0) {
    if (ready.length < places() && !exhausted) {
      const page = await take(stream, pageSizeFor(places()))
      exhausted = page.length < pageSizeFor(places())
      counts.sessionsFound += page.length
      ready.push(
        ...(await cheapSteps(
          page.map((session) => candidateOf(session, event, settings)),
          decided,
          ownReservations,
          counts,
          deps,
          settings,
          event,
        )),
      )
      continue
    }
    if (ready.length === 0) break
    const group = ready.splice(0, places())
    const found = (await customerStep(group, decided, counts, deps, settings, event, inScope, { from, to })).filter((candidate) => {
      const own = ownReservations.get(candidate.customerKey)
      const capped = own !== undefined && isCapped(own, event.at, settings.capMs, candidate.request.dedupeKey)
      if (capped) counts.capped++
      return !capped
    })
    if (found.length > 0) await limit.resolve()
    const within = found.slice(0, places())
    counts.deferred += found.length - within.length
    const claims = await Promise.all(within.map((candidate) => (deps.claims ? deps.claims.claim(candidate.customerKey, event.eventId, event.at, event.at + CLAIM_MS) : true)))
    within.forEach((candidate, index) => {
      if (claims[index]) chosen.push(candidate.request)
      else counts.claimed++
    })
  }
  // Stopped at the bound: the candidates already through the cheap steps wait for a later trigger.
  if (limit.bound >= MAX_OUTBOX_REQUESTS && limit.requested > MAX_OUTBOX_REQUESTS) counts.overOutboxLimit += ready.length
  else counts.deferred += ready.length
  const { claimed, ...rest } = counts
  const outcome: TriggeredOutcome = {
    kind: 'triggered',
    ...rest,
    claimedElsewhere: claimed,
    requested: chosen.length,
    capacityFallback: limit.error !== undefined,
    ...(limit.error === undefined ? {} : { capacityLookupError: limit.error }),
  }
  return { outcome, requests: chosen }
}

function candidateOf(session: Session, event: AgentAvailabilityEvent, settings: AvailabilitySettings): Candidate {
  // An open candidate always names a customer (open-candidates.ts).
  const customer = session.customer as NonNullable<Session['customer']>
  const request: MessageRequest = {
    dedupeKey: dedupeKeyOf({ agentId: event.agentId, eventId: event.eventId, at: event.at, scope: settings.scope }, session.conversationId),
    conversationId: session.conversationId,
    customer,
    ...(session.queueId ? { queueId: session.queueId } : {}),
    agentId: event.agentId,
    scope: settings.scope,
    requestedAt: event.at,
    triggerEventId: event.eventId,
  }
  return { session, request, customerKey: recipientKey(customer) }
}

/**
 * same-customer → pilot-queue → eligibility → opt-outs → cap. The first three judge the candidate's own session:
 * one that fails leaves its customer undecided, since a newer session of theirs may stand for them. Opt-outs and
 * the cap judge the customer, so they decide them.
 */
async function cheapSteps(
  page: Candidate[],
  decided: Set<string>,
  ownReservations: Map<string, CapReservation>,
  counts: Counts,
  deps: AvailabilityDeps,
  settings: AvailabilitySettings,
  event: AgentAvailabilityEvent,
): Promise<Candidate[]> {
  const pilot = settings.pilot ?? EVERYONE
  const eligibility = settings.eligibility ?? EVERY_SESSION
  const kept = page.filter((candidate) => {
    const reason = decided.has(candidate.customerKey)
      ? 'sameCustomer'
      : !sessionInPilot(pilot, candidate.session)
        ? 'outsidePilot'
        : !isEligible(candidate.session, eligibility)
          ? 'ineligible'
          : undefined
    if (reason === 'sameCustomer') counts.skipped.sameCustomer++
    else if (reason) counts[reason]++
    return reason === undefined
  })
  if (kept.length === 0) return []
  const optedOut = await deps.optOuts.optOutsOf([...new Set(kept.map((candidate) => optOutKeyOfCustomer(candidate.request.customer)))])
  const notOptedOut = kept.filter((candidate) => {
    if (!optedOut.has(optOutKeyOfCustomer(candidate.request.customer))) return true
    if (!decided.has(candidate.customerKey)) counts.optedOut++
    decided.add(candidate.customerKey)
    return false
  })
  if (notOptedOut.length === 0) return []
  const reservations = await deps.reservations.reservationsOf([...new Set(notOptedOut.map((candidate) => candidate.customerKey))])
  // A reservation this trigger made (a redelivery) caps unless it was for the session that stands for the customer,
  // known only after the customer step: kept for it.
  const ownPrefix = `${event.eventId}:`
  return notOptedOut.filter((candidate) => {
    const standing = reservations.get(candidate.customerKey)
    if (!standing) return true
    if (standing.dedupeKey.startsWith(ownPrefix)) {
      ownReservations.set(candidate.customerKey, standing)
      return true
    }
    if (!isCapped(standing, event.at, settings.capMs, candidate.request.dedupeKey)) return true
    if (!decided.has(candidate.customerKey)) counts.capped++
    decided.add(candidate.customerKey)
    return false
  })
}

/**
 * The customer step: one look-up of each candidate's customer (their sessions from the window's start, or from as
 * far back as a conversation can still be active). Their newest session in the trigger's scope and window stands
 * for them: another one means this candidate is not theirs to judge (it comes in its own turn, or has an agent
 * connected: left out). Then busy: an active conversation of theirs, in any scope.
 */
async function customerStep(
  group: Candidate[],
  decided: Set<string>,
  counts: Counts,
  deps: AvailabilityDeps,
  settings: AvailabilitySettings,
  event: AgentAvailabilityEvent,
  inScope: ScopeOf,
  window: { from: number; to: number },
): Promise<Candidate[]> {
  const lookupFrom = Math.min(window.from, busyLookupFrom(event.at, settings.busy))
  const undecided = group.filter((candidate) => {
    if (!decided.has(candidate.customerKey)) return true
    counts.skipped.sameCustomer++
    return false
  })
  const histories = await mapConcurrently(undecided, LOOKUPS_IN_FLIGHT, (candidate) => deps.sessions.findByCustomer(candidate.customerKey, lookupFrom))
  const found: Candidate[] = []
  for (const [index, candidate] of undecided.entries()) {
    if (decided.has(candidate.customerKey)) {
      counts.skipped.sameCustomer++
      continue
    }
    // The candidate's own session is judged too, even if the index has not caught up with it yet.
    const history = [candidate.session, ...(histories[index] ?? []).filter((session) => session.conversationId !== candidate.session.conversationId)]
    const standing = representativeSession(history, inScope, window.from, window.to)
    if (standing && standing.conversationId !== candidate.session.conversationId) {
      // Another session stands for the customer: judged in its own turn, unless an agent is connected to it.
      if (!hasConnectedAgent(standing)) continue
      decided.add(candidate.customerKey)
      counts.skipped.agentConnected++
      continue
    }
    decided.add(candidate.customerKey)
    if (isCustomerBusy(history, event.at, settings.busy)) counts.customerBusy++
    else found.push(candidate)
  }
  return found
}

/** The per-trigger limit: the setting, or the agent's capacity looked up once a customer is found (else no call). */
class TriggerLimit {
  /** What MAX_MESSAGES_PER_TRIGGER allows (unbounded: no setting); the outbox bound applies on top. */
  requested: number
  error: string | undefined
  private resolved: boolean

  constructor(
    private readonly agentId: string,
    private readonly deps: AvailabilityDeps,
    private readonly settings: AvailabilitySettings,
  ) {
    const setting = settings.perTrigger?.limit
    this.resolved = setting !== AGENT_CAPACITY
    // Until the capacity is known, the fallback sizes the pages and look-ups.
    this.requested = setting === undefined ? Number.POSITIVE_INFINITY : setting === AGENT_CAPACITY ? Math.max(1, settings.perTrigger?.fallback ?? 1) : setting
  }

  get bound(): number {
    return Math.min(this.requested, MAX_OUTBOX_REQUESTS)
  }

  async resolve(): Promise<void> {
    if (this.resolved) return
    this.resolved = true
    try {
      if (!this.deps.capacity) throw new Error('no capacity lookup wired')
      this.requested = await this.deps.capacity.messageCapacityOf(this.agentId)
    } catch (error) {
      // A failed or malformed lookup never fails the trigger: the fallback applies, and the caller counts it.
      this.requested = this.settings.perTrigger?.fallback ?? 0
      this.error = error instanceof Error ? error.message : String(error)
    }
  }
}

async function scopeOf(event: AgentAvailabilityEvent, deps: AvailabilityDeps, settings: AvailabilitySettings): Promise<{ partitions: CandidatePartition[]; inScope: ScopeOf }> {
  if (settings.scope === 'agent') return { partitions: [{ agentId: event.agentId }], inScope: scopeOfAgent(event.agentId) }
  // An activity event lists the queues the agent is active on: no Genesys call. Otherwise, the (cached) directory.
  if (!event.activeQueueIds && !deps.queues) throw new Error('queue scope needs a queue directory (Genesys GET /api/v2/users/{userId}/queues)')
  const queueIds = [...new Set(event.activeQueueIds ?? (await deps.queues?.queueIdsOf(event.agentId)) ?? [])]
  return { partitions: queueIds.map((queueId) => ({ queueId })), inScope: scopeOfQueues(queueIds) }
}

/** The candidates of several partitions (queues) as one stream in priority order: each is sorted by rank already. */
async function* inPriorityOrder(sources: readonly AsyncIterable<Session>[]): AsyncGenerator<Session> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]())
  const heads = await Promise.all(iterators.map((iterator) => iterator.next()))
  const ranks = heads.map((head) => (head.done ? '' : openRankOf(head.value)))
  for (;;) {
    let best = -1
    for (let i = 0; i < heads.length; i++) if (!heads[i]?.done && (best < 0 || (ranks[i] as string) < (ranks[best] as string))) best = i
    if (best < 0) return
    yield (heads[best] as IteratorYieldResult<Session>).value
    const next = await (iterators[best] as AsyncIterator<Session>).next()
    heads[best] = next
    ranks[best] = next.done ? '' : openRankOf(next.value)
  }
}

async function take<T>(stream: AsyncIterator<T>, count: number): Promise<T[]> {
  const taken: T[] = []
  while (taken.length < count) {
    const next = await stream.next()
    if (next.done) break
    taken.push(next.value)
  }
  return taken
}

export type { TargetingResult }
