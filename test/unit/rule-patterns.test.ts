/**
 * The stack's real rule patterns (lib/topology.ts) against events as Genesys and this app publish them.
 * A rule that matches here matches in AWS, because the CDK stack uses the same objects.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { matchesPattern, validatePattern } from '../../local/event-pattern.ts'
import {
  AGENT_DETAIL_TYPES,
  APP_DETAIL_TYPES,
  APP_EVENT_SOURCE,
  CONVERSATION_DETAIL_TYPES,
  DETAIL_TYPES,
  genesysEventSourceName,
  partnerArchivePattern,
  rulePatterns,
  type RulePatterns,
} from '#lib/topology.ts'

type Envelope = Record<string, unknown> & { source: string; 'detail-type': string; detail: Record<string, unknown> }

const fixture = (name: string): Envelope => JSON.parse(readFileSync(new URL(`../fixtures/genesys/${name}`, import.meta.url), 'utf8')) as Envelope

const ORG_ID = '32aa07aa-db1b-4987-abd0-9483601ec29d'
const OTHER_ORG_ID = 'bb14bed0-f8f9-445d-b9d1-10cecb8569d6'
const productionSource = genesysEventSourceName(ORG_ID, 'proactive')

const RULES = ['conversationEvents', 'agentEvents', 'messageRequested'] as const satisfies readonly (keyof RulePatterns)[]

/** Names of the rules (any org) that match the envelope. */
function matchingRules(envelope: Envelope, patterns: RulePatterns = rulePatterns()): string[] {
  return RULES.filter((rule) => matchesPattern(patterns[rule], envelope))
}

/** A conversation fixture moved to a production source and turned into a Web Messaging conversation. */
function asWebMessaging(envelope: Envelope): Envelope {
  const detail = envelope.detail as { eventBody: Record<string, unknown> }
  return {
    ...envelope,
    source: productionSource,
    detail: { ...detail, eventBody: { ...detail.eventBody, mediaType: 'MESSAGE', messageType: 'WEBMESSAGING' } },
  }
}

function presenceEnvelope(source: string = productionSource): Envelope {
  return {
    version: '0',
    id: 'd6f8c0de-0000-4000-8000-000000000001',
    'detail-type': DETAIL_TYPES.presence,
    source,
    account: '123456789012',
    time: '2024-05-01T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: fixture('notification-user-presence.json'),
  }
}

const customerStart = fixture('eventbridge-conversation-customer-start.json')
const customerEnd = fixture('eventbridge-conversation-customer-end.json')

describe('rulePatterns() are valid EventBridge patterns', () => {
  it.each([{}, { orgId: ORG_ID }])('with options %j', (options) => {
    const patterns = rulePatterns(options)
    for (const rule of RULES) expect(validatePattern(patterns[rule]), rule).toEqual([])
  })
})

describe('conversationEvents', () => {
  it.each([
    ['customer.start', customerStart],
    ['customer.end', customerEnd],
  ])('ignores the verbatim CHAT %s sample', (_name, envelope) => {
    expect(matchingRules(envelope)).toEqual([])
  })

  it.each([
    ['customer.start', customerStart],
    ['customer.end', customerEnd],
  ])('ignores a CHAT %s even from a production source: only MESSAGE media is recorded', (_name, envelope) => {
    expect(matchingRules({ ...envelope, source: productionSource })).toEqual([])
  })

  it.each([
    ['customer.start', customerStart],
    ['customer.end', customerEnd],
  ])('matches the %s sample as a Web Messaging conversation', (_name, envelope) => {
    expect(matchingRules(asWebMessaging(envelope))).toEqual(['conversationEvents'])
  })

  it.each(CONVERSATION_DETAIL_TYPES)('matches detail-type %s with MESSAGE media', (detailType) => {
    expect(matchingRules({ ...asWebMessaging(customerStart), 'detail-type': detailType })).toEqual(['conversationEvents'])
  })

  it('ignores a MESSAGE event from the Genesys test-org source (aws.partner/genesys.com.test/...)', () => {
    // The blueprint samples come from Genesys's own test environment; production partner sources are
    // aws.partner/genesys.com/cloud/{orgId}/{suffix} (docs/genesys-platform.md), which is what the rule accepts.
    expect(matchingRules({ ...asWebMessaging(customerStart), source: customerStart.source })).toEqual([])
  })

  it('ignores a conversation event with no mediaType', () => {
    const envelope = asWebMessaging(customerStart)
    const { mediaType: _dropped, ...eventBody } = (envelope.detail as { eventBody: Record<string, unknown> }).eventBody
    expect(matchingRules({ ...envelope, detail: { ...envelope.detail, eventBody } })).toEqual([])
  })

  it('ignores mediaType in another case (exact matching is case-sensitive)', () => {
    const envelope = asWebMessaging(customerStart)
    const detail = envelope.detail as { eventBody: Record<string, unknown> }
    expect(matchingRules({ ...envelope, detail: { ...detail, eventBody: { ...detail.eventBody, mediaType: 'message' } } })).toEqual([])
  })
})

describe('agentEvents', () => {
  it('matches the presence notification in a Genesys partner envelope', () => {
    expect(matchingRules(presenceEnvelope())).toEqual(['agentEvents'])
  })

  it.each(AGENT_DETAIL_TYPES)('matches detail-type %s', (detailType) => {
    expect(matchingRules({ ...presenceEnvelope(), 'detail-type': detailType })).toEqual(['agentEvents'])
  })

  it('ignores the concrete topic name used as detail-type (Genesys sends the {id} pattern)', () => {
    const envelope = presenceEnvelope()
    expect(matchingRules({ ...envelope, 'detail-type': String(envelope.detail.topicName) })).toEqual([])
  })

  it('ignores the audit-topic presence change sample', () => {
    expect(matchingRules(fixture('eventbridge-audit-user-presence.json'))).toEqual([])
  })
})

describe('events no rule handles', () => {
  it('ignores the unknown detail-type sample, even from a production source', () => {
    const unknown = fixture('eventbridge-unknown-detail-type.json')
    expect(matchingRules(unknown)).toEqual([])
    expect(matchingRules({ ...unknown, source: productionSource })).toEqual([])
  })
})

describe('org-scoped patterns', () => {
  const scoped = rulePatterns({ orgId: ORG_ID })

  it('accepts the configured org', () => {
    expect(matchingRules(presenceEnvelope(), scoped)).toEqual(['agentEvents'])
    expect(matchingRules(asWebMessaging(customerStart), scoped)).toEqual(['conversationEvents'])
  })

  it("rejects another org's partner source", () => {
    const otherOrg = genesysEventSourceName(OTHER_ORG_ID, 'proactive')
    expect(matchingRules(presenceEnvelope(otherOrg), scoped)).toEqual([])
    expect(matchingRules({ ...asWebMessaging(customerStart), source: otherOrg }, scoped)).toEqual([])
    // …which the unscoped pattern accepts.
    expect(matchingRules(presenceEnvelope(otherOrg))).toEqual(['agentEvents'])
  })

  it('rejects an org id that only starts with the configured one', () => {
    const lookalike = `aws.partner/genesys.com/cloud/${ORG_ID}0/proactive`
    expect(matchingRules(presenceEnvelope(lookalike), scoped)).toEqual([])
  })

  it.each(['my.app', 'aws.partner/other.com/cloud/x/y', APP_EVENT_SOURCE])('rejects non-Genesys source %s', (source) => {
    expect(matchingRules(presenceEnvelope(source), scoped)).toEqual([])
    expect(matchingRules(presenceEnvelope(source))).toEqual([])
  })
})

describe('messageRequested', () => {
  const requested: Envelope = {
    version: '0',
    id: 'b2c3d4e5-0000-4000-8000-000000000002',
    'detail-type': APP_DETAIL_TYPES.requested,
    source: APP_EVENT_SOURCE,
    account: '000000000000',
    time: '2024-05-01T09:00:01Z',
    region: 'us-east-1',
    resources: [],
    detail: { dedupeKey: 'k-1', channel: 'webmessaging' },
  }

  it('matches a ProactiveMessageRequested app event', () => {
    expect(matchingRules(requested)).toEqual(['messageRequested'])
  })

  it.each([APP_DETAIL_TYPES.sent, APP_DETAIL_TYPES.failed])('ignores the %s outcome event', (detailType) => {
    expect(matchingRules({ ...requested, 'detail-type': detailType })).toEqual([])
  })

  it('ignores the same detail-type from another source', () => {
    expect(matchingRules({ ...requested, source: productionSource })).toEqual([])
  })
})

describe('partnerArchivePattern', () => {
  it.each([{}, { orgId: ORG_ID }])('is a valid pattern that archives exactly what a partner-bus rule consumes (%j)', (options) => {
    const archive = partnerArchivePattern(options)
    expect(validatePattern(archive)).toEqual([])
    const patterns = rulePatterns(options)
    const otherOrg = genesysEventSourceName(OTHER_ORG_ID, 'proactive')
    const cases = [
      customerStart,
      customerEnd,
      asWebMessaging(customerStart),
      asWebMessaging(customerEnd),
      { ...asWebMessaging(customerStart), source: otherOrg },
      presenceEnvelope(),
      presenceEnvelope(otherOrg),
      { ...presenceEnvelope(), 'detail-type': 'v2.users.{id}.geolocation' },
      { ...presenceEnvelope(), source: APP_EVENT_SOURCE, 'detail-type': APP_DETAIL_TYPES.requested },
    ]
    const consumed = cases.map((event) => matchesPattern(patterns.conversationEvents, event) || matchesPattern(patterns.agentEvents, event))
    expect(consumed.filter(Boolean).length).toBeGreaterThanOrEqual(3)
    expect(cases.map((event) => matchesPattern(archive, event))).toEqual(consumed)
  })
})
