/**
 * Properties of the pure parsers over hostile input: they only ever throw the two errors the handlers turn into
 * "rejected" and "ignored", every problem names a field of the envelope and stays short (no echo of a 300 KB
 * value), an accepted event's time is within the sane bounds, and nothing pollutes Object.prototype.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { EventValidationError, parseEnvelopeJson, parseGenesysEvent, UnsupportedEventError } from '#lib/domain/events.ts'
import { parseMessageRequest } from '#lib/domain/requests.ts'
import { fuzzParams } from './harness.ts'
import { agentEnvelopeArb, conversationEnvelopeArb, HUGE, recordArb } from './hostile.ts'

const CI_RUNS = 300
const MIN_TIME = Date.UTC(2000, 0, 1)
const MAX_TIME = Date.UTC(2100, 0, 1)
const ENVELOPE_FIELDS = new Set(['(body)', 'version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'])

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
})

function parseBody(body: string): { ok: true; at: number } | { ok: false; error: unknown } {
  try {
    return { ok: true, at: parseGenesysEvent(parseEnvelopeJson(body)).at }
  } catch (error) {
    return { ok: false, error }
  }
}

describe('parseGenesysEvent over hostile envelopes', () => {
  const anyRecord = fc.oneof(recordArb(conversationEnvelopeArb), recordArb(agentEnvelopeArb))

  it('throws only EventValidationError or UnsupportedEventError, naming envelope fields in short problems', () => {
    fc.assert(
      fc.property(anyRecord, ({ body, mutation }) => {
        const result = parseBody(body)
        if (result.ok) {
          expect(result.at, mutation).toBeGreaterThanOrEqual(MIN_TIME)
          expect(result.at, mutation).toBeLessThanOrEqual(MAX_TIME)
          return
        }
        const { error } = result
        if (error instanceof UnsupportedEventError) {
          expect(error.message.length).toBeLessThan(300)
          return
        }
        expect(error, mutation).toBeInstanceOf(EventValidationError)
        const problems = (error as EventValidationError).problems
        expect(problems.length, mutation).toBeGreaterThan(0)
        for (const { field, problem } of problems) {
          expect(ENVELOPE_FIELDS.has(field.split('.')[0] ?? ''), `${mutation}: field ${field}`).toBe(true)
          expect(problem.length).toBeGreaterThan(0)
          expect(problem.length, `${mutation}: ${problem.slice(0, 80)}`).toBeLessThan(300)
        }
      }),
      fuzzParams(CI_RUNS),
    )
  })

  it('accepts nothing but JSON objects, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constant(HUGE)), (body) => {
        const result = parseBody(body)
        expect(result.ok).toBe(false)
        if (!result.ok) expect(result.error).toBeInstanceOf(EventValidationError)
      }),
      fuzzParams(CI_RUNS),
    )
  })

  it('rejects far past and far future times, naming the field', () => {
    fc.assert(
      fc.property(
        conversationEnvelopeArb,
        fc.constantFrom('0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', '1970-01-01T00:00:00Z'),
        fc.constantFrom(['time'], ['detail', 'timestamp']),
        ({ envelope }, time, path) => {
          const copy = JSON.parse(JSON.stringify(envelope)) as Record<string, Record<string, unknown>>
          if (path.length === 1) (copy as Record<string, unknown>).time = time
          else (copy.detail as Record<string, unknown>).timestamp = time
          const result = parseBody(JSON.stringify(copy))
          expect(result.ok).toBe(false)
          if (!result.ok) expect((result.error as EventValidationError).problems.map((p) => p.field)).toContain(path.join('.'))
        },
      ),
      fuzzParams(CI_RUNS),
    )
  })

  it('treats a __proto__ key in the body as data', () => {
    const body = '{"__proto__":{"polluted":"yes","source":"aws.partner/genesys.com/cloud/x/y"},"constructor":{"prototype":{"polluted":"yes"}}}'
    const result = parseBody(body)
    expect(result.ok).toBe(false)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('parseMessageRequest over hostile send-queue bodies', () => {
  it('throws only EventValidationError, whatever the body', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constant(HUGE),
          fc.anything().map((value) => JSON.stringify({ source: 'proactive-messaging', 'detail-type': 'ProactiveMessageRequested', detail: value }) ?? ''),
        ),
        (body) => {
          try {
            parseMessageRequest(body)
          } catch (error) {
            expect(error).toBeInstanceOf(EventValidationError)
            for (const problem of (error as EventValidationError).problems) expect(problem.field.length).toBeGreaterThan(0)
          }
        },
      ),
      fuzzParams(CI_RUNS),
    )
  })
})
