import { describe, expect, it } from 'vitest'
import { formatWhy, isEmpty, whySentence } from '../../cli/why/explain-why.ts'

const session = {
  conversationId: 'abcdef12-0000-4000-8000-000000000001',
  channel: 'sms' as const,
  customer: { channel: 'sms' as const, address: '+15553330001' },
  agents: {},
  lastActiveAt: 0,
  expiresAt: 0,
}

describe('why wording', () => {
  it.each([
    ['sent', 'A message was sent'],
    ['capped', 'within the last 24 hours'],
    ['paused', 'paused'],
    ['dry-run', 'dry-run'],
    ['quiet-hours', 'quiet hours'],
    ['opted-out', 'opted out'],
    ['expired', 'expired'],
    ['deferred', 'deferred'],
    ['customer-busy', 'active conversation'],
    ['unknown-session', 'unknown-session'],
  ])('outcome %s has its own sentence', (outcome, words) => {
    expect(whySentence({ sessions: [session], outcome: { outcome: outcome as 'sent' } })).toContain(words)
  })

  it('dead-lettered names the reason and points at dlq inspect; the ledger stands in when no outcome was seen', () => {
    expect(whySentence({ sessions: [], ledger: { status: 'dead-lettered', reason: 'genesys-rejected' } })).toBe(
      'No message: the request was dead-lettered (genesys-rejected); see proactive dlq inspect.',
    )
    expect(whySentence({ sessions: [], ledger: { status: 'in-flight' } })).toContain('Not decided yet')
  })

  it('masks addresses and conversation ids unless asked', () => {
    const masked = formatWhy({ sessions: [session] }, false).join('\n')
    expect(masked).toContain('abcdef12… sms …0001')
    expect(masked).not.toContain('+15553330001')
    expect(formatWhy({ sessions: [session] }, true).join('\n')).toContain(`${session.conversationId} sms +15553330001`)
  })

  it('empty only when nothing at all is recorded', () => {
    expect(isEmpty({ sessions: [] })).toBe(true)
    expect(isEmpty({ sessions: [], cap: { reservedAt: 1, expiresAt: 2, dedupeKey: 'k' } })).toBe(false)
  })
})
