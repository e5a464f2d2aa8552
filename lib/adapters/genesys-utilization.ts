/**
 * The agent's messaging capacity: Genesys `GET /api/v2/routing/users/{userId}/utilization` (the SDK's
 * `getRoutingUserUtilization`, response `AgentMaxUtilizationResponse`), on the shared Genesys HTTP layer. Genesys
 * returns the organization-wide default when the user has none of their own. The capacity is
 * `utilization.message.maximumCapacity`; the media-type key is matched case-insensitively (its spelling is
 * UNVERIFIED). A failed call or a response without a usable capacity rejects: the use case falls back and counts it.
 */
import { z } from 'zod'
import type { AgentCapacityLookup } from '../domain/ports.ts'
import { GENESYS_OPERATIONS } from '../metrics-names.ts'
import { sessionOf, type GenesysSession, type GenesysSessionOptions } from './genesys-http/index.ts'

export const UTILIZATION_LABEL = GENESYS_OPERATIONS.utilization.operation

const utilizationSchema = z.object({
  utilization: z.record(z.string(), z.object({ maximumCapacity: z.number().int().nonnegative().optional() }).loose()).optional(),
})

/** The `message` media type's maximum capacity in a utilization response; an error naming what is missing. */
export function messageCapacityIn(body: unknown): number {
  const parsed = utilizationSchema.safeParse(body)
  if (!parsed.success) throw new Error(`${UTILIZATION_LABEL}: malformed response: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`)
  const entry = Object.entries(parsed.data.utilization ?? {}).find(([mediaType]) => mediaType.toLowerCase() === 'message')
  const capacity = entry?.[1].maximumCapacity
  if (capacity === undefined) throw new Error(`${UTILIZATION_LABEL}: no utilization.message.maximumCapacity in the response`)
  return capacity
}

/** `options` may be a session another lookup already uses: one token for both. */
export function createGenesysUtilizationLookup(options: GenesysSessionOptions | GenesysSession): AgentCapacityLookup {
  const session = sessionOf(options)
  return {
    async messageCapacityOf(agentId: string): Promise<number> {
      return messageCapacityIn(await session.getJson<unknown>(`/api/v2/routing/users/${encodeURIComponent(agentId)}/utilization`, UTILIZATION_LABEL))
    },
  }
}
