/**
 * fast-check arbitraries for hostile input: valid Genesys envelopes (from test/support/genesys-events.ts) and
 * mutations of them: wrong types, missing or extra fields, huge strings (beyond EventBridge's 256 KB), odd
 * unicode, `__proto__` / `constructor` keys, malformed ids in `topicName`, timestamps far in the past or the
 * future, numbers as strings, and truncated JSON. Each arbitrary yields the SQS body text as delivered.
 */
import fc from 'fast-check'
import { conversationEvent, presenceEvent, routingStatusEvent, type GenesysEnvelope } from '../support/genesys-events.ts'

/** Over the 256 KB an EventBridge event may hold, so no legitimate event is ever this large. */
export const HUGE = 'A'.repeat(300 * 1024)

/** A customer's E.164 number: what must never reach a log line unmasked. */
export const phoneArb = fc.integer({ min: 2_000_000_000, max: 9_999_999_999 }).map((n) => `+1${n}`)
export const emailArb = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/), fc.constantFrom('example.com', 'mail.example.org')).map(([user, domain]) => `${user}@${domain}`)
export const timeArb = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) })

export interface Tagged {
  /** The SQS body text. */
  readonly body: string
  /** What was done to a valid envelope, for a readable counterexample. */
  readonly mutation: string
  /** Personal data the body carries (to look for in the logs). */
  readonly personal: readonly string[]
  /** The conversation id of an unmutated conversation event (the test checks it was recorded). */
  readonly recordedConversationId?: string
}

export const conversationEnvelopeArb = fc
  .record({
    conversationId: fc.uuid({ version: 4 }),
    at: timeArb,
    topic: fc.constantFrom('customer.start', 'acd.start', 'user.start', 'customer.end') as fc.Arbitrary<'customer.start' | 'acd.start' | 'user.start' | 'customer.end'>,
    messageType: fc.constantFrom('SMS', 'WHATSAPP', 'WEBMESSAGING', 'OPEN'),
    phone: phoneArb,
    userId: fc.uuid({ version: 4 }),
    queueId: fc.uuid({ version: 4 }),
  })
  .map((input) => ({
    envelope: conversationEvent(input.topic, {
      conversationId: input.conversationId,
      at: input.at,
      messageType: input.messageType,
      addressFrom: input.phone,
      externalContactId: input.messageType === 'WEBMESSAGING' ? input.phone.replace('+', 'ext-') : undefined,
      queueId: input.queueId,
      userId: input.topic === 'user.start' ? input.userId : undefined,
    }),
    personal: [input.phone],
  }))

export const agentEnvelopeArb = fc
  .record({
    agentId: fc.uuid({ version: 4 }),
    at: timeArb,
    signal: fc.constantFrom('presence', 'routingStatus'),
    status: fc.constantFrom('AVAILABLE', 'OFFLINE', 'BREAK', 'ON_QUEUE', 'IDLE', 'INTERACTING'),
  })
  .map((input) => ({
    envelope:
      input.signal === 'presence'
        ? presenceEvent({ agentId: input.agentId, systemPresence: input.status, at: input.at })
        : routingStatusEvent({ agentId: input.agentId, status: input.status, at: input.at }),
    personal: [] as string[],
  }))

const PROTO_PAYLOAD = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'

/** Values no field of an envelope should accept as they are (or that test a boundary). */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -8.64e15, 8.64e15, 1e21),
  fc.constantFrom([], {}, [null], [[]], { nested: { deeper: {} } }),
  fc.constant(HUGE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202eevil', '\ud800', 'A\u0301\u0301\u0301', '🙂'.repeat(100), '\r\n', '{{brand}}', '${process.env}'),
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.constant(JSON.parse(PROTO_PAYLOAD) as unknown),
  fc.constantFrom('0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', '1970-01-01T00:00:00Z', '2026-02-30T00:00:00Z', 'yesterday', '1'),
  phoneArb,
  emailArb,
)

/** Malformed values for `detail.topicName`. */
export const hostileTopicArb = fc.oneof(
  fc.constantFrom(
    'v2.users.not-a-uuid.presence',
    'v2.users..presence',
    'v2.users.{id}.presence',
    'v2.users.+13175550100.presence',
    'v2.users.6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f60.presence.extra',
    'v2.users.6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f60.presence\n',
    'v2.users.6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f6٠.presence',
    'v2.detail.events.conversation.6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f60.customer.start',
    'v2.detail.events.conversation.__proto__.customer.start',
    'v2.detail.events.conversation..customer.start',
  ),
  fc.uuid({ version: 4 }).map((id) => `v2.users.${id}.routingStatus.presence`),
  fc.string({ maxLength: 60 }),
)

type Json = Record<string, unknown>

/** Every path to a value inside the envelope (objects and arrays included). */
function pathsOf(value: unknown, prefix: readonly string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [[...prefix]]
  const children = Object.keys(value).flatMap((key) => pathsOf((value as Json)[key], [...prefix, key]))
  return prefix.length === 0 ? children : [[...prefix], ...children]
}

/** Sets an own property, even `__proto__` (plain assignment would set the prototype instead). */
function defineOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true })
}

function parentOf(root: Json, path: readonly string[]): Json | undefined {
  let node: unknown = root
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Json)[key]
  }
  return typeof node === 'object' && node !== null ? (node as Json) : undefined
}

const clone = (envelope: GenesysEnvelope): Json => JSON.parse(JSON.stringify(envelope)) as Json

type Mutation = (envelope: GenesysEnvelope) => fc.Arbitrary<{ body: string; mutation: string }>

const replaceValue: Mutation = (envelope) => {
  const paths = pathsOf(envelope)
  return fc.tuple(fc.nat({ max: paths.length - 1 }), hostileValueArb).map(([index, value]) => {
    const path = paths[index] ?? ['id']
    const copy = clone(envelope)
    const parent = parentOf(copy, path)
    if (parent) defineOwn(parent, path.at(-1) ?? 'id', value)
    return { body: JSON.stringify(copy), mutation: `set ${path.join('.')} to ${JSON.stringify(value)?.slice(0, 60)}` }
  })
}

const removeField: Mutation = (envelope) => {
  const paths = pathsOf(envelope)
  return fc.nat({ max: paths.length - 1 }).map((index) => {
    const path = paths[index] ?? ['id']
    const copy = clone(envelope)
    const parent = parentOf(copy, path)
    if (parent) delete parent[path.at(-1) ?? 'id']
    return { body: JSON.stringify(copy), mutation: `removed ${path.join('.')}` }
  })
}

const addField: Mutation = (envelope) => {
  const objectPaths = [[], ...pathsOf(envelope).filter((path) => parentOf(clone(envelope), [...path, 'x']) !== undefined)]
  return fc
    .tuple(fc.nat({ max: objectPaths.length - 1 }), fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), fc.string({ maxLength: 12 })), hostileValueArb)
    .map(([index, key, value]) => {
      const path = objectPaths[index] ?? []
      const copy = clone(envelope)
      const target = path.length === 0 ? copy : parentOf(copy, [...path, key])
      if (target) defineOwn(target, key, value)
      return { body: JSON.stringify(copy), mutation: `added ${[...path, key].join('.')} = ${JSON.stringify(value)?.slice(0, 60)}` }
    })
}

const badTopic: Mutation = (envelope) =>
  hostileTopicArb.map((topicName) => {
    const copy = clone(envelope)
    ;(copy.detail as Json).topicName = topicName
    return { body: JSON.stringify(copy), mutation: `topicName ${JSON.stringify(topicName)}` }
  })

const truncate: Mutation = (envelope) => {
  const text = JSON.stringify(envelope)
  return fc.nat({ max: text.length - 1 }).map((length) => ({ body: text.slice(0, length), mutation: `truncated to ${length} characters` }))
}

const foreignSource: Mutation = (envelope) =>
  fc
    .constantFrom(
      'com.example.crm',
      'aws.partner/genesys.com.evil/cloud/x/y',
      'aws.partner/genesys.com/cloud/../y',
      'aws.partner/genesys.com/cloud/00000000-0000-4000-8000-000000000bad/other',
      'aws.events',
      'proactive-messaging',
    )
    .map((source) => ({ body: JSON.stringify({ ...envelope, source }), mutation: `source ${source}` }))

const notAnEnvelope: Mutation = () =>
  fc.oneof(fc.json(), fc.string({ maxLength: 50 }), fc.constantFrom('', 'null', '[]', '"text"', '42', PROTO_PAYLOAD, HUGE)).map((body) => ({ body, mutation: `body ${body.slice(0, 60)}` }))

const MUTATIONS: readonly Mutation[] = [replaceValue, replaceValue, removeField, addField, badTopic, truncate, foreignSource, notAnEnvelope]

/** One record of a batch: an unmutated event, or a mutated one. */
export function recordArb(envelopes: fc.Arbitrary<{ envelope: GenesysEnvelope; personal: string[] }>): fc.Arbitrary<Tagged> {
  return envelopes.chain(({ envelope, personal }) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant<Tagged>({ body: JSON.stringify(envelope), mutation: 'none', personal, recordedConversationId: recordedIdOf(envelope) }) },
      { weight: 3, arbitrary: fc.oneof(...MUTATIONS.map((mutate) => mutate(envelope))).map((m) => ({ ...m, personal })) },
    ),
  )
}

function recordedIdOf(envelope: GenesysEnvelope): string | undefined {
  const id = envelope.detail.eventBody.conversationId
  return typeof id === 'string' ? id : undefined
}
