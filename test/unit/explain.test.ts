import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explainError, retryAfterSeconds } from '../../cli/commands/explain/error-explanation.ts'
import { explainPayload } from '../../cli/commands/explain/payload-explanation.ts'
import { channelFromHint, correctAgentlessRequest, stillNeeded } from '../../cli/commands/explain/payload-inference.ts'
import { checkAgentlessRequest } from '#lib/domain/payload.ts'
import type { CommandIo } from '../../cli/command-io.ts'
import { main as explainErrorMain } from '../../cli/commands/explain-error.ts'
import { main as explainPayloadMain } from '../../cli/commands/explain-payload.ts'

const DEPLOYMENT = '5e1f0c57-8f7a-4c0b-9d68-2f6b7c1a9e10'
const CONTACT = '0d5a2a3e-1c7b-4a52-9b7e-6f1e2d3c4b5a'

/** The shape that circulates in advice online for a proactive Web Messaging message. */
const FORUM_BODY = {
  type: 'proactive',
  channelId: 'WebMessaging',
  to: { type: 'externalContact', id: CONTACT },
  from: { type: 'deployment', id: DEPLOYMENT },
  body: { contentType: 'text/plain', content: 'An agent is available now.' },
}

const VALID_WEBMESSAGING = {
  fromAddress: DEPLOYMENT,
  externalContactId: CONTACT,
  toAddressMessengerType: 'webmessaging',
  textBody: 'An agent is available now.',
  useExistingActiveConversation: true,
}

describe('explainPayload', () => {
  it('reports the invented fields of the forum body field by field and derives a body that passes', () => {
    const explanation = explainPayload(FORUM_BODY)
    expect(explanation.valid).toBe(false)
    expect(explanation.channel).toBe('webmessaging')
    const verdicts = Object.fromEntries(explanation.fields.map((f) => [f.field, f.verdict]))
    expect(verdicts).toMatchObject({
      type: 'unknown',
      channelId: 'unknown',
      to: 'unknown',
      from: 'unknown',
      body: 'unknown',
      fromAddress: 'missing',
      toAddressMessengerType: 'missing',
      externalContactId: 'missing',
    })
    expect(explanation.fields.find((f) => f.field === 'type')?.says).toMatch(/toAddressMessengerType/)
    expect(explanation.correction.passes).toBe(true)
    expect(explanation.correction.body).toEqual({
      fromAddress: DEPLOYMENT,
      externalContactId: CONTACT,
      toAddressMessengerType: 'webmessaging',
      textBody: 'An agent is available now.',
    })
    expect(checkAgentlessRequest(explanation.correction.body)).toEqual([])
    expect(explanation.correction.changes).toEqual(
      expect.arrayContaining(['to.id → externalContactId', 'from.id → fromAddress', 'body.content → textBody', 'dropped type: not a field of SendAgentlessOutboundMessageRequest']),
    )
  })

  it('marks the unverified Web Messaging facts as such', () => {
    const notes = explainPayload(FORUM_BODY).notes.join('\n')
    expect(notes).toMatch(/UNVERIFIED: .*anonymous web visitors/)
    expect(explainPayload(FORUM_BODY).channelRules).toContain('toAddress: not allowed')
  })

  it('drops toAddress for webmessaging and asks for the external contact id instead of inventing one', () => {
    const explanation = explainPayload({ fromAddress: DEPLOYMENT, toAddress: CONTACT, toAddressMessengerType: 'webmessaging', textBody: 'hi' })
    expect(explanation.fields.find((f) => f.field === 'toAddress')).toMatchObject({ verdict: 'invalid' })
    expect(explanation.fields.find((f) => f.field === 'externalContactId')).toMatchObject({ verdict: 'missing' })
    const { correction } = explanation
    expect(correction.passes).toBe(false)
    expect(correction.body).not.toHaveProperty('toAddress')
    expect(correction.body).not.toHaveProperty('externalContactId')
    expect(stillNeeded(correction)).toEqual(["externalContactId: is required for webmessaging — the recipient's external contact id"])
    expect(JSON.stringify(correction.body)).not.toMatch(/</)
  })

  it('accepts a valid body unchanged', () => {
    const explanation = explainPayload(VALID_WEBMESSAGING)
    expect(explanation.valid).toBe(true)
    expect(explanation.problems).toEqual([])
    expect(explanation.fields.every((f) => f.verdict === 'ok')).toBe(true)
    expect(explanation.correction).toMatchObject({ body: VALID_WEBMESSAGING, changes: [], passes: true })
  })

  it('fixes the channel spelling and the SMS number formatting', () => {
    const correction = correctAgentlessRequest({ from: '+1 317 555 0100', to: { id: '+1 (317) 555-5555' }, channel: 'SMS', text: 'An agent is available.' })
    expect(correction.passes).toBe(true)
    expect(correction.body).toEqual({ fromAddress: '+13175550100', toAddress: '+13175555555', toAddressMessengerType: 'sms', textBody: 'An agent is available.' })
  })

  it('cannot shorten an SMS text over 765 characters and says so', () => {
    const body = { fromAddress: '+13175550100', toAddress: '+13175555555', toAddressMessengerType: 'sms', textBody: 'x'.repeat(766) }
    const explanation = explainPayload(body)
    expect(explanation.valid).toBe(false)
    expect(explanation.fields.find((f) => f.field === 'textBody')?.problems[0]?.problem).toBe('is 766 characters (UTF-16 code units); sms allows at most 765')
    expect(explanation.correction.passes).toBe(false)
    expect(stillNeeded(explanation.correction)).toEqual(['textBody: is 766 characters (UTF-16 code units); sms allows at most 765'])
  })

  it('requires E.164 for SMS and does not guess a country code', () => {
    const correction = correctAgentlessRequest({ fromAddress: '+13175550100', toAddress: '3175555555', toAddressMessengerType: 'sms', textBody: 'hi' })
    expect(correction.passes).toBe(false)
    expect(correction.body.toAddress).toBe('3175555555')
    expect(correction.remaining.map((p) => p.field)).toEqual(['toAddress'])
  })

  it('strips the + for WhatsApp, drops externalContactId and asks for the template', () => {
    const body = { fromAddress: 'wa-integration', toAddress: '+13175555555', externalContactId: CONTACT, toAddressMessengerType: 'whatsapp', textBody: 'hi' }
    const correction = correctAgentlessRequest(body)
    expect(correction.body.toAddress).toBe('13175555555')
    expect(correction.body).not.toHaveProperty('externalContactId')
    expect(correction.passes).toBe(false)
    expect(correction.remaining.map((p) => p.field)).toEqual(['messagingTemplate'])
    const withTemplate = correctAgentlessRequest({ ...body, templateId: 'tpl-1' })
    expect(withTemplate.passes).toBe(true)
    expect(withTemplate.body.messagingTemplate).toEqual({ responseId: 'tpl-1' })
  })

  it('names the channel as required when nothing hints at it', () => {
    const explanation = explainPayload({ type: 'proactive', fromAddress: DEPLOYMENT, textBody: 'hi' })
    expect(explanation.channel).toBeUndefined()
    expect(explanation.correction.passes).toBe(false)
    expect(explanation.correction.remaining.map((p) => p.field)).toContain('toAddressMessengerType')
  })

  it('unwraps a body nested in {body: …} and maps useExistingConversation', () => {
    const correction = correctAgentlessRequest({ body: { ...VALID_WEBMESSAGING, useExistingActiveConversation: undefined }, useExistingConversation: 'true' })
    expect(correction.passes).toBe(true)
    expect(correction.body).toEqual(VALID_WEBMESSAGING)
  })

  it('handles a body that is not an object', () => {
    for (const body of [null, [], 'text', 42]) {
      const explanation = explainPayload(body)
      expect(explanation.valid).toBe(false)
      expect(explanation.problems[0]?.field).toBe('(body)')
      expect(explanation.correction.passes).toBe(false)
    }
  })

  it('reads channel hints in their usual spellings', () => {
    expect(['WebMessaging', 'web_messaging', 'WEB-MESSAGING', 'webmessaging'].map(channelFromHint)).toEqual(['webmessaging', 'webmessaging', 'webmessaging', 'webmessaging'])
    expect(['SMS', 'WhatsApp', 'open_messaging'].map(channelFromHint)).toEqual(['sms', 'whatsapp', 'open'])
    expect(['proactive', 'message', 42].map(channelFromHint)).toEqual([undefined, undefined, undefined])
  })

  it('a correction passes exactly when the shared rules accept it, and valid bodies are never changed', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '')
    const anyBody = fc.dictionary(
      fc.constantFrom('type', 'to', 'from', 'body', 'text', 'toAddress', 'externalContactId', 'fromAddress', 'toAddressMessengerType', 'channel', 'templateId'),
      fc.oneof(text, fc.constantFrom('WebMessaging', 'sms', 'whatsapp', 'open', '+13175555555'), fc.record({ id: text, type: text })),
    )
    fc.assert(
      fc.property(anyBody, (body) => {
        const { correction, valid } = explainPayload(body)
        expect(correction.passes).toBe(checkAgentlessRequest(correction.body).length === 0)
        if (valid) expect(correction.body).toEqual(body)
      }),
      { numRuns: 300, seed: 7 },
    )
  })
})

describe('explainError', () => {
  it("explains the token endpoint's invalid_client with the region", () => {
    const explanation = explainError({ error: 'invalid_client', description: 'client id or secret is invalid' }, { status: 401 })
    expect(explanation).toMatchObject({ kind: 'token', code: 'invalid_client', status: 401, retryable: false })
    expect(explanation.meaning.join(' ')).toMatch(/region/)
    expect(explanation.checks.join(' ')).toMatch(/GENESYS_REGION/)
  })

  it('names the permission on a 403 missing.permissions and echoes the message parameters', () => {
    const explanation = explainError({
      message: 'Unable to perform the requested action. You are missing the following permission(s): [conversation:message:create]',
      code: 'missing.permissions',
      status: 403,
      contextId: 'ctx-1',
      messageParams: { permissions: 'conversation:message:create' },
    })
    expect(explanation).toMatchObject({ kind: 'api', status: 403, code: 'missing.permissions', contextId: 'ctx-1', retryable: false })
    expect(explanation.checks[0]).toMatch(/Roles: .*conversation:message:create/)
    expect(explanation.details).toEqual(['permissions: conversation:message:create'])
  })

  it('reads Retry-After from the header of an envelope, else from the 429 message', () => {
    const body = {
      message: 'Rate limit exceeded the maximum. Retry the request in [17] seconds',
      code: 'too.many.requests',
      status: 429,
      limit: { key: 'client.credentials.token.rate.per.minute', namespace: 'platform.api', value: 300 },
    }
    expect(explainError({ status: 429, headers: { 'Retry-After': '30' }, body })).toMatchObject({ retryable: true, retryAfterSeconds: 30 })
    const fromMessage = explainError(body)
    expect(fromMessage.retryAfterSeconds).toBe(17)
    expect(fromMessage.details).toEqual(['limit platform.api/client.credentials.token.rate.per.minute = 300'])
    expect(retryAfterSeconds({ 'retry-after': 'soon' }, undefined)).toBeUndefined()
  })

  it('explains token expiry on 401 and says a retry with a new token helps', () => {
    const explanation = explainError({ message: 'The supplied credentials are expired and cannot be used.', code: 'credentials.expired', status: 401 })
    expect(explanation.retryable).toBe(true)
    expect(explanation.meaning.join(' ')).toMatch(/24 hours/)
  })

  it('points a 404 at the real endpoint and the invented one', () => {
    const explanation = explainError({ message: 'Resource not found', code: 'not.found', status: 404 })
    expect(explanation.meaning.join(' ')).toMatch(/conversations\/messages\/agentless.*external-messages/)
  })

  it('sends a 400 to explain-payload and lists the fields the body names', () => {
    const explanation = explainError({ message: 'externalContactId is required', code: 'bad.request', status: 400, details: [{ fieldName: 'externalContactId', errorCode: 'required' }] })
    expect(explanation.checks[0]).toMatch(/explain-payload/)
    expect(explanation.details).toEqual(['field externalContactId, code required'])
  })

  it('says the guest-protocol error text does not come from the agentless endpoint', () => {
    const explanation = explainError({ message: "Invalid message payload. Type must be 'message' or 'event'", status: 400 })
    expect(explanation.meaning[0]).toMatch(/not from the agentless endpoint/)
  })

  it('treats 5xx as transient but not 501', () => {
    expect(explainError({ code: 'service.unavailable', status: 503 }).retryable).toBe(true)
    expect(explainError({ status: 501, message: 'Not implemented' }).retryable).toBe(false)
  })

  it('unwraps a serialised AxiosError from the SDK login', () => {
    const explanation = explainError({ message: 'Request failed with status code 400', response: { status: 400, headers: {}, data: { error: 'unsupported_grant_type', description: 'x' } } })
    expect(explanation).toMatchObject({ kind: 'token', status: 400, code: 'unsupported_grant_type' })
  })

  it('says when the input is not an error body', () => {
    expect(explainError('<html>Bad Gateway</html>', { status: 502 })).toMatchObject({ kind: 'unknown', status: 502, retryable: true })
    expect(explainError({ hello: 'world' }).kind).toBe('unknown')
  })
})

function captureIo(stdin = ''): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), stdin: async () => stdin, env: {} }
}

describe('proactive explain-payload / explain-error', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'explain-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('exits 1 on the forum body and prints the reasons and a corrected body that passes', async () => {
    const file = join(dir, 'forum.json')
    await writeFile(file, JSON.stringify(FORUM_BODY))
    const io = captureIo()
    expect(await explainPayloadMain([file], io)).toBe(1)
    const text = io.lines.join('\n')
    expect(text).toMatch(/^REJECTED: /)
    expect(text).toMatch(/UNKNOWN\s+channelId\s+there is no `channelId`/)
    expect(text).toMatch(/MISSING\s+externalContactId\s+is required for webmessaging/)
    const printed = text.slice(text.indexOf('{', text.indexOf('Corrected body')), text.indexOf('}', text.indexOf('Corrected body')) + 1)
    expect(checkAgentlessRequest(JSON.parse(printed))).toEqual([])
  })

  it('exits 0 on a valid body read from standard input, with --json', async () => {
    const io = captureIo(JSON.stringify(VALID_WEBMESSAGING))
    expect(await explainPayloadMain(['--json', '-'], io)).toBe(0)
    expect(JSON.parse(io.lines.join('\n'))).toMatchObject({ valid: true, channel: 'webmessaging', problems: [] })
  })

  it('says what to fill in instead of printing a body with placeholders', async () => {
    const io = captureIo(JSON.stringify({ toAddressMessengerType: 'webmessaging', textBody: 'hi' }))
    expect(await explainPayloadMain(['-'], io)).toBe(1)
    const text = io.lines.join('\n')
    expect(text).not.toMatch(/Corrected body/)
    expect(text).toMatch(/Fill them in:\n {2}- fromAddress: is required — the Messenger deployment id\n {2}- externalContactId: is required for webmessaging/)
  })

  it('exits 1 on text that is not JSON and 2 on usage errors', async () => {
    expect(await explainPayloadMain(['-'], captureIo('{"fromAddress":'))).toBe(1)
    expect(await explainPayloadMain([], captureIo())).toBe(2)
    expect(await explainPayloadMain([join(dir, 'missing.json')], captureIo())).toBe(2)
    expect(await explainPayloadMain(['--verbose', 'x'], captureIo())).toBe(2)
    const help = captureIo()
    expect(await explainPayloadMain(['--help'], help)).toBe(0)
    expect(help.lines[0]).toMatch(/^usage: proactive explain-payload/)
  })

  it('explain-error prints the meaning, the checks and the retry advice', async () => {
    const io = captureIo(JSON.stringify({ message: 'Rate limit exceeded the maximum. Retry the request in [5] seconds', code: 'too.many.requests', status: 429, contextId: 'ctx-9' }))
    expect(await explainErrorMain(['--retry-after', '12', '-'], io)).toBe(0)
    const text = io.lines.join('\n')
    expect(text).toMatch(/^HTTP 429 too.many.requests: Rate limit exceeded/)
    expect(text).toMatch(/Retry: yes, after 12 s\./)
    expect(text).toMatch(/contextId: ctx-9/)
  })

  it('explain-error takes --status for a token error body and --json', async () => {
    const io = captureIo(JSON.stringify({ error: 'invalid_client', description: 'bad' }))
    expect(await explainErrorMain(['--status', '401', '--json', '-'], io)).toBe(0)
    expect(JSON.parse(io.lines.join('\n'))).toMatchObject({ kind: 'token', status: 401, code: 'invalid_client' })
    expect(await explainErrorMain(['-'], captureIo('not json'))).toBe(1)
    expect(await explainErrorMain(['--status', 'abc', '-'], captureIo('{}'))).toBe(2)
    expect(await explainErrorMain(['--help'], captureIo())).toBe(0)
  })
})
