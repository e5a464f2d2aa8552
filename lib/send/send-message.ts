/**
 * send's use case for one request: the checks in their order (send-checks.ts), reserve the customer in the cap
 * ledger (one message per customer per cap window), claim the pace, the controls again at the instant of sending,
 * claim the request in the delivery ledger (never twice) right before the call, send, classify the result, and
 * give the reservation back unless the message went out (or may have). Returns what happened; settle-send.ts
 * turns that into acknowledge / dead-letter / retry.
 */
import type { MessageRequest } from '../domain/model.ts'
import type { AgentlessRequest } from '../domain/payload.ts'
import { recipientKey } from '../domain/targeting.ts'
import type { SendDecision, SendDeps, SendSettings } from './send-decision.ts'
import { writeAgentAttribute } from './agent-attribute.ts'
import { AT_SEND_CHECKS, checkPass, runChecks, SEND_CHECKS } from './send-checks.ts'

export type { SendDecision, SendDeps, SendSettings } from './send-decision.ts'

/**
 * `redriveOf`: the request comes back from the dead-letter queue by an operator's decision (the dead letter's
 * source message), so one that was dead-lettered by that message's attempt may be tried once more. Any other copy
 * of a dead-lettered request is a duplicate. `attempt`: this queue message's id, kept in the ledger.
 */
export async function sendMessage(request: MessageRequest, deps: SendDeps, settings: SendSettings, options: { attempt?: string; redriveOf?: string; sendBy?: number } = {}): Promise<SendDecision> {
  const first = checkPass(request, deps, settings)
  const stopped = await runChecks(SEND_CHECKS, first)
  if (stopped) return stopped
  const body = first.body as AgentlessRequest

  // After the checks, so a request that never goes out does not use the customer's cap up; before pacing, so a
  // capped request costs no pace slot. Every later outcome that does not send gives a reservation made here back.
  const customer = recipientKey(request.customer)
  const reservation = await deps.cap.tryReserve(customer, deps.clock.now(), settings.capMs, request.dedupeKey)
  if (reservation === 'capped') return { kind: 'capped' }
  const decision = await paceAndSend(request, body, deps, settings, options)
  if (reservation.made && !holdsReservation(decision)) await deps.cap.release(customer, request.dedupeKey, reservation.at)
  return decision
}

/**
 * A reservation stands only for a request that was sent or may have been (its outcome unknown), or that another
 * attempt is sending right now.
 */
export function holdsReservation(decision: SendDecision): boolean {
  return decision.kind === 'sent' || decision.kind === 'outcome-unknown' || (decision.kind === 'retry' && decision.reason === 'attempt-in-progress')
}

async function paceAndSend(
  request: MessageRequest,
  body: AgentlessRequest,
  deps: SendDeps,
  settings: SendSettings,
  options: { attempt?: string; redriveOf?: string; sendBy?: number },
): Promise<SendDecision> {
  // Pace before the ledger marks the attempt in flight: the mark says "Genesys may have it", so it is written
  // immediately before the call. A wait that would outlast the invocation hands the record back unmarked, and
  // its redelivery is an ordinary attempt, never a false `outcome-unknown`.
  const refusal = await deps.pacer.acquire(options.sendBy)
  if (refusal) return { kind: 'retry', reason: 'no-time-left', delaySeconds: Math.max(1, Math.ceil(refusal.waitMs / 1000)) }

  // The controls again, at the instant of sending: the wait may have outlasted a pause, an opt-out, the start of
  // quiet hours or the request's expiry.
  const stopped = await runChecks(AT_SEND_CHECKS, checkPass(request, deps, settings, body))
  if (stopped) return stopped

  const attemptStartedAt = deps.clock.now()
  const claim = await deps.ledger.begin(request.dedupeKey, attemptStartedAt, {
    ...(options.attempt !== undefined ? { attempt: options.attempt } : {}),
    ...(options.redriveOf !== undefined ? { redriveOf: options.redriveOf } : {}),
  })
  if (claim !== 'started') {
    if (claim.state !== 'in-flight') {
      return claim.notified
        ? { kind: 'duplicate' }
        : { kind: 'duplicate', unreported: { state: claim.state, ...(claim.reason ? { reason: claim.reason } : {}), ...(claim.genesys ? { genesys: claim.genesys } : {}) } }
    }
    if (deps.clock.now() - claim.startedAt < settings.attemptTimeoutMs) return { kind: 'retry', reason: 'attempt-in-progress' }
    await deps.ledger.finish(request.dedupeKey, 'dead-lettered', deps.clock.now(), 'outcome-unknown')
    return { kind: 'outcome-unknown', detail: 'an earlier attempt started and never finished: Genesys may have accepted it', attemptStartedAt: claim.startedAt }
  }

  const result = await deps.genesys.sendAgentless(body)
  if (result.ok) {
    let ledgerError: string | undefined
    try {
      const ids = { ...(result.conversationId ? { conversationId: result.conversationId } : {}), ...(result.messageId ? { messageId: result.messageId } : {}) }
      await deps.ledger.finish(request.dedupeKey, 'sent', deps.clock.now(), undefined, ids)
    } catch (error) {
      // Sent all the same. The record stays in flight, so a stray redelivery is dead-lettered, never resent.
      ledgerError = (error as Error).message
    }
    const sentRecordError = await recordSent(request, result.conversationId, deps)
    const agentAttribute = deps.agentAttributes ? await writeAgentAttribute(result.conversationId, request.agentId, { attributes: deps.agentAttributes, pacer: deps.pacer }, options.sendBy) : undefined
    return {
      kind: 'sent',
      status: result.status,
      messageId: result.messageId,
      genesysConversationId: result.conversationId,
      ...(ledgerError !== undefined ? { ledgerError } : {}),
      ...(sentRecordError !== undefined ? { sentRecordError } : {}),
      ...(agentAttribute ? { agentAttribute } : {}),
    }
  }
  switch (result.kind) {
    case 'permanent':
      await deps.ledger.finish(request.dedupeKey, 'dead-lettered', deps.clock.now(), 'genesys-rejected')
      return { kind: 'permanent', result }
    case 'unknown':
      await deps.ledger.finish(request.dedupeKey, 'dead-lettered', deps.clock.now(), 'outcome-unknown')
      return { kind: 'outcome-unknown', detail: `Genesys may have accepted it: ${result.code ?? result.status ?? 'no answer'}`, attemptStartedAt, result }
    case 'rate-limited':
      await deps.ledger.finish(request.dedupeKey, 'retryable', deps.clock.now())
      deps.pacer.pause(result.retryAfterSeconds ?? 60)
      return { kind: 'retry', reason: 'rate-limited', result, delaySeconds: result.retryAfterSeconds ?? 60 }
    case 'transient':
      await deps.ledger.finish(request.dedupeKey, 'retryable', deps.clock.now())
      return { kind: 'retry', reason: 'transient', result }
  }
}

/** Records the message as the customer's latest (replies, reply routing); a failure is reported, never thrown. */
async function recordSent(request: MessageRequest, genesysConversationId: string | undefined, deps: SendDeps): Promise<string | undefined> {
  if (!deps.sentMessages) return undefined
  try {
    await deps.sentMessages.recordSent(recipientKey(request.customer), {
      dedupeKey: request.dedupeKey,
      agentId: request.agentId,
      channel: request.customer.channel,
      ...(request.queueId !== undefined ? { queueId: request.queueId } : {}),
      sentAt: deps.clock.now(),
      ...(genesysConversationId ? { genesysConversationId: genesysConversationId.toLowerCase() } : {}),
    })
    return undefined
  } catch (error) {
    return (error as Error).message.slice(0, 300)
  }
}
