/**
 * send's use case for one request: expire it if it is too old to be true, build and check the agentless
 * request, pace, send, and classify the result. Returns what happened; the handler turns that into
 * acknowledge / dead-letter / retry.
 */
import type { Channel, MessageRequest } from '../domain/model.ts'
import { buildAgentlessRequest, InvalidPayloadError, type ChannelSettings } from '../domain/payload.ts'
import type { AgentlessSendResult, Clock, GenesysMessaging } from '../domain/ports.ts'
import { renderTemplate } from '../domain/template.ts'

export interface SendSettings {
  readonly maxDelayMs: number
  readonly channels: Readonly<Record<Channel, ChannelSettings>>
  readonly brand: string
}

export interface SendDeps {
  readonly genesys: GenesysMessaging
  readonly clock: Clock
  readonly pacer: { acquire(): Promise<void>; pause(seconds: number): void }
}

export type SendDecision =
  | { readonly kind: 'sent'; readonly status: number; readonly messageId?: string; readonly genesysConversationId?: string }
  | { readonly kind: 'expired'; readonly ageMs: number }
  | { readonly kind: 'invalid'; readonly reason: 'invalid-payload'; readonly detail: string }
  | { readonly kind: 'permanent'; readonly result: Extract<AgentlessSendResult, { ok: false }> }
  | { readonly kind: 'retry'; readonly result: Extract<AgentlessSendResult, { ok: false }>; readonly delaySeconds?: number }

export async function sendMessage(request: MessageRequest, deps: SendDeps, settings: SendSettings): Promise<SendDecision> {
  const ageMs = deps.clock.now() - request.requestedAt
  if (ageMs > settings.maxDelayMs) return { kind: 'expired', ageMs }

  const channel = settings.channels[request.customer.channel]
  let body
  try {
    const text = renderTemplate(channel.text, { brand: settings.brand, channel: request.customer.channel })
    body = buildAgentlessRequest(request.customer, channel, text)
  } catch (error) {
    if (error instanceof InvalidPayloadError) {
      return { kind: 'invalid', reason: 'invalid-payload', detail: error.problems.map((p) => `${p.field} ${p.problem}`).join('; ') }
    }
    throw error
  }

  await deps.pacer.acquire()
  const result = await deps.genesys.sendAgentless(body)
  if (result.ok) return { kind: 'sent', status: result.status, messageId: result.messageId, genesysConversationId: result.conversationId }
  if (result.kind === 'permanent') return { kind: 'permanent', result }
  if (result.kind === 'rate-limited') {
    deps.pacer.pause(result.retryAfterSeconds ?? 60)
    return { kind: 'retry', result, delaySeconds: result.retryAfterSeconds ?? 60 }
  }
  return { kind: 'retry', result }
}
