import { describe, expect, it } from 'vitest'
import { eligibilityScopeProblem, EVERY_SESSION, filterEligible, isEligible } from '#lib/presence/eligibility.ts'
import { parseGenesysEvent } from '#lib/domain/events.ts'
import { applyConversationEvent } from '#lib/domain/session.ts'
import type { Session } from '#lib/domain/model.ts'
import { conversationEvent, uuidFrom } from '../../local/genesys-events.ts'

const T = Date.parse('2026-03-02T08:00:00Z')
const RESOLVED = uuidFrom('wrapup', 'resolved')
const OTHER_CODE = uuidFrom('wrapup', 'other')
const served: Pick<Session, 'agents' | 'wrapupCodes'> = { agents: { a: { connected: false, changedAt: 1, connectedAt: 1 } } }
const unserved: Pick<Session, 'agents' | 'wrapupCodes'> = { agents: {} }

describe('eligibility (ELIGIBLE_SESSIONS, EXCLUDE_WRAPUP_CODES)', () => {
  it('all keeps served and unserved; unserved keeps only conversations no agent connected to', () => {
    expect(isEligible(served, { sessions: 'all', excludeWrapupCodes: [] })).toBe(true)
    expect(isEligible(unserved, { sessions: 'all', excludeWrapupCodes: [] })).toBe(true)
    expect(isEligible(served, { sessions: 'unserved', excludeWrapupCodes: [] })).toBe(false)
    expect(isEligible(unserved, { sessions: 'unserved', excludeWrapupCodes: [] })).toBe(true)
  })

  it('a conversation carrying an excluded wrap-up code is not eligible; another code is', () => {
    const rule = { sessions: 'all', excludeWrapupCodes: [RESOLVED] } as const
    expect(isEligible({ ...served, wrapupCodes: [RESOLVED] }, rule)).toBe(false)
    expect(isEligible({ ...served, wrapupCodes: [OTHER_CODE, RESOLVED] }, rule)).toBe(false)
    expect(isEligible({ ...served, wrapupCodes: [OTHER_CODE] }, rule)).toBe(true)
    expect(isEligible(served, rule)).toBe(true)
  })

  it('filterEligible counts what it removes and keeps candidates in order', () => {
    const sessions = new Map<string, Pick<Session, 'agents' | 'wrapupCodes'>>([
      ['c1', served],
      ['c2', unserved],
      ['c3', { ...unserved, wrapupCodes: [RESOLVED] }],
    ])
    const candidates = [{ conversationId: 'c1' }, { conversationId: 'c2' }, { conversationId: 'c3' }]
    expect(filterEligible(candidates, (id) => sessions.get(id), { sessions: 'unserved', excludeWrapupCodes: [RESOLVED] })).toEqual({ kept: [{ conversationId: 'c2' }], ineligible: 2 })
    expect(filterEligible(candidates, (id) => sessions.get(id), { sessions: 'all', excludeWrapupCodes: [] })).toEqual({ kept: candidates, ineligible: 0 })
  })

  it('filterEligible applies each setting alone: unserved without codes, codes with all, and the default keeps everyone', () => {
    const sessions = new Map<string, Pick<Session, 'agents' | 'wrapupCodes'>>([
      ['served', served],
      ['unserved', unserved],
      ['served-resolved', { ...served, wrapupCodes: [RESOLVED] }],
      ['unserved-other', { ...unserved, wrapupCodes: [OTHER_CODE] }],
    ])
    const candidates = [...sessions.keys()].map((conversationId) => ({ conversationId }))
    const keptBy = (rule: Parameters<typeof filterEligible>[2]) => {
      const { kept, ineligible } = filterEligible(candidates, (id) => sessions.get(id), rule)
      return { kept: kept.map((candidate) => candidate.conversationId), ineligible }
    }
    expect(keptBy({ sessions: 'unserved', excludeWrapupCodes: [] })).toEqual({ kept: ['unserved', 'unserved-other'], ineligible: 2 })
    expect(keptBy({ sessions: 'all', excludeWrapupCodes: [RESOLVED] })).toEqual({ kept: ['served', 'unserved', 'unserved-other'], ineligible: 1 })
    expect(keptBy(EVERY_SESSION)).toEqual({ kept: ['served', 'unserved', 'served-resolved', 'unserved-other'], ineligible: 0 })
  })

  it('a candidate whose session is unknown is kept, whatever the rule (never dropped for want of facts)', () => {
    const candidates = [{ conversationId: 'unknown' }, { conversationId: 'c1' }]
    const rule = { sessions: 'unserved', excludeWrapupCodes: [RESOLVED] } as const
    expect(filterEligible(candidates, (id) => (id === 'c1' ? served : undefined), rule)).toEqual({ kept: [{ conversationId: 'unknown' }], ineligible: 1 })
  })

  it('unserved outside queue scope is a problem naming both settings', () => {
    expect(eligibilityScopeProblem('unserved', 'agent')).toMatch(/ELIGIBLE_SESSIONS=unserved.*TARGET_SCOPE=queue.*TARGET_SCOPE=agent/)
    expect(eligibilityScopeProblem('unserved', 'queue')).toBeUndefined()
    expect(eligibilityScopeProblem('all', 'agent')).toBeUndefined()
  })
})

describe('the session recorder keeps the wrap-up codes of acw events', () => {
  const conversationId = uuidFrom('conversation', 'wrapup')
  const agent = uuidFrom('agent', 'wrapup')
  const acw = (code: string, at: number) =>
    parseGenesysEvent(conversationEvent('acw', { conversationId, messageType: 'SMS', at, queueId: uuidFrom('queue'), userId: agent, extra: { wrapupCode: code } }))
  const fold = (codes: readonly string[]): Session | undefined => {
    let session: Session | undefined
    codes.forEach((code, i) => {
      const event = acw(code, T + i)
      if (event.kind !== 'conversation') throw new Error('not a conversation event')
      const decision = applyConversationEvent(session, event, { windowMs: 86_400_000 })
      if (decision.kind === 'write') session = decision.session
    })
    return session
  }

  it('sorted and unique, whatever the order and duplicates', () => {
    expect(fold([RESOLVED, OTHER_CODE, RESOLVED])?.wrapupCodes).toEqual([OTHER_CODE, RESOLVED].sort())
    expect(fold([OTHER_CODE, RESOLVED])?.wrapupCodes).toEqual(fold([RESOLVED, OTHER_CODE])?.wrapupCodes)
  })

  it('the parser sets wrapupCode on acw events only', () => {
    const event = acw(RESOLVED, T)
    expect(event.kind === 'conversation' && event.wrapupCode).toBe(RESOLVED)
    const start = parseGenesysEvent(conversationEvent('user.start', { conversationId, messageType: 'SMS', at: T, userId: agent, extra: { wrapupCode: RESOLVED } }))
    expect(start.kind === 'conversation' && start.wrapupCode).toBeUndefined()
  })
})
