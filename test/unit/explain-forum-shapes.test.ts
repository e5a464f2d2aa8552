/**
 * The forum thread this project was born from: each shape people sent from a backend, and
 * the error they got, answered right by `proactive explain-payload` and `proactive explain-error`.
 */
import { describe, expect, it } from 'vitest'
import { checkAgentlessRequest } from '#lib/domain/payload.ts'
import type { CommandIo } from '../../cli/command-io.ts'
import { main as explainErrorMain } from '../../cli/commands/explain-error.ts'
import { main as explainPayloadMain } from '../../cli/commands/explain-payload.ts'
import { explainError } from '../../cli/commands/explain/error-explanation.ts'
import { EXTERNAL_CONTACT_PLACEHOLDER } from '../../cli/commands/explain/forum-shapes.ts'
import { explainPayload } from '../../cli/commands/explain/payload-explanation.ts'
import { correctAgentlessRequest } from '../../cli/commands/explain/payload-inference.ts'

const DEPLOYMENT = '5e1f0c57-8f7a-4c0b-9d68-2f6b7c1a9e10'
const GUEST_SESSION = '9b1c3e77-2f4a-4d0e-8a11-3c5d7e9f1b2c'
const AGENT = '7a2b4c6d-8e0f-4a1b-9c3d-5e7f9a1b3c5d'

/** The body from the thread, with its placeholders filled by realistic ids. */
const THREAD_BODY = {
  type: 'proactive',
  channelId: DEPLOYMENT,
  to: { type: 'web', id: GUEST_SESSION },
  from: { type: 'agent', id: AGENT },
  body: { contentType: 'text/plain', content: 'Hello' },
}
const THREAD_ERROR = { errorCode: 'invalid.request', message: "Invalid message payload. Type must be 'message' or 'event'." }
const GO_STYLE = { To: [{ Address: GUEST_SESSION, Type: 'webchat' }], Content: { Type: 'text', Text: 'Hello' } }
const NODE_CALL = { url: 'https://api.mypurecloud.com/api/v2/conversations/messaging/external-messages', data: { to: GUEST_SESSION, from: { type: 'agent', id: AGENT }, text: 'Hello' } }

function captureIo(stdin = ''): CommandIo & { lines: string[] } {
  const lines: string[] = []
  return { lines, out: (line) => lines.push(line), err: (line) => lines.push(line), stdin: async () => stdin, env: {} }
}

describe('explain-payload on the thread body', () => {
  const explanation = explainPayload(THREAD_BODY)

  it('infers Web Messaging and puts the channelId, not the agent, in fromAddress', () => {
    expect(explanation.channel).toBe('webmessaging')
    expect(explanation.correction.body.fromAddress).toBe(DEPLOYMENT)
    expect(JSON.stringify(explanation.correction.body)).not.toContain(AGENT)
    expect(explanation.correction.changes).toContain('channelId → fromAddress')
    expect(explanation.correction.changes.find((change) => change.startsWith('dropped from'))).toMatch(/never the sender.*deployment id/)
  })

  it('never proposes the guest session id as toAddress or externalContactId, and marks the placeholder', () => {
    const { body, placeholders, passes } = explanation.correction
    expect(JSON.stringify(body)).not.toContain(GUEST_SESSION)
    expect(body).not.toHaveProperty('toAddress')
    expect(body.externalContactId).toBe(EXTERNAL_CONTACT_PLACEHOLDER)
    expect(placeholders).toEqual(['externalContactId'])
    expect(body).toEqual({ fromAddress: DEPLOYMENT, externalContactId: EXTERNAL_CONTACT_PLACEHOLDER, toAddressMessengerType: 'webmessaging', textBody: 'Hello' })
    expect(checkAgentlessRequest(body)).toEqual([])
    expect(passes).toBe(true)
    expect(explanation.correction.changes.join('\n')).toMatch(/customer participant.*customer\.start/)
  })

  it('says why the original could never work from a backend', () => {
    const diagnosis = explanation.diagnosis.join('\n')
    expect(diagnosis).toMatch(/not the request of any Genesys Cloud Platform API endpoint/)
    expect(diagnosis).toMatch(/guest session.*not an external contact id/)
    expect(diagnosis).toMatch(/sends as an agent/)
    expect(diagnosis).toMatch(/UNVERIFIED/)
  })

  it('prints the corrected body with the placeholder called out', async () => {
    const io = captureIo(JSON.stringify(THREAD_BODY))
    expect(await explainPayloadMain(['-'], io)).toBe(1)
    const text = io.lines.join('\n')
    expect(text).toMatch(/Why this cannot work from a backend:/)
    expect(text).toMatch(/Corrected body \(valid once you replace the <FILL IN: …> placeholder in externalContactId/)
    expect(text).toContain(`"fromAddress": "${DEPLOYMENT}"`)
  })

  it('keeps an external contact id named as such, and a channel-name channelId out of fromAddress', () => {
    const body = { channelId: 'WebMessaging', to: { type: 'externalContact', id: GUEST_SESSION }, from: { type: 'deployment', id: DEPLOYMENT }, text: 'Hi' }
    const { correction } = explainPayload(body)
    expect(correction.body).toEqual({ fromAddress: DEPLOYMENT, externalContactId: GUEST_SESSION, toAddressMessengerType: 'webmessaging', textBody: 'Hi' })
    expect(correction.placeholders).toEqual([])
  })

  it('reads to.type web, webchat and webmessaging as Web Messaging', () => {
    for (const type of ['web', 'webchat', 'webmessaging', 'WebMessaging']) {
      const correction = correctAgentlessRequest({ to: { type, id: GUEST_SESSION }, deploymentId: DEPLOYMENT, text: 'Hi' })
      expect(correction.body.toAddressMessengerType).toBe('webmessaging')
      expect(correction.body.externalContactId).toBe(EXTERNAL_CONTACT_PLACEHOLDER)
    }
  })

  it('never proposes a user id as fromAddress, whatever the channel', () => {
    const correction = correctAgentlessRequest({ from: { type: 'user', id: AGENT }, to: { id: '+13175555555' }, channel: 'sms', text: 'Hi' })
    expect(correction.body).not.toHaveProperty('fromAddress')
    expect(correction.remaining.map((problem) => problem.field)).toEqual(['fromAddress'])
  })
})

describe("the thread's other shapes", () => {
  it('Go-style To[].Type webchat: Web Messaging, the address dropped, the text kept', () => {
    const explanation = explainPayload(GO_STYLE)
    expect(explanation.channel).toBe('webmessaging')
    expect(explanation.correction.body).toMatchObject({ externalContactId: EXTERNAL_CONTACT_PLACEHOLDER, toAddressMessengerType: 'webmessaging', textBody: 'Hello' })
    expect(JSON.stringify(explanation.correction.body)).not.toContain(GUEST_SESSION)
    expect(explanation.fields.find((report) => report.field === 'To')?.says).toMatch(/never a guest session/)
    expect(explanation.correction.remaining.map((problem) => problem.field)).toEqual(['fromAddress'])
    expect(explanation.diagnosis.join(' ')).toMatch(/guest session/)
  })

  it('a Node call to /api/v2/conversations/messaging/external-messages: the endpoint does not exist', async () => {
    const explanation = explainPayload(NODE_CALL)
    expect(explanation.valid).toBe(false)
    expect(explanation.diagnosis[0]).toMatch(/external-messages does not exist.*POST \/api\/v2\/conversations\/messages\/agentless/)
    expect(explanation.correction.body).toMatchObject({ textBody: 'Hello' })
    expect(explanation.correction.body).not.toHaveProperty('fromAddress')
    const io = captureIo(JSON.stringify(NODE_CALL.data))
    expect(await explainPayloadMain(['--path', '/api/v2/conversations/messaging/external-messages', '-'], io)).toBe(1)
    expect(io.lines.join('\n')).toMatch(/external-messages does not exist/)
  })

  it('a valid body sent to the agentless path passes, and --path without a value is a usage error', async () => {
    const body = { fromAddress: DEPLOYMENT, externalContactId: 'c-1', toAddressMessengerType: 'webmessaging', textBody: 'Hi' }
    expect(explainPayload({ url: 'https://api.mypurecloud.ie/api/v2/conversations/messages/agentless', data: body }).valid).toBe(true)
    expect(await explainPayloadMain(['--path'], captureIo())).toBe(2)
  })
})

describe("explain-error on the thread's error", () => {
  it('gives a diagnosis and the next steps instead of "no specific explanation"', () => {
    const explanation = explainError(THREAD_ERROR)
    expect(explanation.kind).toBe('api')
    expect(explanation.code).toBe('invalid.request')
    const text = [...explanation.meaning, ...explanation.checks].join('\n')
    expect(text).not.toMatch(/No specific explanation/)
    expect(explanation.meaning[0]).toMatch(/not from the agentless endpoint.*UNVERIFIED/)
    expect(explanation.checks[0]).toMatch(/explain-payload/)
    expect(explanation.checks.join('\n')).toMatch(/POST \/api\/v2\/conversations\/messages\/agentless/)
    expect(explanation.details.join('\n')).toMatch(/errorCode.*UNVERIFIED/)
    expect(explanation.retryable).toBe(false)
  })

  it('names the invented endpoint when the failed call went there', async () => {
    const axiosError = {
      message: 'Request failed with status code 404',
      config: { url: NODE_CALL.url },
      response: { status: 404, headers: {}, data: { message: 'Not found', code: 'not.found', status: 404 } },
    }
    expect(explainError(axiosError).meaning[0]).toMatch(/external-messages does not exist/)
    const io = captureIo(JSON.stringify(THREAD_ERROR))
    expect(await explainErrorMain(['--path', '/api/v2/conversations/messaging/external-messages', '-'], io)).toBe(0)
    expect(io.lines.join('\n')).toMatch(/external-messages does not exist/)
  })
})

describe('explain-error fidelity', () => {
  it('recognises too.many.requests.retry.after as the rate limit', () => {
    const explanation = explainError({ message: 'Rate limit exceeded the maximum. Retry the request in [4] seconds', code: 'too.many.requests.retry.after' })
    expect(explanation).toMatchObject({ title: 'Rate limit exceeded', retryable: true, retryAfterSeconds: 4 })
  })

  it("says a 413 counts the request's bytes, not the text's characters", () => {
    const explanation = explainError({ message: 'The request is over the size limit. Maximum bytes: 512000', status: 413 })
    expect(explanation.title).toMatch(/bytes/)
    expect(explanation.meaning[0]).toMatch(/counts the bytes of the whole request body/)
    expect(explanation.meaning[1]).toMatch(/different check, answered with 400/)
  })

  it('marks invalid_scope as UNVERIFIED', () => {
    expect(explainError({ error: 'invalid_scope', description: 'x' }).meaning[0]).toMatch(/^UNVERIFIED/)
  })
})
