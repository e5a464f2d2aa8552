/**
 * The wording of `proactive why`: the records read (read-records.ts) and the outcome reported, as lines an
 * operator reads, with personal data (addresses, contact ids) masked unless asked otherwise.
 */
import { maskAddress } from '#lib/domain/masked-body.ts'
import type { OutcomeDetail } from '#lib/domain/requests.ts'
import type { Session } from '#lib/domain/model.ts'
import type { GenesysMessageIds } from '#lib/domain/ports.ts'
import type { WhyRecords } from './read-records.ts'

export interface WhyView extends WhyRecords {
  /** The outcome reported on the app bus, when the caller saw it (the local cloud keeps them; the stack does not). */
  readonly outcome?: Pick<OutcomeDetail, 'outcome' | 'reason'>
  /** The sending mode in force now (presence counts paused customers without a per-request event). */
  readonly mode?: string
}

const iso = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) ? '-' : new Date(ms).toISOString())

const SENTENCES: Record<string, string> = {
  sent: 'A message was sent: Genesys accepted it.',
  capped: 'No message: the customer was messaged within the last 24 hours (the cap).',
  paused: 'No message: the sending mode was paused.',
  'dry-run': 'No message: the sending mode was dry-run (the body was built and checked, nothing was posted, no cap was used).',
  'quiet-hours': "No message: the trigger fell in the channel's quiet hours.",
  'opted-out': 'No message: the customer is on the opt-out list (opted out).',
  expired: 'No message: the request expired before it could be sent.',
  'dead-lettered': 'No message: the request was dead-lettered',
  deferred: 'No message yet: the trigger had more customers than the agent could take; this one was deferred.',
  'customer-busy': 'No message: the customer was already in an active conversation.',
  'unknown-session': 'No message: send found no recorded session for the request (dead-lettered as unknown-session).',
}

/** One plain sentence: why a message was or was not sent. */
export function whySentence(view: WhyView): string {
  const messagedFor = messagedForAnotherConversation(view)
  if (messagedFor !== undefined && view.cap)
    return `The customer was messaged at ${iso(view.cap.reservedAt)} for another of their conversations (${messagedFor.slice(0, 8)}…): the 24-hour cap (until ${iso(view.cap.expiresAt * 1000)}) keeps any later trigger, this conversation's included, from messaging them again (counted as capped).`
  const outcome = view.outcome?.outcome ?? view.ledger?.status
  if (outcome !== undefined) {
    const sentence = SENTENCES[outcome]
    if (outcome === 'dead-lettered') return `${sentence}${(view.outcome?.reason ?? view.ledger?.reason) ? ` (${view.outcome?.reason ?? view.ledger?.reason})` : ''}; see proactive dlq inspect.`
    if (sentence) return sentence
    if (outcome === 'in-flight' || outcome === 'retryable') return 'Not decided yet: send is working on the request (it will be retried).'
    return `The outcome was ${outcome}.`
  }
  if (view.optedOut) return SENTENCES['opted-out'] as string
  if (view.sessions.length > 0 && view.mode === 'paused') return 'No message was requested: the sending mode is paused (presence tracks availability and requests nothing).'
  // Presence writes nothing for a customer it leaves out (busy, deferred, ineligible, outside the pilot): counted only.
  if ([...view.sessions, ...(view.otherConversations ?? [])].some((session) => session.customerEndedAt === undefined))
    return 'No message was requested: a conversation of this customer has not ended (no customer.end recorded), and presence leaves a busy customer out (customer-busy; counted only, see proactive status).'
  if (view.sessions.length > 0)
    return 'No message was requested: no trigger from one of its agents targeted this session, or presence left the customer out (outside the pilot, ineligible, deferred by the per-trigger limit; counted only, see proactive status).'
  return 'Nothing is recorded.'
}

/**
 * Asked by conversation, the cap reservation may be another conversation's (its dedupe key ends with the
 * conversation id): the ledger then tells that conversation's story, not this one's.
 */
function messagedForAnotherConversation(view: WhyView): string | undefined {
  if (view.outcome !== undefined || view.cap === undefined || view.otherConversations === undefined || view.sessions.length !== 1) return undefined
  const conversationId = view.cap.dedupeKey.slice(view.cap.dedupeKey.lastIndexOf(':') + 1)
  const asked = view.sessions[0]?.conversationId
  return conversationId !== asked && view.otherConversations.some((session) => session.conversationId === conversationId) ? conversationId : undefined
}

function sessionLine(session: Session, showPersonal: boolean): string {
  const customer = session.customer
  const who = customer?.address ?? customer?.externalContactId
  const address = who === undefined ? '-' : showPersonal ? who : maskAddress(who)
  const conversation = showPersonal ? session.conversationId : `${session.conversationId.slice(0, 8)}…`
  const connected = Object.values(session.agents).some((link) => link.connected)
  return `  ${conversation} ${session.channel ?? '-'} ${address} window ${iso(session.lastActiveAt)}..${iso(session.customerEndedAt)} last agent ${session.lastAgentId ?? '-'} queue ${session.queueId ?? '-'} connected ${connected ? 'yes' : 'no'}`
}

export function formatWhy(view: WhyView, showPersonal: boolean): string[] {
  const lines = [`sessions: ${view.sessions.length}`, ...view.sessions.map((session) => sessionLine(session, showPersonal))]
  if (view.otherConversations) lines.push(`other conversations of this customer: ${view.otherConversations.length}`, ...view.otherConversations.map((session) => sessionLine(session, showPersonal)))
  lines.push(view.cap ? `cap reservation: since ${iso(view.cap.reservedAt)}, expires ${iso(view.cap.expiresAt * 1000)}` : 'cap reservation: none')
  lines.push(view.optedOut === undefined ? 'opt-out list: unknown (no customer address recorded)' : `opt-out list: ${view.optedOut ? 'on the list' : 'not on the list'}`)
  lines.push(`delivery ledger: ${view.ledger ? `${view.ledger.status}${view.ledger.reason ? ` (${view.ledger.reason})` : ''}` : 'none'}`)
  if (view.ledger?.genesys) lines.push(`genesys: ${genesysLine(view.ledger.genesys, showPersonal)}`)
  lines.push(`outcome: ${view.outcome ? `${view.outcome.outcome}${view.outcome.reason ? ` (${view.outcome.reason})` : ''}` : 'not known here'}`)
  if (view.mode !== undefined) lines.push(`mode now: ${view.mode}`)
  lines.push(`why: ${whySentence(view)}`)
  return lines
}

/** The Genesys ids of a sent message, shortened unless personal data is shown (an id leads to the conversation). */
function genesysLine(ids: GenesysMessageIds, showPersonal: boolean): string {
  const show = (id: string | undefined) => (id === undefined ? '-' : showPersonal ? id : `${id.slice(0, 8)}…`)
  return `conversation ${show(ids.conversationId)} message ${show(ids.messageId)}${ids.recoveredBy ? ` (found by ${ids.recoveredBy} after the send's answer was lost)` : ''}`
}

export const isEmpty = (view: WhyView): boolean => view.sessions.length === 0 && view.cap === undefined && view.outcome === undefined
