import type { MessageRequest, Session } from '#lib/domain/model.ts'
import type { SessionLookup } from '#lib/domain/ports.ts'

type Backed = Pick<MessageRequest, 'conversationId' | 'customer' | 'requestedAt'>

/** The session the recorder would have written for this request's conversation and customer, active at its trigger. */
export function sessionBacking(request: Backed): Session {
  return { conversationId: request.conversationId, customer: request.customer, agents: {}, lastActiveAt: request.requestedAt, expiresAt: Math.ceil(request.requestedAt / 1000) + 86_400 }
}

/** A sessions table holding a recorded session for each of these requests (by conversation id; `record` adds one). */
export function recordedSessions(...requests: Backed[]): SessionLookup & { record<R extends Backed>(request: R): R } {
  const sessions = new Map(requests.map((request) => [request.conversationId, sessionBacking(request)]))
  return {
    get: async (conversationId) => sessions.get(conversationId),
    record: (request) => (sessions.set(request.conversationId, sessionBacking(request)), request),
  }
}
