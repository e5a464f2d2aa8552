/**
 * A send whose answer was lost (a timeout, a dropped connection, a worker that died after Genesys accepted) is a
 * question for Genesys: Genesys has no idempotency key for agentless sends, so the message is looked up by its
 * recipient and time (the analytics conversation-details query), at the times of the look-up schedule. This module
 * is the policy, pure: the job that travels on the track queue, when each look-up is due, and what follows a
 * look-up: sent (found), look again, send again (RESEND_IF_NOT_FOUND) or a dead letter with the evidence.
 */
import { z } from 'zod'
import { normaliseCustomer } from './address.ts'
import type { CustomerAddress } from './model.ts'

/** Who the agentless message went to, as the analytics session shows it (`addressTo`, or the external contact). */
export type LookupRecipient = { readonly addressTo: string } | { readonly externalContactId: string }

/** The recipient of the agentless request send built for this customer (the same normalisation, payload.ts). */
export function lookupRecipientOf(customer: CustomerAddress): LookupRecipient | undefined {
  const normalised = normaliseCustomer(customer)
  if (normalised.channel === 'webmessaging') return normalised.externalContactId ? { externalContactId: normalised.externalContactId } : undefined
  if (normalised.address) return { addressTo: normalised.address }
  return normalised.externalContactId ? { externalContactId: normalised.externalContactId } : undefined
}

const id = z.string().min(1).max(256)

/** A look-up job on the track queue: everything the track function needs, the request's own queue body included. */
export const lookupJobSchema = z
  .object({
    kind: z.literal('lookup'),
    dedupeKey: id,
    conversationId: id,
    channel: z.string().min(1).max(32),
    agentId: id,
    requestedAt: z.number().int().nonnegative(),
    recipient: z.union([z.object({ addressTo: z.string().min(1).max(512) }).strict(), z.object({ externalContactId: z.string().min(1).max(256) }).strict()]),
    /** Wall-clock epoch ms the attempt whose answer was lost started: the look-up interval begins there. */
    attemptStartedAt: z.number().int().nonnegative(),
    /** Look-ups done so far. */
    done: z.number().int().nonnegative(),
    /** Why each failed look-up failed (429, 5xx, 403, malformed answer), in order. */
    failures: z.array(z.string().max(300)).max(20),
    /** The send queue body of the request: dead-lettered or sent again as it came. */
    sendBody: z.string().min(1).max(250_000),
    /** The queue message whose attempt lost the answer: the dead letter's sourceMessageId, so a redrive is recognised. */
    sourceMessageId: id,
    /** Wall-clock epoch ms the next look-up is due. */
    dueAt: z.number().int().nonnegative(),
  })
  .strict()

export type LookupJob = z.infer<typeof lookupJobSchema>

/** What one look-up gave. */
export type LookupAnswer = { readonly kind: 'found'; readonly conversationId: string } | { readonly kind: 'not-found' } | { readonly kind: 'failed'; readonly reason: string }

export interface LookupPolicy {
  /** When each look-up is due, ms after the attempt's start, ascending (UNKNOWN_OUTCOME_LOOKUPS). */
  readonly scheduleMs: readonly number[]
  /** RESEND_IF_NOT_FOUND: after the last look-up found nothing (and none failed), send it again. */
  readonly resendIfNotFound: boolean
  /** MAX_DELAY_MINUTES, in ms: a request older than this is not sent again ("an agent is available" is stale). */
  readonly maxDelayMs: number
}

export type LookupStep =
  | { readonly kind: 'sent'; readonly conversationId: string }
  | { readonly kind: 'look-again'; readonly job: LookupJob }
  | { readonly kind: 'resend'; readonly evidence: string }
  | { readonly kind: 'dead-letter'; readonly evidence: string }

const minutes = (ms: number): string => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 6_000) / 10} min`)

/** What follows a look-up. `now` and `requestAge` on the pipeline's clock are the caller's. */
export function nextLookupStep(job: LookupJob, answer: LookupAnswer, policy: LookupPolicy, context: { readonly now: number; readonly requestAgeMs: number; readonly resendable: boolean }): LookupStep {
  if (answer.kind === 'found') return { kind: 'sent', conversationId: answer.conversationId }
  const done = job.done + 1
  const failures = answer.kind === 'failed' ? [...job.failures, answer.reason].slice(-20) : job.failures
  const next = policy.scheduleMs[done]
  if (next !== undefined) return { kind: 'look-again', job: { ...job, done, failures, dueAt: Math.max(context.now, job.attemptStartedAt + next) } }
  const span = minutes(policy.scheduleMs.at(-1) ?? 0)
  if (failures.length > 0) {
    const notFound = done - failures.length
    return {
      kind: 'dead-letter',
      evidence: `outcome unknown: ${done} look-up${done === 1 ? '' : 's'} over ${span}, ${notFound} not found, ${failures.length} failed (${failures.at(-1)}); not resent`,
    }
  }
  const evidence = `not found in Genesys after ${done} look-up${done === 1 ? '' : 's'} over ${span}`
  if (!policy.resendIfNotFound) return { kind: 'dead-letter', evidence }
  if (!context.resendable)
    return { kind: 'dead-letter', evidence: `${evidence}; not resent: a Web Messaging send joins the active conversation (useExistingActiveConversation), so a second copy could land in it` }
  if (context.requestAgeMs > policy.maxDelayMs) return { kind: 'dead-letter', evidence: `${evidence}; not resent: older than ${Math.round(policy.maxDelayMs / 60_000)} minutes` }
  return { kind: 'resend', evidence }
}

/** `30s,2m,10m` → ms; `off` or empty → none. Throws naming the bad item. */
export function parseDurations(text: string): number[] {
  const trimmed = text.trim().toLowerCase()
  if (trimmed === '' || trimmed === 'off') return []
  return trimmed.split(',').map((item) => {
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(item.trim())
    if (!match) throw new Error(`"${item.trim()}" is not a duration: use a number with ms, s, m or h, e.g. 30s`)
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h']
    return Math.round(Number(match[1]) * unit)
  })
}
