/** WhatsApp template parameters as settings: validated at start and at synth, filled per send. */
import { describe, expect, it } from 'vitest'
import { resolveSettings } from '../../cdk/settings.ts'
import { channelSettings, ConfigError, loadConfig, sendConfigSchema } from '#lib/config.ts'
import type { MessageRequest } from '#lib/domain/model.ts'
import type { AgentlessRequest } from '#lib/domain/payload.ts'
import { sendMessage, type SendDeps } from '#lib/send/send-message.ts'
import { recordedSessions } from '../support/recorded-sessions.ts'
import { capLedger } from '../support/cap-ledger.ts'

const BASE_ENV = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus', SEND_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq', BRAND_NAME: 'Acme' }
const load = (env: Record<string, string>) => loadConfig('send', sendConfigSchema, { ...BASE_ENV, ...env })

describe('WHATSAPP_TEMPLATE_BODY_PARAMETERS / _HEADER_PARAMETERS', () => {
  it('are read as parameter id → value and reach the channel settings', () => {
    const config = load({ WHATSAPP_TEMPLATE_BODY_PARAMETERS: '{"1": "{{brand}}", "2": "today"}', WHATSAPP_TEMPLATE_HEADER_PARAMETERS: '{"1": "Hello"}' })
    expect(channelSettings(config).whatsapp).toMatchObject({ templateBodyParameters: { 1: '{{brand}}', 2: 'today' }, templateHeaderParameters: { 1: 'Hello' } })
    expect(channelSettings(load({})).whatsapp).not.toHaveProperty('templateBodyParameters')
  })

  it.each([
    ['not JSON', '{1: brand}', /WHATSAPP_TEMPLATE_BODY_PARAMETERS: must be a JSON object/],
    ['an array', '["{{brand}}"]', /WHATSAPP_TEMPLATE_BODY_PARAMETERS: must be a non-empty JSON object/],
    ['a non-string value', '{"1": 5}', /WHATSAPP_TEMPLATE_BODY_PARAMETERS: must be a non-empty JSON object/],
    ['an unknown placeholder', '{"1": "{{firstName}}"}', /WHATSAPP_TEMPLATE_BODY_PARAMETERS: parameter "1": unknown placeholder \{\{firstName\}\}/],
  ])('stop the function at start when %s, naming the setting', (_case, value, message) => {
    expect(() => load({ WHATSAPP_TEMPLATE_BODY_PARAMETERS: value })).toThrow(ConfigError)
    expect(() => load({ WHATSAPP_TEMPLATE_BODY_PARAMETERS: value })).toThrow(message)
  })

  it('are settable from CDK as an object or a JSON string, and rejected at synth when malformed', () => {
    expect(resolveSettings({ whatsappTemplateBodyParameters: { 1: '{{brand}}' } }).whatsappTemplateBodyParameters).toEqual({ 1: '{{brand}}' })
    expect(resolveSettings({ whatsappTemplateHeaderParameters: '{"1": "Hi"}' } as Record<string, unknown>).whatsappTemplateHeaderParameters).toEqual({ 1: 'Hi' })
    expect(() => resolveSettings({ whatsappTemplateBodyParameters: '[1]' } as Record<string, unknown>)).toThrow(/"whatsappTemplateBodyParameters"/)
  })

  it('are sent as messagingTemplate.bodyParameters/headerParameters with the placeholders filled', async () => {
    const config = load({ WHATSAPP_TEMPLATE_BODY_PARAMETERS: '{"1": "{{brand}} on {{channel}}"}', WHATSAPP_TEMPLATE_HEADER_PARAMETERS: '{"h": "Hello from {{brand}}"}' })
    const sent: AgentlessRequest[] = []
    const deps = {
      clock: { now: () => 1_000 },
      genesys: { sendAgentless: async (body: AgentlessRequest) => (sent.push(body), { ok: true, status: 202, messageId: 'm' }) },
      pacer: { acquire: async () => {}, pause: () => {} },
      cap: capLedger(),
      optOuts: { optOutsOf: async () => new Map() },
      sessions: recordedSessions({ conversationId: 'c', customer: { channel: 'whatsapp', address: '+13175550123' }, requestedAt: 1_000 }),
      ledger: { begin: async () => 'started', finish: async () => {}, markNotified: async () => {} },
    } as unknown as SendDeps
    const request: MessageRequest = {
      dedupeKey: 'k',
      conversationId: 'c',
      customer: { channel: 'whatsapp', address: '+13175550123' },
      agentId: 'a',
      scope: 'agent',
      requestedAt: 1_000,
      triggerEventId: 't',
    }
    const settings = { maxDelayMs: 60_000, attemptTimeoutMs: 60_000, capMs: 1, windowMs: 3_600_000, brand: config.BRAND_NAME, channels: channelSettings(config) }
    expect(await sendMessage(request, deps, settings)).toMatchObject({ kind: 'sent' })
    expect(sent[0]?.messagingTemplate).toEqual({
      responseId: config.WHATSAPP_TEMPLATE_ID,
      headerParameters: [{ id: 'h', value: 'Hello from Acme' }],
      bodyParameters: [{ id: '1', value: 'Acme on whatsapp' }],
    })
  })
})
