import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CustomerAddress } from '#lib/domain/model.ts'
import { AGENTLESS_FIELDS, InvalidPayloadError, TEXT_LIMITS, buildAgentlessRequest, checkAgentlessRequest, type ChannelSettings } from '#lib/domain/payload.ts'

const DEPLOYMENT_ID = '7c4f1e2a-0000-4000-8000-00000000d3b1'
const WHATSAPP_INTEGRATION = '00000000-0000-4000-8000-0000000000a1'
const OPEN_INTEGRATION = '00000000-0000-4000-8000-0000000000b2'
const TEMPLATE_ID = '00000000-0000-4000-8000-0000000000c3'
const TEXT = 'An agent is available now. Reply here to continue.'

const SETTINGS = {
  webmessaging: { fromAddress: DEPLOYMENT_ID, text: TEXT },
  sms: { fromAddress: '+13175550100', text: TEXT },
  whatsapp: { fromAddress: WHATSAPP_INTEGRATION, text: TEXT, templateResponseId: TEMPLATE_ID },
  open: { fromAddress: OPEN_INTEGRATION, text: TEXT },
} satisfies Record<string, ChannelSettings>

const fieldsOf = (body: unknown): string[] => checkAgentlessRequest(body).map((p) => p.field)

function buildError(customer: CustomerAddress, settings: ChannelSettings, text: string): InvalidPayloadError {
  try {
    buildAgentlessRequest(customer, settings, text)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError)
    return error as InvalidPayloadError
  }
  throw new Error('expected InvalidPayloadError')
}

describe('buildAgentlessRequest', () => {
  it('Web Messaging: fromAddress is the deployment id, the recipient is externalContactId, no toAddress', () => {
    const request = buildAgentlessRequest({ channel: 'webmessaging', externalContactId: 'contact-1' }, SETTINGS.webmessaging, TEXT)
    expect(request).toEqual({
      fromAddress: DEPLOYMENT_ID,
      toAddressMessengerType: 'webmessaging',
      externalContactId: 'contact-1',
      textBody: TEXT,
      useExistingActiveConversation: true,
    })
    expect(request).not.toHaveProperty('toAddress')
  })

  it('Web Messaging: never puts a stored address in toAddress', () => {
    const request = buildAgentlessRequest({ channel: 'webmessaging', externalContactId: 'contact-1', address: 'someone' }, SETTINGS.webmessaging, TEXT)
    expect(request).not.toHaveProperty('toAddress')
  })

  it('Web Messaging: refuses a customer without externalContactId, naming the field', () => {
    const error = buildError({ channel: 'webmessaging' }, SETTINGS.webmessaging, TEXT)
    expect(error.problems.map((p) => p.field)).toEqual(['externalContactId'])
    expect(error.message).toContain('externalContactId')
  })

  it('SMS: E.164 toAddress and the text', () => {
    expect(buildAgentlessRequest({ channel: 'sms', address: '+15550001111' }, SETTINGS.sms, TEXT)).toEqual({
      fromAddress: '+13175550100',
      toAddressMessengerType: 'sms',
      toAddress: '+15550001111',
      textBody: TEXT,
    })
  })

  it('SMS: refuses a number that is not E.164', () => {
    expect(buildError({ channel: 'sms', address: '5550001111' }, SETTINGS.sms, TEXT).problems).toEqual([expect.objectContaining({ field: 'toAddress', problem: expect.stringContaining('E.164') })])
  })

  it('SMS: allows 765 characters and refuses 766, naming textBody', () => {
    const customer: CustomerAddress = { channel: 'sms', address: '+15550001111' }
    expect(buildAgentlessRequest(customer, SETTINGS.sms, 'x'.repeat(765)).textBody).toHaveLength(765)
    expect(buildError(customer, SETTINGS.sms, 'x'.repeat(766)).problems).toEqual([expect.objectContaining({ field: 'textBody', problem: expect.stringContaining('765') })])
  })

  it('WhatsApp: toAddress is the number’s digits without +, and the approved template is required', () => {
    expect(buildAgentlessRequest({ channel: 'whatsapp', address: '+15550001111' }, SETTINGS.whatsapp, TEXT)).toEqual({
      fromAddress: WHATSAPP_INTEGRATION,
      toAddressMessengerType: 'whatsapp',
      toAddress: '15550001111',
      messagingTemplate: { responseId: TEMPLATE_ID },
    })
  })

  it('WhatsApp: refuses to build without a template id, naming messagingTemplate.responseId', () => {
    const { templateResponseId: _none, ...noTemplate } = SETTINGS.whatsapp
    expect(buildError({ channel: 'whatsapp', address: '15550001111' }, noTemplate, TEXT).problems.map((p) => p.field)).toEqual(['messagingTemplate.responseId'])
  })

  it('Open: toAddress when there is an address, else externalContactId', () => {
    expect(buildAgentlessRequest({ channel: 'open', address: 'user@open.example' }, SETTINGS.open, TEXT)).toEqual({
      fromAddress: OPEN_INTEGRATION,
      toAddressMessengerType: 'open',
      toAddress: 'user@open.example',
      textBody: TEXT,
    })
    expect(buildAgentlessRequest({ channel: 'open', externalContactId: 'contact-2' }, SETTINGS.open, TEXT)).toEqual({
      fromAddress: OPEN_INTEGRATION,
      toAddressMessengerType: 'open',
      externalContactId: 'contact-2',
      textBody: TEXT,
    })
  })

  it.each(['webmessaging', 'open'] as const)('%s: allows 2000 characters and refuses 2001', (channel) => {
    const customer: CustomerAddress = channel === 'open' ? { channel, address: 'user@open.example' } : { channel, externalContactId: 'contact-1' }
    expect(buildAgentlessRequest(customer, SETTINGS[channel], 'y'.repeat(2000)).textBody).toHaveLength(2000)
    expect(buildError(customer, SETTINGS[channel], 'y'.repeat(2001)).problems).toEqual([expect.objectContaining({ field: 'textBody', problem: expect.stringContaining('2000') })])
  })

  // SMS must not ignore the customer's external contact id and dead-letter its own
  // body as lacking a recipient: Genesys supports externalContactId for SMS.
  it('SMS: the external contact id when the customer has no number', () => {
    expect(buildAgentlessRequest({ channel: 'sms', externalContactId: 'contact-3' }, SETTINGS.sms, TEXT)).toEqual({
      fromAddress: '+13175550100',
      toAddressMessengerType: 'sms',
      externalContactId: 'contact-3',
      textBody: TEXT,
    })
  })

  it('refuses a customer with no recipient for the channel, naming toAddress and what it must hold', () => {
    const none = (channel: 'sms' | 'whatsapp' | 'open') => buildError({ channel }, SETTINGS[channel], TEXT).problems
    expect(none('sms')).toEqual([{ field: 'toAddress', problem: 'is required for sms (or externalContactId)', fix: "the customer's number in E.164, e.g. +13175555555" }])
    expect(none('whatsapp')).toEqual([{ field: 'toAddress', problem: 'is required for whatsapp', fix: "the WhatsApp id: the phone number's digits without +" }])
    expect(none('open')).toEqual([{ field: 'toAddress', problem: 'is required for open (or externalContactId)', fix: 'the Open Messaging user address' }])
    // WhatsApp has no use for a contact id: still no recipient.
    expect(buildError({ channel: 'whatsapp', externalContactId: 'contact-3' }, SETTINGS.whatsapp, TEXT).problems.map((p) => p.field)).toEqual(['toAddress'])
  })

  it('the error lists every problem as "field problem", separated by "; "', () => {
    const error = buildError({ channel: 'sms', address: '+15550001111' }, { ...SETTINGS.sms, fromAddress: '' }, ' ')
    expect(error.message).toBe('invalid agentless request: fromAddress is required; textBody must not be empty')
  })

  it('refuses an empty sender, naming fromAddress', () => {
    expect(buildError({ channel: 'sms', address: '+15550001111' }, { ...SETTINGS.sms, fromAddress: '' }, TEXT).problems.map((p) => p.field)).toEqual(['fromAddress'])
  })

  it('refuses an empty text, naming textBody', () => {
    expect(buildError({ channel: 'webmessaging', externalContactId: 'c' }, SETTINGS.webmessaging, '   ').problems.map((p) => p.field)).toEqual(['textBody'])
  })
})

describe('checkAgentlessRequest', () => {
  it('accepts the documented examples (Open verbatim, Web Messaging as built from the field rules)', () => {
    expect(checkAgentlessRequest({ fromAddress: '<Integration ID>', toAddress: 'messaging-user@externalservice.com', toAddressMessengerType: 'open', textBody: 'Outbound message text!' })).toEqual([])
    expect(
      checkAgentlessRequest({
        fromAddress: DEPLOYMENT_ID,
        externalContactId: 'contact-1',
        toAddressMessengerType: 'webmessaging',
        textBody: 'An agent is now available…',
        useExistingActiveConversation: true,
      }),
    ).toEqual([])
  })

  it.each(['type', 'channelId', 'to', 'from', 'body', 'fromAddressId', 'message'])('flags the invented field %s by name', (field) => {
    const body = { fromAddress: '+13175550100', toAddress: '+15550001111', toAddressMessengerType: 'sms', textBody: TEXT, [field]: 'x' }
    expect(checkAgentlessRequest(body)).toEqual([expect.objectContaining({ field, problem: expect.stringContaining('not a field'), fix: expect.stringContaining('fromAddress') })])
  })

  it('flags the forum’s invented payload field by field', () => {
    const forum = { type: 'proactive', channelId: 'abc', to: '+15550001111', from: '+13175550100', body: 'hi' }
    expect(fieldsOf(forum)).toEqual(expect.arrayContaining(['type', 'channelId', 'to', 'from', 'body', 'toAddressMessengerType', 'fromAddress']))
  })

  it('requires a lower-case known messenger type', () => {
    expect(fieldsOf({ fromAddress: 'x', toAddressMessengerType: 'SMS', toAddress: '+15550001111', textBody: TEXT })).toEqual(['toAddressMessengerType'])
    expect(fieldsOf({ fromAddress: 'x', toAddressMessengerType: 'web_messaging', externalContactId: 'c', textBody: TEXT })).toEqual(['toAddressMessengerType'])
    expect(fieldsOf({ fromAddress: 'x', toAddress: '+15550001111', textBody: TEXT })).toEqual(['toAddressMessengerType'])
  })

  it('Web Messaging: flags toAddress and a missing externalContactId', () => {
    const problems = checkAgentlessRequest({ fromAddress: DEPLOYMENT_ID, toAddress: 'contact-1', toAddressMessengerType: 'webmessaging', textBody: TEXT })
    expect(problems.map((p) => p.field)).toEqual(['toAddress', 'externalContactId'])
    expect(problems[0]?.fix).toContain('externalContactId')
  })

  it('SMS: flags a missing textBody and a missing recipient', () => {
    expect(fieldsOf({ fromAddress: '+13175550100', toAddressMessengerType: 'sms' })).toEqual(['toAddress', 'textBody'])
  })

  it('WhatsApp: flags a + in toAddress (with the digits as the fix), externalContactId and a missing template', () => {
    const problems = checkAgentlessRequest({ fromAddress: WHATSAPP_INTEGRATION, toAddress: '+15550001111', externalContactId: 'c', toAddressMessengerType: 'whatsapp' })
    expect(problems.map((p) => p.field)).toEqual(['toAddress', 'externalContactId', 'messagingTemplate'])
    expect(problems[0]?.fix).toContain('15550001111')
  })

  it('WhatsApp: flags unknown template fields and a missing responseId', () => {
    const problems = checkAgentlessRequest({ fromAddress: WHATSAPP_INTEGRATION, toAddress: '15550001111', toAddressMessengerType: 'whatsapp', messagingTemplate: { name: 'x' } })
    expect(problems.map((p) => p.field)).toEqual(['messagingTemplate.name', 'messagingTemplate.responseId'])
  })

  // Agentless Open messages are text only, so a template does not stand in for the text.
  it('Open: requires a recipient and a text; a template is rejected (agentless Open is text only)', () => {
    expect(fieldsOf({ fromAddress: OPEN_INTEGRATION, toAddressMessengerType: 'open' })).toEqual(['toAddress', 'textBody'])
    expect(fieldsOf({ fromAddress: OPEN_INTEGRATION, toAddressMessengerType: 'open', externalContactId: 'c', messagingTemplate: { responseId: 't' } })).toEqual(['textBody', 'messagingTemplate'])
    expect(fieldsOf({ fromAddress: OPEN_INTEGRATION, toAddressMessengerType: 'open', externalContactId: 'c', textBody: TEXT })).toEqual([])
    const withTemplate = checkAgentlessRequest({ fromAddress: OPEN_INTEGRATION, toAddressMessengerType: 'open', toAddress: 'u@x', textBody: TEXT, messagingTemplate: { responseId: 't' } })
    expect(withTemplate).toEqual([expect.objectContaining({ field: 'messagingTemplate', problem: expect.stringMatching(/not supported for open.*text only/) })])
  })

  it('counts text in UTF-16 code units, the stricter count: an emoji counts 2', () => {
    const customer: CustomerAddress = { channel: 'sms', address: '+15550001111' }
    const emoji = '\u{1F600}'
    expect(emoji.length).toBe(2)
    expect(buildAgentlessRequest(customer, SETTINGS.sms, `${emoji.repeat(382)}x`).textBody).toHaveLength(765)
    expect(buildError(customer, SETTINGS.sms, emoji.repeat(383)).problems).toEqual([
      expect.objectContaining({ field: 'textBody', problem: 'is 766 characters (UTF-16 code units); sms allows at most 765' }),
    ])
    // 383 code points, under 765 however counted by code point, but over by UTF-16 code units.
    expect([...emoji.repeat(383)].length).toBe(383)
    expect(fieldsOf({ fromAddress: DEPLOYMENT_ID, toAddressMessengerType: 'webmessaging', externalContactId: 'c', textBody: 'é'.repeat(2000) })).toEqual([])
    expect(fieldsOf({ fromAddress: DEPLOYMENT_ID, toAddressMessengerType: 'webmessaging', externalContactId: 'c', textBody: `${emoji.repeat(1000)}x` })).toEqual(['textBody'])
  })

  it('words a valid Genesys messenger type this project does not send as unsupported, not invalid', () => {
    const [apple] = checkAgentlessRequest({ fromAddress: 'x', toAddressMessengerType: 'apple', toAddress: '+15550001111', textBody: TEXT })
    expect(apple).toMatchObject({ field: 'toAddressMessengerType', problem: '"apple" is a valid Genesys messenger type that this project does not support' })
    expect(apple?.problem).not.toMatch(/must be one of/)
    const [bogus] = checkAgentlessRequest({ fromAddress: 'x', toAddressMessengerType: 'pigeon', textBody: TEXT })
    expect(bogus?.problem).toMatch(/^must be one of/)
  })

  it('E.164: a + and at most 15 digits, first not 0, with no invented minimum', () => {
    const check = (toAddress: string) => fieldsOf({ fromAddress: '+13175550100', toAddressMessengerType: 'sms', toAddress, textBody: TEXT })
    expect(check('+683123')).toEqual([])
    expect(check('+123456789012345')).toEqual([])
    expect(check('+1234567890123456')).toEqual(['toAddress'])
    expect(check('+0123456')).toEqual(['toAddress'])
    expect(check('+1')).toEqual(['toAddress'])
  })

  // Both rules must keep both anchors.
  it('E.164 and the WhatsApp id match the whole address: nothing before or after', () => {
    const sms = (toAddress: string) => fieldsOf({ fromAddress: '+13175550100', toAddressMessengerType: 'sms', toAddress, textBody: TEXT })
    expect(sms('x+13175550123')).toEqual(['toAddress'])
    expect(sms('+13175550123x')).toEqual(['toAddress'])
    const whatsapp = (toAddress: string) => fieldsOf({ fromAddress: 'integration', toAddressMessengerType: 'whatsapp', toAddress, messagingTemplate: { responseId: 't' } })
    expect(whatsapp('13175550123')).toEqual([])
    expect(whatsapp('13175550123x')).toEqual(['toAddress'])
    expect(whatsapp('x13175550123')).toEqual(['toAddress'])
  })

  it('names fields of the wrong type', () => {
    expect(fieldsOf({ fromAddress: 5, toAddressMessengerType: 'sms', toAddress: '+15550001111', textBody: TEXT })).toEqual(['fromAddress'])
    expect(fieldsOf({ fromAddress: 'x', toAddressMessengerType: 'sms', toAddress: '+15550001111', textBody: TEXT, useExistingActiveConversation: 'yes' })).toEqual(['useExistingActiveConversation'])
    expect(fieldsOf({ fromAddress: 'x', toAddressMessengerType: 'whatsapp', toAddress: '15550001111', messagingTemplate: 'tpl' })).toEqual(['messagingTemplate'])
  })

  it('a missing or blank sender: fromAddress is required, with what it must hold on that channel', () => {
    const valid = {
      webmessaging: { toAddressMessengerType: 'webmessaging', externalContactId: 'c', textBody: TEXT },
      sms: { toAddressMessengerType: 'sms', toAddress: '+15550001111', textBody: TEXT },
      whatsapp: { toAddressMessengerType: 'whatsapp', toAddress: '15550001111', messagingTemplate: { responseId: TEMPLATE_ID } },
      open: { toAddressMessengerType: 'open', toAddress: 'u@x', textBody: TEXT },
    }
    const sender = (body: object) => checkAgentlessRequest(body)
    expect(sender(valid.webmessaging)).toEqual([{ field: 'fromAddress', problem: 'is required', fix: 'the Messenger deployment id' }])
    expect(sender(valid.sms)).toEqual([{ field: 'fromAddress', problem: 'is required', fix: 'a provisioned SMS number in E.164' }])
    expect(sender(valid.whatsapp)).toEqual([{ field: 'fromAddress', problem: 'is required', fix: 'the WhatsApp integration id' }])
    expect(sender(valid.open)).toEqual([{ field: 'fromAddress', problem: 'is required', fix: 'the Open Messaging integration id' }])
    expect(sender({ ...valid.sms, fromAddress: ' \t ' })).toEqual([{ field: 'fromAddress', problem: 'is required', fix: 'a provisioned SMS number in E.164' }])
    // No known channel: the sender of each, and the messenger type named as missing or wrong.
    const anyChannel = 'the sender: deployment id (webmessaging), SMS number (sms) or integration id (whatsapp, open)'
    expect(sender({ toAddressMessengerType: 'pigeon' })).toEqual([
      { field: 'toAddressMessengerType', problem: 'must be one of webmessaging, sms, whatsapp, open (lower case), got "pigeon"' },
      { field: 'fromAddress', problem: 'is required', fix: anyChannel },
    ])
    expect(sender({ fromAddress: 'x' })).toEqual([{ field: 'toAddressMessengerType', problem: 'is required', fix: 'one of webmessaging, sms, whatsapp, open' }])
  })

  it('a recipient or text of the wrong type is named once as such, and counts as missing for the channel', () => {
    expect(checkAgentlessRequest({ fromAddress: '+13175550100', toAddressMessengerType: 'sms', toAddress: 13175550123, textBody: 42 })).toEqual([
      { field: 'toAddress', problem: 'must be a string, got number' },
      { field: 'textBody', problem: 'must be a string, got number' },
      { field: 'toAddress', problem: 'is required for sms (or externalContactId)', fix: "the customer's number in E.164, e.g. +13175555555" },
      { field: 'textBody', problem: 'is required for sms' },
    ])
    expect(checkAgentlessRequest({ fromAddress: DEPLOYMENT_ID, toAddressMessengerType: 'webmessaging', externalContactId: 42, textBody: TEXT })).toEqual([
      { field: 'externalContactId', problem: 'must be a string, got number' },
      { field: 'externalContactId', problem: 'is required for webmessaging', fix: "the recipient's external contact id" },
    ])
  })

  it('WhatsApp: a missing toAddress is required; a malformed one gets its digits (or an example) as the fix', () => {
    const whatsapp = (extra: object) => checkAgentlessRequest({ fromAddress: WHATSAPP_INTEGRATION, toAddressMessengerType: 'whatsapp', messagingTemplate: { responseId: TEMPLATE_ID }, ...extra })
    expect(whatsapp({})).toEqual([{ field: 'toAddress', problem: 'is required for whatsapp', fix: "the WhatsApp id: the phone number's digits without +" }])
    expect(whatsapp({ toAddress: '+1 555 000 1111' })).toEqual([{ field: 'toAddress', problem: 'must be a WhatsApp id (digits only, no +)', fix: 'e.g. 15550001111' }])
    expect(whatsapp({ toAddress: 'abc' })).toEqual([{ field: 'toAddress', problem: 'must be a WhatsApp id (digits only, no +)', fix: 'e.g. 13175555555' }])
  })

  it('a text is required for Web Messaging unless a template is given; WhatsApp needs the template, never a text', () => {
    const web = { fromAddress: DEPLOYMENT_ID, toAddressMessengerType: 'webmessaging', externalContactId: 'c' }
    expect(checkAgentlessRequest(web)).toEqual([{ field: 'textBody', problem: 'is required for webmessaging unless a messagingTemplate is given' }])
    expect(checkAgentlessRequest({ ...web, messagingTemplate: { responseId: TEMPLATE_ID } })).toEqual([])
    const whatsapp = { fromAddress: WHATSAPP_INTEGRATION, toAddressMessengerType: 'whatsapp', toAddress: '15550001111' }
    expect(checkAgentlessRequest({ ...whatsapp, messagingTemplate: { responseId: TEMPLATE_ID } })).toEqual([])
    expect(fieldsOf(whatsapp)).toEqual(['messagingTemplate'])
  })

  // What explain-payload and the dead letter's detail show an operator: the problem and the fix, exactly.
  it('says what is wrong and what to do about it, in so many words', () => {
    expect(checkAgentlessRequest(null)).toEqual([{ field: '(body)', problem: 'the request body must be a JSON object' }])
    const sms = { fromAddress: '+13175550100', toAddressMessengerType: 'sms', toAddress: '+15550001111', textBody: TEXT }
    expect(checkAgentlessRequest({ ...sms, to: 'x' })).toEqual([
      {
        field: 'to',
        problem: 'is not a field of SendAgentlessOutboundMessageRequest',
        fix: 'remove it; the fields are fromAddress, toAddress, externalContactId, toAddressMessengerType, textBody, messagingTemplate, useExistingActiveConversation',
      },
    ])
    expect(checkAgentlessRequest({ ...sms, toAddress: '5550001111' })).toEqual([
      { field: 'toAddress', problem: 'must be an E.164 phone number for sms', fix: 'a + followed by at most 15 digits, the first not 0, e.g. +13175555555' },
    ])
    expect(checkAgentlessRequest({ ...sms, toAddressMessengerType: 'apple' })).toEqual([
      { field: 'toAddressMessengerType', problem: '"apple" is a valid Genesys messenger type that this project does not support', fix: 'this project sends webmessaging, sms, whatsapp, open' },
    ])
    expect(checkAgentlessRequest({ fromAddress: WHATSAPP_INTEGRATION, toAddressMessengerType: 'whatsapp', toAddress: '15550001111', externalContactId: 'c' })).toEqual([
      { field: 'externalContactId', problem: 'is not supported for whatsapp', fix: 'remove it and use toAddress' },
      { field: 'messagingTemplate', problem: 'is required for whatsapp', fix: 'an approved WhatsApp template: {"responseId": "<template id>"}' },
    ])
    expect(checkAgentlessRequest({ fromAddress: OPEN_INTEGRATION, toAddressMessengerType: 'open', toAddress: 'u@x', textBody: TEXT, messagingTemplate: { responseId: 't' } })).toEqual([
      { field: 'messagingTemplate', problem: 'is not supported for open: agentless Open messages are text only', fix: 'remove it and send the text in textBody' },
    ])
  })

  it('names the body when it is not an object', () => {
    for (const body of [null, 'text', [], 42]) expect(fieldsOf(body)).toEqual(['(body)'])
  })

  it('has a text limit for every channel: SMS 765, the others 2000', () => {
    expect(TEXT_LIMITS).toEqual({ sms: 765, webmessaging: 2000, whatsapp: 2000, open: 2000 })
  })

  it('names a real field in every problem and reports every unknown field, whatever the body (property)', () => {
    const keyArb = fc.oneof(fc.constantFrom(...AGENTLESS_FIELDS, 'type', 'to', 'body'), fc.string({ minLength: 1, maxLength: 8 }))
    const valueArb = fc.oneof(
      fc.constantFrom('webmessaging', 'sms', 'whatsapp', 'open', '+15550001111', '15550001111', ''),
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
    )
    fc.assert(
      fc.property(fc.dictionary(keyArb, valueArb, { maxKeys: 8 }), (body) => {
        const problems = checkAgentlessRequest(body)
        const known = AGENTLESS_FIELDS as readonly string[]
        for (const problem of problems) {
          // The field is one of the request's fields (or a path inside one), or a key this body really has.
          const top = problem.field.split('.')[0]!
          expect(known.includes(top) || Object.hasOwn(body, problem.field), problem.field).toBe(true)
          expect(problem.problem.trim()).not.toBe('')
        }
        // Every key that is not a field of the request is reported by its own name, as not a field.
        for (const key of Object.keys(body).filter((k) => !known.includes(k))) {
          expect(problems, key).toContainEqual(expect.objectContaining({ field: key, problem: 'is not a field of SendAgentlessOutboundMessageRequest' }))
        }
        // Without a messenger type nothing can be valid.
        if (body.toAddressMessengerType === undefined) expect(problems.map((p) => p.field)).toContain('toAddressMessengerType')
      }),
      { seed: 11, numRuns: 200 },
    )
  })
})
