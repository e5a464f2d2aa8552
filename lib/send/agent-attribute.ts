/**
 * REPLY_AGENT_ATTRIBUTE=on: after a message is sent, the triggering agent's id is written as a participant
 * attribute of the agentless conversation's customer participant, so an Architect flow can read it. Two Genesys
 * requests (read the conversation for the participant id, then the PATCH), each paced like a send. Best effort:
 * the outcome is reported, never thrown, and never changes the send's.
 */
import type { ConversationAttributes, Pacer } from '../domain/ports.ts'

/** The participant attribute that carries the triggering agent's id. */
export const AGENT_ATTRIBUTE_NAME = 'proactiveTriggeringAgentId'

export type AgentAttributeOutcome = { readonly written: true } | { readonly written: false; readonly error: string }

export async function writeAgentAttribute(
  conversationId: string | undefined,
  agentId: string,
  deps: { readonly attributes: ConversationAttributes; readonly pacer: Pacer },
  sendBy?: number,
): Promise<AgentAttributeOutcome> {
  const failed = (error: string): AgentAttributeOutcome => ({ written: false, error: error.slice(0, 300) })
  if (!conversationId) return failed('the send returned no conversation id')
  try {
    if (await deps.pacer.acquire(sendBy)) return failed('no time left to read the conversation')
    const participantId = await deps.attributes.customerParticipantId(conversationId)
    if (!participantId) return failed('the conversation has no customer participant')
    if (await deps.pacer.acquire(sendBy)) return failed('no time left to write the attribute')
    await deps.attributes.writeParticipantAttributes(conversationId, participantId, { [AGENT_ATTRIBUTE_NAME]: agentId })
    return { written: true }
  } catch (error) {
    return failed((error as Error).message ?? String(error))
  }
}
