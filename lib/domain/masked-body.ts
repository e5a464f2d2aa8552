/**
 * The agentless request a dry run would have sent, with the customer's address masked: safe for an outcome event
 * and a summary. The text is the operator's configured text (placeholders: brand, channel), not the customer's.
 */
import type { AgentlessRequest } from './payload.ts'

/** Keeps the last 4 characters of an address, enough to tell two customers apart in a review. */
export const maskAddress = (value: string): string => (value.length > 4 ? `…${value.slice(-4)}` : '…')

export function maskedAgentlessBody(body: AgentlessRequest): AgentlessRequest {
  return {
    ...body,
    ...(body.toAddress !== undefined ? { toAddress: maskAddress(body.toAddress) } : {}),
    ...(body.externalContactId !== undefined ? { externalContactId: maskAddress(body.externalContactId) } : {}),
  }
}
