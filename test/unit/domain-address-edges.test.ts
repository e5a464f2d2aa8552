/**
 * The edges of address normalisation (lib/domain/address.ts): the exact problem a user reads for each refusal,
 * where prefixes may stand, what is trimmed, and every key the cap may have been written under.
 */
import { describe, expect, it } from 'vitest'
import { customerKey, normaliseAddress, normaliseContactId, normaliseOpenAddress, normaliseSmsNumber, normaliseWhatsappId, shapeOf } from '#lib/domain/address.ts'

const problemOf = (result: ReturnType<typeof normaliseSmsNumber>): string => (result.ok ? `ok: ${result.value}` : result.problem)

describe('shapeOf: the value without its content', () => {
  it('digits become 9, capitals A, other letters a, invisible characters their code point; punctuation stays', () => {
    expect(shapeOf('+44 (77) Ab\u200b-é')).toBe('"+99 (99) Aa<U+200B>-a", 14 characters')
  })

  it('shows at most 40 characters, and says when it cut', () => {
    expect(shapeOf('1'.repeat(40))).toBe(`"${'9'.repeat(40)}", 40 characters`)
    expect(shapeOf('1'.repeat(50))).toBe(`"${'9'.repeat(40)}"…, 50 characters`)
  })
})

describe('SMS numbers', () => {
  it('strip a leading tel:/sms: (after spaces), separators and whitespace, tabs included', () => {
    expect(normaliseSmsNumber(' tel:+44 7700\t900555')).toEqual({ ok: true, value: '+447700900555' })
    expect(normaliseSmsNumber('SMS:+1 (317) 555-0123')).toEqual({ ok: true, value: '+13175550123' })
  })

  it('a prefix anywhere but the start is not stripped', () => {
    expect(problemOf(normaliseSmsNumber('+4477009sms:00555'))).toBe('is not an E.164 phone number: expected + and at most 15 digits, the first not 0 (got "+9999999aaa:99999", 17 characters)')
  })

  it('a second + is refused: the number is one + and digits from its start, not a valid tail', () => {
    expect(problemOf(normaliseSmsNumber('++14155550123'))).toBe('is not an E.164 phone number: expected + and at most 15 digits, the first not 0 (got "++99999999999", 13 characters)')
    expect(problemOf(normaliseSmsNumber('+0+14155550123'))).toMatch(/^is not an E\.164 phone number/)
  })

  it('refuses invisible characters with that reason, naming the shape', () => {
    expect(problemOf(normaliseSmsNumber('+44770090\u200b0555'))).toBe('contains invisible or control characters (got "+99999999<U+200B>9999", 14 characters)')
  })

  it('refuses a number whose first digit is 0', () => {
    expect(problemOf(normaliseSmsNumber('+0447700900555'))).toBe('is not an E.164 phone number: expected + and at most 15 digits, the first not 0 (got "+9999999999999", 14 characters)')
  })
})

describe('WhatsApp ids', () => {
  it('strip a leading whatsapp:/tel: (after spaces), separators and a leading +', () => {
    expect(normaliseWhatsappId(' whatsapp:+44 7700 900555')).toEqual({ ok: true, value: '447700900555' })
    expect(normaliseWhatsappId('tel:447700900555')).toEqual({ ok: true, value: '447700900555' })
  })

  it('a + or a prefix anywhere but the start is refused, as are trailing letters', () => {
    const problem = 'is not a WhatsApp id: expected the international number, at most 15 digits, the first not 0'
    expect(problemOf(normaliseWhatsappId('44+7700900555'))).toBe(`${problem} (got "99+9999999999", 13 characters)`)
    expect(problemOf(normaliseWhatsappId('4477tel:00900555'))).toBe(`${problem} (got "9999aaa:99999999", 16 characters)`)
    expect(problemOf(normaliseWhatsappId('447700900555abc'))).toBe(`${problem} (got "999999999999aaa", 15 characters)`)
  })

  it('refuses invisible characters with that reason', () => {
    expect(problemOf(normaliseWhatsappId('44770090\u202e0555'))).toBe('contains invisible or control characters (got "99999999<U+202E>9999", 13 characters)')
  })
})

describe('contact ids', () => {
  it('must be a UUID and nothing more', () => {
    expect(normaliseContactId('6C2B4B1E-8A51-4D5F-9B3A-0F6B1F7A2C11')).toEqual({ ok: true, value: '6c2b4b1e-8a51-4d5f-9b3a-0f6b1f7a2c11' })
    expect(normaliseContactId('x6c2b4b1e-8a51-4d5f-9b3a-0f6b1f7a2c11').ok).toBe(false)
    expect(normaliseContactId('6c2b4b1e-8a51-4d5f-9b3a-0f6b1f7a2c11x').ok).toBe(false)
  })
})

describe('Open Messaging addresses (and an address on Web Messaging)', () => {
  it('are trimmed and kept as given', () => {
    expect(normaliseOpenAddress('  user@example  ')).toEqual({ ok: true, value: 'user@example' })
    expect(normaliseAddress('open', ' a ')).toEqual({ ok: true, value: 'a' })
    expect(normaliseAddress('webmessaging', ' a ')).toEqual({ ok: true, value: 'a' })
  })

  it('refuse empty, invisible and over-long values, each with its reason', () => {
    expect(problemOf(normaliseOpenAddress('   '))).toBe('is empty (got "   ", 3 characters)')
    expect(problemOf(normaliseAddress('open', 'a\u0000b'))).toBe('contains invisible or control characters (got "a<U+0000>a", 3 characters)')
    expect(normaliseOpenAddress('a'.repeat(512)).ok).toBe(true)
    expect(problemOf(normaliseOpenAddress('a'.repeat(513)))).toBe(`is longer than 512 characters (got "${'a'.repeat(40)}"…, 513 characters)`)
  })
})

describe('customer keys', () => {
  it('a customer with nothing to address is the channel alone', () => {
    expect(customerKey({ channel: 'open' })).toBe('open:')
  })

  it('SMS by the number, falling back to the contact id', () => {
    expect(customerKey({ channel: 'sms', address: 'tel:+1 317 555 0123', externalContactId: '6c2b4b1e-8a51-4d5f-9b3a-0f6b1f7a2c11' })).toBe('sms:+13175550123')
    expect(customerKey({ channel: 'sms', externalContactId: '6C2B4B1E-8A51-4D5F-9B3A-0F6B1F7A2C11' })).toBe('sms:6c2b4b1e-8a51-4d5f-9b3a-0f6b1f7a2c11')
  })
})
