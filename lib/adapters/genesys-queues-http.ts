/**
 * The presence function's one Genesys call, `GET /api/v2/users/{userId}/queues` (joined queues), on the shared
 * Genesys HTTP layer (plain fetch). The Genesys SDK would add about 2 MB and 60 ms to every cold start of a
 * function that, in agent scope, never calls Genesys at all (docs/benchmarks.md); the send function keeps the SDK.
 */
import type { QueueDirectory } from '../domain/ports.ts'
import { GENESYS_OPERATIONS } from '../metrics-names.ts'
import { sessionOf, type GenesysSession, type GenesysSessionOptions } from './genesys-http/index.ts'

export type QueueDirectoryOptions = GenesysSessionOptions

/** A failed Genesys call: the classified failure (status, Genesys's code), never a token or a secret. */
export { GenesysApiError as GenesysHttpError } from './genesys-http/index.ts'

/** `options` may be a session another lookup already uses: one token for both. */
export function createGenesysQueueDirectory(options: QueueDirectoryOptions | GenesysSession): QueueDirectory {
  const session = sessionOf(options)
  return {
    async queueIdsOf(agentId: string): Promise<string[]> {
      const queues = await session.getAllPages<{ id?: string; joined?: boolean }>(`/api/v2/users/${encodeURIComponent(agentId)}/queues?joined=true`, GENESYS_OPERATIONS.userQueues.operation)
      return queues.filter((queue) => queue.id && queue.joined !== false).map((queue) => queue.id as string)
    },
  }
}
