/** send's entry point for one queue message: read the request, decide (send-message.ts), settle (settle-send.ts). */
import { EventValidationError } from '../domain/events.ts'
import type { MessageRequest } from '../domain/model.ts'
import type { InboundMessage } from '../domain/ports.ts'
import { parseMessageRequest } from '../domain/requests.ts'
import { sendMessage, type SendDeps, type SendSettings } from './send-message.ts'
import { planSettlement, rejectedSettlement, settle, type SettleDeps, type SettleSettings } from './settle-send.ts'

/** Throws RetryLater (lib/send/retry.ts) when the record is to be delivered again. */
export async function handleSendRequest(message: InboundMessage, deps: SendDeps & SettleDeps, settings: SendSettings & SettleSettings): Promise<void> {
  let request: MessageRequest
  try {
    request = parseMessageRequest(message.body)
  } catch (error) {
    if (!(error instanceof EventValidationError)) throw error
    return settle(rejectedSettlement(error, message), message, undefined, deps)
  }
  const decision = await sendMessage(request, deps, settings, { attempt: message.id, redriveOf: message.redriveOf, sendBy: message.sendBy })
  return settle(planSettlement(decision, request, message, settings), message, request, deps)
}
