/**
 * Pilot scope: when lists of agent or queue ids are set, only those agents trigger and only sessions from those
 * queues are targeted. An empty list means everyone. Channels outside `channels` (ENABLED_CHANNELS) are never
 * targeted: a channel whose sender id is not configured yet stays off.
 */
import type { Channel, CustomerAddress, Session } from '../domain/model.ts'

export interface PilotScope {
  readonly agentIds: readonly string[]
  readonly queueIds: readonly string[]
  /** Channels that may be messaged. Absent: every channel. */
  readonly channels?: readonly Channel[]
}

export const EVERYONE: PilotScope = { agentIds: [], queueIds: [] }

export function agentInPilot(scope: PilotScope, agentId: string): boolean {
  return scope.agentIds.length === 0 || scope.agentIds.includes(agentId)
}

type Targeted = Pick<Session, 'queueId'> & { readonly customer?: Pick<CustomerAddress, 'channel'> }

/** With queue ids set, a session without a queue (a direct conversation) is outside the pilot too. */
export function sessionInPilot(scope: PilotScope, session: Targeted): boolean {
  const queueInside = scope.queueIds.length === 0 || (session.queueId !== undefined && scope.queueIds.includes(session.queueId))
  const channel = session.customer?.channel
  const channelInside = scope.channels === undefined || channel === undefined || scope.channels.includes(channel)
  return queueInside && channelInside
}

/** Sessions inside the pilot, and how many were left out. */
export function filterPilotSessions<S extends Targeted>(scope: PilotScope, sessions: readonly S[]): { readonly inside: S[]; readonly outside: number } {
  const inside = sessions.filter((session) => sessionInPilot(scope, session))
  return { inside, outside: sessions.length - inside.length }
}
