/**
 * Pilot scope: when lists of agent or queue ids are set, only those agents trigger and only sessions from those
 * queues are targeted. An empty list means everyone.
 */
import type { Session } from '../domain/model.ts'

export interface PilotScope {
  readonly agentIds: readonly string[]
  readonly queueIds: readonly string[]
}

export const EVERYONE: PilotScope = { agentIds: [], queueIds: [] }

export function agentInPilot(scope: PilotScope, agentId: string): boolean {
  return scope.agentIds.length === 0 || scope.agentIds.includes(agentId)
}

/** With queue ids set, a session without a queue (a direct conversation) is outside the pilot too. */
export function sessionInPilot(scope: PilotScope, session: Pick<Session, 'queueId'>): boolean {
  return scope.queueIds.length === 0 || (session.queueId !== undefined && scope.queueIds.includes(session.queueId))
}

/** Sessions inside the pilot, and how many were left out. */
export function filterPilotSessions<S extends Pick<Session, 'queueId'>>(scope: PilotScope, sessions: readonly S[]): { readonly inside: S[]; readonly outside: number } {
  const inside = sessions.filter((session) => sessionInPilot(scope, session))
  return { inside, outside: sessions.length - inside.length }
}
