/**
 * Templates are data, not code. Placeholders are filled from the fixed fields only, a value that itself holds
 * placeholder syntax or control characters is inserted literally (controls removed), and the per-channel text
 * limit holds after filling: buildAgentlessRequest rejects an over-long rendered text naming `textBody`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHANNELS, type Channel, type CustomerAddress } from '#lib/domain/model.ts'
import { buildAgentlessRequest, InvalidPayloadError, TEXT_LIMITS } from '#lib/domain/payload.ts'
import { findUnknownPlaceholders, renderTemplate, TEMPLATE_FIELDS } from '#lib/send/template.ts'
import { fuzzParams } from './harness.ts'

const CI_RUNS = 300
// C0 and C1 controls except tab, line feed and carriage return.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/

const textArb = fc.string({ unit: 'binary', maxLength: 60 })
const placeholderishArb = fc.constantFrom('{{brand}}', '{{ channel }}', '{{constructor}}', '{{__proto__}}', '{{toString}}', '${brand}', '{{{{brand}}}}', '{{brand', '}}')
const valueArb = fc.oneof(
  textArb,
  placeholderishArb,
  fc.tuple(textArb, placeholderishArb, textArb).map((parts) => parts.join('')),
)

describe('renderTemplate', () => {
  it('inserts values literally: a value holding placeholder syntax is never expanded again', () => {
    fc.assert(
      fc.property(valueArb, valueArb, (brand, channel) => {
        const rendered = renderTemplate('[{{brand}}|{{channel}}]', { brand, channel })
        const clean = (value: string) => value.replace(new RegExp(CONTROL.source, 'g'), '')
        // One pass: the output is the template with each placeholder replaced by its (cleaned) value.
        expect(rendered.replace(/[ \t]+/g, ' ').trim()).toBe(`[${clean(brand)}|${clean(channel)}]`.replace(/[ \t]+/g, ' ').trim())
      }),
      fuzzParams(CI_RUNS),
    )
  })

  it('fills only the fixed fields; anything else stays as written, and no control character survives', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(textArb, placeholderishArb), { maxLength: 6 }), valueArb, (pieces, brand) => {
        const template = pieces.join(' ')
        const rendered = renderTemplate(template, { brand })
        expect(rendered).not.toMatch(CONTROL)
        for (const unknown of findUnknownPlaceholders(template)) expect(TEMPLATE_FIELDS as readonly string[]).not.toContain(unknown)
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      }),
      fuzzParams(CI_RUNS),
    )
  })
})

const customerOf = (channel: Channel): CustomerAddress => {
  switch (channel) {
    case 'webmessaging':
      return { channel, externalContactId: '00000000-0000-4000-8000-00000000c0de' }
    case 'sms':
      return { channel, address: '+13175550100' }
    case 'whatsapp':
      return { channel, address: '13175550100' }
    case 'open':
      return { channel, address: 'open-user-1' }
  }
}

const FROM: Record<Channel, string> = {
  webmessaging: '00000000-0000-4000-8000-00000000d3b1',
  sms: '+13175550199',
  whatsapp: '00000000-0000-4000-8000-0000000000a1',
  open: '00000000-0000-4000-8000-0000000000b2',
}

describe('per-channel text limits, after filling', () => {
  it('never builds a request whose rendered text is over the channel limit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CHANNELS.filter((c) => c !== 'whatsapp')),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
        fc.string({ maxLength: 100 }),
        fc.integer({ min: 1, max: 60 }),
        (channel, prefix, brand, repeats) => {
          // A template within any config limit, whose length after filling depends on the brand.
          const text = renderTemplate(`${prefix}${' {{brand}}'.repeat(repeats)}`, { brand, channel })
          const length = [...text].length
          const limit = TEXT_LIMITS[channel]
          try {
            const request = buildAgentlessRequest(customerOf(channel), { fromAddress: FROM[channel], text }, text)
            expect([...(request.textBody ?? '')].length).toBeLessThanOrEqual(limit)
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidPayloadError)
            const problems = (error as InvalidPayloadError).problems
            expect(problems.some((p) => p.field === 'textBody')).toBe(true)
            if (text.trim() !== '') expect(length).toBeGreaterThan(limit)
          }
        },
      ),
      fuzzParams(CI_RUNS),
    )
  })

  it('rejects a text one character over the SMS limit and accepts one at it', () => {
    const at = 'x'.repeat(TEXT_LIMITS.sms)
    expect(buildAgentlessRequest(customerOf('sms'), { fromAddress: FROM.sms, text: at }, at).textBody).toBe(at)
    expect(() => buildAgentlessRequest(customerOf('sms'), { fromAddress: FROM.sms, text: `${at}y` }, `${at}y`)).toThrow(/textBody is 766 characters \(UTF-16 code units\); sms allows at most 765/)
  })
})
