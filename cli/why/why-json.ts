/**
 * `proactive why --json`: the same records as the text (explain-why.ts) as one object. Addresses are never in it;
 * conversation and Genesys ids are shortened unless personal data is shown, as in the text.
 */
import type { Session } from '#lib/domain/model.ts'
import { type WhyView, whySentence } from './explain-why.ts'

const iso = (ms: number | undefined): string | undefined => (ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString())

export function whyJson(view: WhyView, showPersonal: boolean) {
  const id = (value: string | undefined) => (value === undefined || showPersonal ? value : `${value.slice(0, 8)}…`)
  const session = (s: Session) => ({ conversationId: id(s.conversationId), channel: s.channel, queueId: s.queueId, lastActiveAt: iso(s.lastActiveAt), customerEndedAt: iso(s.customerEndedAt) })
  return {
    why: whySentence(view),
    sessions: view.sessions.map(session),
    ...(view.otherConversations ? { otherConversations: view.otherConversations.map(session) } : {}),
    cap: view.cap ? { reservedAt: iso(view.cap.reservedAt), expiresAt: iso(view.cap.expiresAt * 1000) } : null,
    optedOut: view.optedOut ?? null,
    ledger: view.ledger
      ? {
          status: view.ledger.status,
          reason: view.ledger.reason,
          ...(view.ledger.genesys ? { genesys: { conversationId: id(view.ledger.genesys.conversationId), messageId: id(view.ledger.genesys.messageId) } } : {}),
        }
      : null,
    outcome: view.outcome ?? null,
    mode: view.mode ?? null,
  }
}
