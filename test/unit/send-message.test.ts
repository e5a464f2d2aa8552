/**
 * send's use case at its time edges, with recording fakes of the ports: a request exactly `maxDelayMs` old is
 * still sent (one millisecond more and it expires), and an attempt exactly `attemptTimeoutMs` old is taken as
 * dead (one millisecond less and it is still in progress). The mutation audit (issue 16) found both edges
 * untested. The integration tests (delivery-guarantees) run the same use case against the local cloud.
 */
import { describe, expect, it } from 'vitest'
import type { MessageRequest } from '../../lib/domain/model.ts'
import type { AgentlessRequest } from '../../lib/domain/payload.ts'
import type { DeliveryState } from '../../lib/domain/ports.ts'
import { sendMessage, type SendDeps, type SendSettings } from '../../lib/usecases/send-message.ts'

const REQUESTED_AT = 1_000_000
const MAX_DELAY_MS = 15 * 60_000
const ATTEMPT_TIMEOUT_MS = 60_000
const STARTED_AT = 5_000_000

const request: MessageRequest = {
  dedupeKey: 'trigger-1:conversation-1',
  conversationId: 'conversation-1',
  customer: { channel: 'sms', address: '+13175550123' },
  agentId: 'agent-1',
  scope: 'agent',
  requestedAt: REQUESTED_AT,
  triggerEventId: 'trigger-1',
}

const settings: SendSettings = {
  maxDelayMs: MAX_DELAY_MS,
  attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
  capMs: 24 * 3_600_000,
  brand: 'Acme',
  channels: {
    sms: { fromAddress: '+13175550100', text: 'Hi from {{brand}}' },
    webmessaging: { fromAddress: 'deployment', text: 'x' },
    whatsapp: { fromAddress: 'integration', text: 'x', templateResponseId: 'template' },
    open: { fromAddress: 'integration', text: 'x' },
  },
}

function ports(options: { now: number; wallNow?: number; claim?: 'started' | DeliveryState }) {
  const calls: string[] = []
  const sent: AgentlessRequest[] = []
  const deps: SendDeps = {
    clock: { now: () => options.now },
    wallClock: { now: () => options.wallNow ?? STARTED_AT },
    genesys: {
      sendAgentless: async (body) => {
        calls.push('genesys.sendAgentless')
        sent.push(body)
        return { ok: true, status: 202, messageId: 'm-1' }
      },
    },
    pacer: { acquire: async () => void calls.push('pacer.acquire'), pause: () => void calls.push('pacer.pause') },
    outreach: { tryReserve: async () => (calls.push('outreach.tryReserve'), true) },
    ledger: {
      begin: async () => (calls.push('ledger.begin'), options.claim ?? 'started'),
      finish: async (_key, outcome, _now, reason) => void calls.push(`ledger.finish ${outcome}${reason ? ` ${reason}` : ''}`),
      markNotified: async () => void calls.push('ledger.markNotified'),
    },
  }
  return { deps, calls, sent }
}

describe('sendMessage: request expiry at exactly maxDelayMs', () => {
  it('sends a request exactly maxDelayMs old', async () => {
    const { deps, calls, sent } = ports({ now: REQUESTED_AT + MAX_DELAY_MS })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'sent', status: 202, messageId: 'm-1', genesysConversationId: undefined })
    expect(calls).toEqual(['outreach.tryReserve', 'ledger.begin', 'pacer.acquire', 'genesys.sendAgentless', 'ledger.finish sent'])
    expect(sent[0]).toMatchObject({ toAddress: '+13175550123', textBody: 'Hi from Acme' })
  })

  it('expires a request one millisecond older, before reserving the customer or claiming it', async () => {
    const { deps, calls } = ports({ now: REQUESTED_AT + MAX_DELAY_MS + 1 })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'expired', ageMs: MAX_DELAY_MS + 1 })
    expect(calls).toEqual([])
  })
})

describe('sendMessage: an unfinished earlier attempt at exactly attemptTimeoutMs', () => {
  const inFlight: DeliveryState = { state: 'in-flight', startedAt: STARTED_AT }

  it('retries later while the attempt is one millisecond short of the timeout (it may still finish)', async () => {
    const { deps, calls } = ports({ now: REQUESTED_AT, wallNow: STARTED_AT + ATTEMPT_TIMEOUT_MS - 1, claim: inFlight })
    expect(await sendMessage(request, deps, settings)).toEqual({ kind: 'retry', reason: 'attempt-in-progress' })
    expect(calls).toEqual(['outreach.tryReserve', 'ledger.begin'])
  })

  it('takes an attempt exactly attemptTimeoutMs old as dead: outcome unknown, dead-lettered in the ledger, never resent', async () => {
    const { deps, calls } = ports({ now: REQUESTED_AT, wallNow: STARTED_AT + ATTEMPT_TIMEOUT_MS, claim: inFlight })
    expect(await sendMessage(request, deps, settings)).toEqual({
      kind: 'outcome-unknown',
      detail: 'an earlier attempt started and never finished: Genesys may have accepted it',
    })
    expect(calls).toEqual(['outreach.tryReserve', 'ledger.begin', 'ledger.finish dead-lettered outcome-unknown'])
  })
})
