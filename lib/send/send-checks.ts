/**
 * send's checks, in the order they run: one list, read by the use case (send-message.ts), the local summary and
 * `docs/architecture.md` (test/unit/send-checks.test.ts fails when the docs list another order).
 *
 * Each check either lets the request on (undefined) or ends it with a decision of its own name. The whole list
 * runs before the customer is reserved and paced; the checks marked `atSend` run again after the pacer's wait,
 * immediately before the Genesys call, so a pause, an opt-out, a busy customer, quiet hours or expiry that began
 * while the request waited stops it.
 */
import { busyLookupFrom, isCustomerBusy } from '../domain/busy-customer.ts'
import { maskedAgentlessBody } from '../domain/masked-body.ts'
import type { MessageRequest } from '../domain/model.ts'
import { optOutKeyOfCustomer } from '../domain/opt-outs.ts'
import { buildAgentlessRequest, InvalidPayloadError, type AgentlessRequest, type ChannelSettings } from '../domain/payload.ts'
import type { SendingMode } from '../domain/sending-mode.ts'
import { recipientKey } from '../domain/targeting.ts'
import { quietWindowAt } from './quiet-hours.ts'
import type { SendDecision, SendDeps, SendSettings } from './send-decision.ts'
import { sessionMismatch } from './session-trust.ts'
import { renderTemplate } from './template.ts'

/** What the checks of one pass share: the mode is read once per pass, the body is built by `invalid`. */
export interface CheckPass {
  readonly request: MessageRequest
  readonly deps: SendDeps
  readonly settings: SendSettings
  mode(): Promise<SendingMode>
  body?: AgentlessRequest
}

export type SendCheckName = 'paused' | 'expired' | 'unknown-session' | 'invalid' | 'opted-out' | 'customer-busy' | 'quiet-hours' | 'dry-run'

export interface SendCheck {
  readonly name: SendCheckName
  /** Checked again at the instant of sending (after the pacer's wait): the controls that can change meanwhile. */
  readonly atSend: boolean
  readonly check: (pass: CheckPass) => Promise<SendDecision | undefined>
}

export const SEND_CHECKS: readonly SendCheck[] = [
  // First: a paused stack reads nothing else (the mode is cached, so this costs no read).
  { name: 'paused', atSend: true, check: async (pass) => ((await pass.mode()) === 'paused' ? { kind: 'paused' } : undefined) },
  {
    name: 'expired',
    atSend: true,
    check: async ({ request, deps, settings }) => {
      const ageMs = deps.clock.now() - request.requestedAt
      return ageMs > settings.maxDelayMs ? { kind: 'expired', ageMs } : undefined
    },
  },
  {
    name: 'unknown-session',
    atSend: false,
    check: async ({ request, deps, settings }) => {
      const mismatch = sessionMismatch(request, await deps.sessions.get(request.conversationId), settings.windowMs)
      return mismatch ? { kind: 'unknown-session', mismatch } : undefined
    },
  },
  // Preflight: a request that cannot be sent anyway is dead-lettered, not reported as opted out.
  { name: 'invalid', atSend: false, check: async (pass) => preflight(pass) },
  {
    name: 'opted-out',
    atSend: true,
    check: async ({ request, deps }) => ((await deps.optOuts.optOutsOf([optOutKeyOfCustomer(request.customer)])).size > 0 ? { kind: 'opted-out' } : undefined),
  },
  {
    // Presence checked at the trigger; the customer may have started a conversation since.
    name: 'customer-busy',
    atSend: true,
    check: async ({ request, deps, settings }) => {
      if (!settings.busy) return undefined
      const now = deps.clock.now()
      const sessions = await deps.sessions.findByCustomer(recipientKey(request.customer), busyLookupFrom(now, settings.busy))
      return isCustomerBusy(sessions, now, settings.busy) ? { kind: 'customer-busy' } : undefined
    },
  },
  {
    // Judged at the time of sending, not the trigger's: a request triggered just before quiet hours waits out none of them.
    name: 'quiet-hours',
    atSend: true,
    check: async ({ request, deps, settings }) => {
      const quiet = settings.quietHours && quietWindowAt(settings.quietHours, request.customer.channel, deps.clock.now())
      return quiet ? { kind: 'quiet-hours', window: quiet.text } : undefined
    },
  },
  // Last: every check passed. A dry run reserves nothing, so a later live trigger messages the same customers.
  {
    name: 'dry-run',
    atSend: true,
    check: async (pass) => ((await pass.mode()) === 'dry-run' && pass.body ? { kind: 'dry-run', body: maskedAgentlessBody(pass.body) } : undefined),
  },
]

/** The checks run again after the pacer's wait, in the same order. */
export const AT_SEND_CHECKS: readonly SendCheck[] = SEND_CHECKS.filter((check) => check.atSend)

/** Runs `checks` in order; the first decision ends the pass. */
export async function runChecks(checks: readonly SendCheck[], pass: CheckPass): Promise<SendDecision | undefined> {
  for (const { check } of checks) {
    const decision = await check(pass)
    if (decision) return decision
  }
  return undefined
}

/** A pass over one request: the sending mode is read at most once. */
export function checkPass(request: MessageRequest, deps: SendDeps, settings: SendSettings, body?: AgentlessRequest): CheckPass {
  let mode: Promise<SendingMode> | undefined
  return { request, deps, settings, mode: () => (mode ??= deps.mode?.current() ?? Promise.resolve('live')), ...(body ? { body } : {}) }
}

async function preflight(pass: CheckPass): Promise<SendDecision | undefined> {
  const { request, settings } = pass
  const channel = settings.channels[request.customer.channel]
  try {
    const render = (template: string) => renderTemplate(template, { brand: settings.brand, channel: request.customer.channel })
    pass.body = buildAgentlessRequest(request.customer, renderParameters(channel, render), render(channel.text))
    return undefined
  } catch (error) {
    if (error instanceof InvalidPayloadError) {
      return { kind: 'invalid', reason: 'invalid-payload', detail: error.problems.map((p) => `${p.field} ${p.problem}`).join('; ') }
    }
    throw error
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
