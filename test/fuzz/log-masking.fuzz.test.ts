/**
 * The masking replacer, through a real Powertools Logger built by createObservability: whatever a caller
 * logs (message text, extra keys, nested objects, arrays, errors), no phone number, WhatsApp id, e-mail
 * address, value of a personal key or secret reaches the output; ids and dates stay readable.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskLogValue, maskPersonalData, MAX_LOGGED_STRING } from '#functions/shared/log-masking.ts'
import { createObservability } from '#functions/shared/observability.ts'
import { captureLogs, fuzzParams, type CapturedLogs } from './harness.ts'
import { emailArb, phoneArb } from './hostile.ts'

const CI_RUNS = 200

let previousLevel: string | undefined
let logs: CapturedLogs

beforeAll(() => {
  previousLevel = process.env.POWERTOOLS_LOG_LEVEL
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG'
})

afterAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = previousLevel
})

/** Personal data as it shows up in the wild: E.164 with or without punctuation, WhatsApp ids, e-mails. */
const personalArb = fc.oneof(
  phoneArb,
  phoneArb.map((p) => p.slice(1)),
  phoneArb.map((p) => `+1 (${p.slice(2, 5)}) ${p.slice(5, 8)}-${p.slice(8)}`),
  phoneArb.map((p) => `${p.slice(0, 2)}.${p.slice(2, 5)}.${p.slice(5, 8)}.${p.slice(8)}`),
  emailArb,
)
/** Digits of a phone number, to find it whatever punctuation was kept. */
const digitsOf = (value: string): string => value.replace(/\D/g, '')

const fillerArb = fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => s.replace(/[\d+@]/g, ''))
const keyArb = fc.oneof(fc.constantFrom('detail', 'note', 'error', 'context', 'value', 'items'), fc.stringMatching(/^[a-z]{1,8}$/))

/** The value placed somewhere in a log call: in free text, nested, in an array, or in an Error. */
const placementArb = fc.constantFrom('message', 'extra', 'nested', 'array', 'error', 'errorCause')

describe('log masking through the Logger', () => {
  it('never writes the personal data it is given, wherever the caller puts it', () => {
    const { logger } = createObservability('fuzz')
    logs = captureLogs()
    try {
      fc.assert(
        fc.property(personalArb, fillerArb, fillerArb, keyArb, placementArb, fc.constantFrom('info', 'warn', 'error', 'debug'), (value, before, after, key, placement, level) => {
          logs.clear()
          const text = `${before} ${value} ${after}`
          const log = logger[level as 'info'].bind(logger)
          switch (placement) {
            case 'message':
              log(text)
              break
            case 'extra':
              log('event', { [key]: text })
              break
            case 'nested':
              log('event', { outer: { [key]: { deeper: text } } })
              break
            case 'array':
              log('event', { [key]: ['a', text, 3] })
              break
            case 'error':
              log('failed', new Error(text))
              break
            case 'errorCause':
              log('failed', { error: new Error('outer', { cause: new Error(text) }) })
              break
          }
          const output = logs.text()
          expect(output.length, 'nothing logged').toBeGreaterThan(0)
          if (value.includes('@')) expect(output).not.toContain(value)
          else expect(output.replace(/\D/g, '')).not.toContain(digitsOf(value))
        }),
        fuzzParams(CI_RUNS),
      )
    } finally {
      logs.restore()
    }
  })

  it('masks every value under a personal or secret key, whatever its content', () => {
    const { logger } = createObservability('fuzz')
    const keys = [
      'textBody',
      'toAddress',
      'externalContactId',
      'address',
      'addressFrom',
      'ani',
      'clientSecret',
      'client_secret',
      'access_token',
      'accessToken',
      'Authorization',
      'refresh_token',
      'password',
      'body',
    ]
    logs = captureLogs()
    try {
      fc.assert(
        fc.property(fc.constantFrom(...keys), fc.stringMatching(/^[A-Za-z]{12,40}$/), (key, secret) => {
          logs.clear()
          logger.info('call', { request: { headers: { [key]: secret } }, [key]: secret })
          expect(logs.text()).not.toContain(secret)
        }),
        fuzzParams(CI_RUNS),
      )
    } finally {
      logs.restore()
    }
  })
})

describe('maskPersonalData', () => {
  it('keeps UUIDs, ISO dates and IPv4 addresses readable', () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), fc.date({ min: new Date('2001-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }), (uuid, date) => {
        const text = `conversation ${uuid} at ${date.toISOString()} from 127.0.0.1 in arn:aws:lambda:us-east-1:123456789012:function:send`
        expect(maskPersonalData(text)).toBe(text)
      }),
      fuzzParams(CI_RUNS),
    )
  })

  it('cuts long strings so a hostile field cannot fill a log line', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_LOGGED_STRING + 1, max: 300_000 }), (length) => {
        expect(maskPersonalData('x'.repeat(length)).length).toBeLessThan(MAX_LOGGED_STRING + 40)
      }),
      fuzzParams(20),
    )
  })

  it('masks by key and leaves the root, array indexes and other keys to the content rule', () => {
    expect(maskLogValue('toAddress', '+13175550100')).toBe('[masked]')
    expect(maskLogValue('customer', { address: 'x' })).toEqual({ address: 'x' })
    expect(maskLogValue('clientSecret', { nested: true })).toBe('[redacted]')
    expect(maskLogValue('nextToken', 'abc')).toBe('[redacted]')
    expect(maskLogValue('0', 'call +13175550100 now')).toBe('call [phone] now')
    expect(maskLogValue('', { a: 1 })).toEqual({ a: 1 })
    expect(maskLogValue('fromAddress', '+13175550100')).toBe('[phone]')
    expect(maskLogValue('status', 200)).toBe(200)
  })
})
