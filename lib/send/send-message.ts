/**
 * send's use case for one request: expire it if it is too old to be true, build and check the agentless
 * request, reserve the customer in the cap ledger (one message per customer per cap window), claim the
 * pace, claim the request in the delivery ledger (never twice) right before the call, send, and classify the result. Returns what
 * happened; settle-send.ts turns that into acknowledge / dead-letter / retry.
 */
import { maskedAgentlessBody } from '../domain/masked-body.ts'
import type { Channel, MessageRequest } from '../domain/model.ts'
import { buildAgentlessRequest, InvalidPayloadError, type AgentlessRequest, type ChannelSettings } from '../domain/payload.ts'
import { optOutKeyOfCustomer } from '../domain/opt-outs.ts'
import { sessionMismatch, type SessionMismatch } from './session-trust.ts'
import type {
  AgentlessSendResult,
  CapLedger,
  Clock,
  DeliveryLedger,
  GenesysMessageIds,
  GenesysMessaging,
  OptOutList,
  Pacer,
  SendingModeSource,
  SentMessageLog,
  SessionRepository,
} from '../domain/ports.ts'
import { quietWindowAt, type QuietHours } from './quiet-hours.ts'
import { busyLookupFrom, isCustomerBusy, type BusyPolicy } from '../domain/busy-customer.ts'
import { recipientKey } from '../domain/targeting.ts'
import { renderTemplate } from './template.ts'

export interface SendSettings {
  readonly maxDelayMs: number
  readonly channels: Readonly<Record<Channel, ChannelSettings>>
  readonly brand: string
  /** An attempt older than this that never finished died (the function's timeout): its outcome is unknown. */
  readonly attemptTimeoutMs: number
  /** One message per customer within this window, whichever trigger requested it. */
  readonly capMs: number
  /** Per channel; judged at the trigger's time (`requestedAt`). Absent: no quiet hours. */
  readonly quietHours?: QuietHours
  /** WINDOW_HOURS: the request's session must have been active within this long before the trigger. */
  readonly windowMs: number
  /** ACTIVE_CONVERSATION_STALE_HOURS: a customer with a conversation still active is not messaged. */
  readonly busy?: BusyPolicy
}

export interface SendDeps {
  readonly genesys: GenesysMessaging
  /** Now: expiry, quiet hours, the cap's start, busy customers and the ledger's attempt ages are judged by it. */
  readonly clock: Clock
  readonly pacer: Pacer
  readonly ledger: DeliveryLedger
  /** The cap: one message per customer per cap window. */
  readonly cap: Pick<CapLedger, 'tryReserve'>
  /** The opt-out list: checked again here, since a customer may opt out after being requested. */
  readonly optOuts: OptOutList
  /**
   * The sessions table as the session recorder wrote it: the session the request names must back it (`get`), and
   * the customer's other conversations (byCustomer index) decide whether they are busy.
   */
  readonly sessions: Pick<SessionRepository, 'get' | 'findByCustomer'>
  /** The sending mode in force (setting or operator override). Absent: live. */
  readonly mode?: SendingModeSource
  /** The latest message sent to each customer, which replies are matched against. Absent: replies not tracked. */
  readonly sentMessages?: SentMessageLog
}

type Failure = Extract<AgentlessSendResult, { ok: false }>

export type SendDecision =
  | {
      readonly kind: 'sent'
      readonly status: number
      readonly messageId?: string
      readonly genesysConversationId?: string
      readonly ledgerError?: string
      /** The sent-message record (replies) could not be written: the message is sent all the same. */
      readonly sentRecordError?: string
    }
  | { readonly kind: 'expired'; readonly ageMs: number }
  /** The customer was messaged for another request within the cap window (another trigger got there first). */
  | { readonly kind: 'capped' }
  /** The sending mode is `paused`: nothing sent, no cap used. */
  | { readonly kind: 'paused' }
  /** No recorded session backs the request (absent, another customer, or outside the window): dead-lettered. */
  | { readonly kind: 'unknown-session'; readonly mismatch: SessionMismatch }
  /** The sending mode is `dry-run`: every check passed; `body` is what would have been sent, address masked. */
  | { readonly kind: 'dry-run'; readonly body: AgentlessRequest }
  /** The customer is on the opt-out list (opted out): nothing sent, no cap used. */
  | { readonly kind: 'opted-out' }
  /** The trigger's time falls in the channel's quiet hours (`window`, as configured). */
  | { readonly kind: 'quiet-hours'; readonly window: string }
  /** The customer has a conversation still active (started after the request, another agent, back in queue). */
  | { readonly kind: 'customer-busy' }
  | { readonly kind: 'invalid'; readonly reason: 'invalid-payload'; readonly detail: string }
  /** Settled before. `unreported`: its outcome was not reported yet (the reporting failed): finish that. */
  | { readonly kind: 'duplicate'; readonly unreported?: { readonly state: 'sent' | 'dead-lettered'; readonly reason?: string; readonly genesys?: GenesysMessageIds } }
  | { readonly kind: 'permanent'; readonly result: Failure }
  /** `attemptStartedAt`: wall-clock epoch ms the attempt whose answer was lost started (where a look-up searches from). */
  | { readonly kind: 'outcome-unknown'; readonly detail: string; readonly attemptStartedAt: number; readonly result?: Failure }
  /** `no-time-left`: pacing would outlast the invocation; handed back before anything was marked or sent. */
  | { readonly kind: 'retry'; readonly reason: 'rate-limited' | 'transient' | 'attempt-in-progress' | 'no-time-left'; readonly result?: Failure; readonly delaySeconds?: number }

/**
 * `redriveOf`: the request comes back from the dead-letter queue by an operator's decision (the dead letter's
 * source message), so one that was dead-lettered by that message's attempt may be tried once more. Any other copy
 * of a dead-lettered request is a duplicate. `attempt`: this queue message's id, kept in the ledger.
 */
export async function sendMessage(request: MessageRequest, deps: SendDeps, settings: SendSettings, options: { attempt?: string; redriveOf?: string; sendBy?: number } = {}): Promise<SendDecision> {
  const ageMs = deps.clock.now() - request.requestedAt
  if (ageMs > settings.maxDelayMs) return { kind: 'expired', ageMs }
  const mode = (await deps.mode?.current()) ?? 'live'
  if (mode === 'paused') return { kind: 'paused' }
  const mismatch = sessionMismatch(request, await deps.sessions.get(request.conversationId), settings.windowMs)
  if (mismatch) return { kind: 'unknown-session', mismatch }

  const channel = settings.channels[request.customer.channel]
  let body
  try {
    const render = (template: string) => renderTemplate(template, { brand: settings.brand, channel: request.customer.channel })
    body = buildAgentlessRequest(request.customer, renderParameters(channel, render), render(channel.text))
  } catch (error) {
    if (error instanceof InvalidPayloadError) {
      return { kind: 'invalid', reason: 'invalid-payload', detail: error.problems.map((p) => `${p.field} ${p.problem}`).join('; ') }
    }
    throw error
  }

  // After preflight (a request that cannot be sent anyway is dead-lettered, not reported as opted out), before
  // every later check, so a dry run reports an opted-out customer as opted out too.
  const suppressed = await deps.optOuts.optOutsOf([optOutKeyOfCustomer(request.customer)])
  if (suppressed.size > 0) return { kind: 'opted-out' }

  // Presence checked at the trigger; the customer may have started a conversation since. Judged by the
  // pipeline's clock now, just before sending.
  if (settings.busy) {
    const now = deps.clock.now()
    if (isCustomerBusy(await deps.sessions.findByCustomer(recipientKey(request.customer), busyLookupFrom(now, settings.busy)), now, settings.busy)) return { kind: 'customer-busy' }
  }

  const quiet = settings.quietHours && quietWindowAt(settings.quietHours, request.customer.channel, request.requestedAt)
  if (quiet) return { kind: 'quiet-hours', window: quiet.text }
  // Presence checked the cap (read only) before requesting; a dry run reserves nothing, so a later live trigger
  // messages the same customers.
  if (mode === 'dry-run') return { kind: 'dry-run', body: maskedAgentlessBody(body) }

  // After expiry and preflight, so a request that never goes out does not use the customer's cap up. A retry or
  // redrive of the same request passes: the reservation carries its dedupe key.
  const reserved = await deps.cap.tryReserve(recipientKey(request.customer), request.requestedAt, settings.capMs, request.dedupeKey)
  if (!reserved) return { kind: 'capped' }

  // Pace before the ledger marks the attempt in flight: the mark says "Genesys may have it", so it is written
  // immediately before the call. A wait that would outlast the invocation hands the record back unmarked, and
  // its redelivery is an ordinary attempt, never a false `outcome-unknown`.
  const refusal = await deps.pacer.acquire(options.sendBy)
  if (refusal) return { kind: 'retry', reason: 'no-time-left', delaySeconds: Math.max(1, Math.ceil(refusal.waitMs / 1000)) }

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
    return {
      kind: 'sent',
      status: result.status,
      messageId: result.messageId,
      genesysConversationId: result.conversationId,
      ...(ledgerError !== undefined ? { ledgerError } : {}),
      ...(sentRecordError !== undefined ? { sentRecordError } : {}),
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

/** The template parameters with their placeholders filled, as the text is. */
function renderParameters(channel: ChannelSettings, render: (template: string) => string): ChannelSettings {
  const each = (parameters: Readonly<Record<string, string>> | undefined) => parameters && Object.fromEntries(Object.entries(parameters).map(([id, value]) => [id, render(value)]))
  return {
    ...channel,
    ...(channel.templateBodyParameters ? { templateBodyParameters: each(channel.templateBodyParameters) } : {}),
    ...(channel.templateHeaderParameters ? { templateHeaderParameters: each(channel.templateHeaderParameters) } : {}),
  }
}
