import type { MessageRequest, Session } from '#lib/domain/model.ts'
import type { SessionRepository } from '#lib/domain/ports.ts'

type Backed = Pick<MessageRequest, 'conversationId' | 'customer' | 'requestedAt'>

/** The session the recorder would have written for this request's conversation and customer, active at its trigger. */
export function sessionBacking(request: Backed): Session {
  return { conversationId: request.conversationId, customer: request.customer, agents: {}, lastActiveAt: request.requestedAt, expiresAt: Math.ceil(request.requestedAt / 1000) + 86_400 }
}

/** send's view of the sessions table: what it reads to check a request. */
export type SendSessions = Pick<SessionRepository, 'get' | 'findByCustomer'>

/**
 * A sessions table holding a recorded session for each of these requests (by conversation id; `record` adds one).
 * `findByCustomer` finds no other conversation (nobody busy) unless `others` answers.
 */
export function recordedSessions(...requests: Backed[]): SendSessions & { record<R extends Backed>(request: R): R; others?: SendSessions['findByCustomer'] } {
  const sessions = new Map(requests.map((request) => [request.conversationId, sessionBacking(request)]))
  const table = {
    get: async (conversationId: string) => sessions.get(conversationId),
    findByCustomer: (customerKey: string, from: number) => (table.others ? table.others(customerKey, from) : Promise.resolve([])),
    record: <R extends Backed>(request: R): R => (sessions.set(request.conversationId, sessionBacking(request)), request),
    others: undefined as SendSessions['findByCustomer'] | undefined,
  }
  return table
}
