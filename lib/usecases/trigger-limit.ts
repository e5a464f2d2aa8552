/**
 * The per-trigger limit step of presence's fan-out: how many customers this agent can serve now
 * (MAX_MESSAGES_PER_TRIGGER, or the agent's message capacity in Genesys), and which ones (lib/domain/capacity.ts).
 * The deferred customers are neither published nor written anywhere, so the next trigger finds them again.
 */
import { AGENT_CAPACITY, limitRecipients, priorityFactsOf, type MessageLimitSetting } from '../domain/capacity.ts'
import type { MessageRequest, Session } from '../domain/model.ts'
import type { AgentCapacityLookup } from '../domain/ports.ts'

export interface TriggerLimitSettings {
  /** MAX_MESSAGES_PER_TRIGGER. Absent: no limit. */
  readonly maxMessagesPerTrigger?: MessageLimitSetting
  /** FALLBACK_MESSAGES_PER_TRIGGER: the limit when the capacity lookup fails. */
  readonly fallbackMessagesPerTrigger: number
}

export interface LimitedRequests {
  readonly chosen: MessageRequest[]
  readonly deferred: number
  /** The agent's capacity could not be read: the fallback limit was used. */
  readonly capacityFallback: boolean
}

export async function applyTriggerLimit(
  requests: readonly MessageRequest[],
  sessions: readonly Session[],
  agentId: string,
  capacity: AgentCapacityLookup | undefined,
  settings: TriggerLimitSettings,
): Promise<LimitedRequests> {
  const setting = settings.maxMessagesPerTrigger
  if (setting === undefined || requests.length === 0) return { chosen: [...requests], deferred: 0, capacityFallback: false }
  const { limit, capacityFallback } = setting === AGENT_CAPACITY ? await agentCapacity(agentId, capacity, settings.fallbackMessagesPerTrigger) : { limit: setting, capacityFallback: false }
  const sessionOf = new Map(sessions.map((session) => [session.conversationId, session]))
  const { chosen, deferred } = limitRecipients(requests, limit, (request) => {
    const session = sessionOf.get(request.conversationId)
    if (!session) throw new Error(`no session for a selected conversation ${request.conversationId.slice(0, 8)}…`)
    return priorityFactsOf(session)
  })
  return { chosen, deferred: deferred.length, capacityFallback }
}

async function agentCapacity(agentId: string, lookup: AgentCapacityLookup | undefined, fallback: number): Promise<{ limit: number; capacityFallback: boolean }> {
  // No lookup wired (or one that fails, or answers nonsense): the fallback, counted, never a failed batch.
  if (!lookup) return { limit: fallback, capacityFallback: true }
  try {
    const capacity = await lookup.messageCapacityOf(agentId)
    if (Number.isInteger(capacity) && capacity >= 0) return { limit: capacity, capacityFallback: false }
  } catch {
    // The adapter has logged why; the batch goes on with the fallback.
  }
  return { limit: fallback, capacityFallback: true }
}
