import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULTS, channelSettings, loadConfig, presenceConfigSchema, sendConfigSchema, sessionRecorderConfigSchema } from '#lib/config.ts'
import { buildAgentlessRequest } from '#lib/domain/payload.ts'

const PRESENCE_ENV = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'agent-state', APP_EVENT_BUS_NAME: 'app-bus' }
const SEND_ENV = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'agent-state', APP_EVENT_BUS_NAME: 'app-bus', SEND_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/send-dlq' }

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('defaults', () => {
  it('presence: agent scope, ON_QUEUE and IDLE (the Genesys definition of able to take routed work), 24 h window and cap, 10 min cooldown', () => {
    expect(loadConfig('presence', presenceConfigSchema, PRESENCE_ENV)).toEqual({
      ...PRESENCE_ENV,
      // Operator controls: live, and everyone in the pilot, unless set.
      SENDING_MODE: 'live',
      ENABLED_AGENT_IDS: [],
      ENABLED_QUEUE_IDS: [],
      ENABLED_CHANNELS: ['webmessaging', 'sms', 'whatsapp', 'open'],
      TARGET_SCOPE: 'agent',
      AVAILABLE_PRESENCES: ['ON_QUEUE'],
      AVAILABLE_ROUTING_STATUSES: ['IDLE'],
      MAX_CLOCK_SKEW_SECONDS: 300,
      WINDOW_HOURS: 24,
      CAP_HOURS: 24,
      // A conversation with no event for 4 h counts as ended (busy-customer check).
      ACTIVE_CONVERSATION_STALE_HOURS: 4,
      COOLDOWN_MINUTES: 10,
      QUEUE_CACHE_MINUTES: 5,
      // As many customers as the agent can serve, from Genesys utilization; 4 if that lookup fails.
      MAX_MESSAGES_PER_TRIGGER: 'agent-capacity',
      FALLBACK_MESSAGES_PER_TRIGGER: 4,
      CAPACITY_CACHE_MINUTES: 5,
      // Every conversation is eligible, no wrap-up code excluded.
      ELIGIBLE_SESSIONS: 'all',
      EXCLUDE_WRAPUP_CODES: [],
      GENESYS_REGION: 'mypurecloud.com',
      GENESYS_TIMEOUT_MS: 10_000,
    })
  })

  // CAP_HOURS is not part of the session recorder's configuration: nothing there reads it.
  it('session recorder: 24 h window, 72 h reply window', () => {
    expect(loadConfig('session-recorder', sessionRecorderConfigSchema, { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus' })).toEqual({
      SESSIONS_TABLE_NAME: 'sessions',
      STATE_TABLE_NAME: 'state',
      APP_EVENT_BUS_NAME: 'bus',
      WINDOW_HOURS: 24,
      REPLY_WINDOW_HOURS: 72,
      MAX_CLOCK_SKEW_SECONDS: 300,
    })
  })

  it('clock skew: 300 s by default, at most an hour, named when wrong', () => {
    const env = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus' }
    expect(loadConfig('session-recorder', sessionRecorderConfigSchema, { ...env, MAX_CLOCK_SKEW_SECONDS: '3600' }).MAX_CLOCK_SKEW_SECONDS).toBe(3600)
    expect(() => loadConfig('session-recorder', sessionRecorderConfigSchema, { ...env, MAX_CLOCK_SKEW_SECONDS: '3601' })).toThrow(/MAX_CLOCK_SKEW_SECONDS: must be at most 3600 seconds/)
  })

  it('reply window: at most 31 days, named when wrong', () => {
    const env = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus' }
    expect(() => loadConfig('session-recorder', sessionRecorderConfigSchema, { ...env, REPLY_WINDOW_HOURS: '745' })).toThrow(/REPLY_WINDOW_HOURS: must be at most 744 hours/)
    expect(loadConfig('session-recorder', sessionRecorderConfigSchema, { ...env, REPLY_WINDOW_HOURS: '12' }).REPLY_WINDOW_HOURS).toBe(12)
  })

  it('send: 15 min max delay, the budget, the default text and senders', () => {
    const config = loadConfig('send', sendConfigSchema, SEND_ENV)
    expect(config).toMatchObject({
      MAX_DELAY_MINUTES: 15,
      ACTIVE_CONVERSATION_STALE_HOURS: 4,
      GENESYS_BUDGET_PER_MINUTE: 300,
      GENESYS_BUDGET_HEADROOM: 0.95,
      MESSAGE_TEXT: DEFAULTS.text,
      BRAND_NAME: '',
      WEBMESSAGING_DEPLOYMENT_ID: DEFAULTS.fromAddress.webmessaging,
      SMS_FROM_NUMBER: DEFAULTS.fromAddress.sms,
      WHATSAPP_INTEGRATION_ID: DEFAULTS.fromAddress.whatsapp,
      WHATSAPP_TEMPLATE_ID: DEFAULTS.whatsappTemplateId,
      OPEN_INTEGRATION_ID: DEFAULTS.fromAddress.open,
    })
    expect(config.GENESYS_SECRET_ARN).toBeUndefined()
  })

  it('matches the documented defaults tables (README for the functions, docs/deployment.md for CDK)', () => {
    const defaultsIn = (file: string, defaultColumn: number) =>
      new Map(
        readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('| `'))
          .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '').replaceAll('`', '')))
          .map((cells) => [cells[0]!, cells[defaultColumn]!]),
      )
    const readme = defaultsIn('README.md', 2)
    const presence = loadConfig('presence', presenceConfigSchema, PRESENCE_ENV)
    const send = loadConfig('send', sendConfigSchema, SEND_ENV)
    expect(readme.get('TARGET_SCOPE')).toBe(presence.TARGET_SCOPE)
    expect(readme.get('AVAILABLE_PRESENCES')).toBe(presence.AVAILABLE_PRESENCES.join(','))
    expect(readme.get('WINDOW_HOURS')).toBe(String(presence.WINDOW_HOURS))
    expect(readme.get('CAP_HOURS')).toBe(String(presence.CAP_HOURS))
    expect(readme.get('COOLDOWN_MINUTES')).toBe(String(presence.COOLDOWN_MINUTES))
    expect(readme.get('MAX_DELAY_MINUTES')).toBe(String(send.MAX_DELAY_MINUTES))
    expect(readme.get('GENESYS_BUDGET_HEADROOM')).toBe(String(send.GENESYS_BUDGET_HEADROOM))
    const deployment = defaultsIn('docs/deployment.md', 1)
    expect(deployment.get('budgetHeadroom')).toBe(String(send.GENESYS_BUDGET_HEADROOM))
    expect(deployment.get('budgetPerMinute')).toBe(String(send.GENESYS_BUDGET_PER_MINUTE))
    expect(deployment.get('windowHours')).toBe(String(presence.WINDOW_HOURS))
  })
})

describe('values from the environment', () => {
  it('reads numbers from strings and trims list items', () => {
    const config = loadConfig('presence', presenceConfigSchema, {
      ...PRESENCE_ENV,
      TARGET_SCOPE: 'queue',
      AVAILABLE_PRESENCES: ' available , on_queue ,',
      WINDOW_HOURS: '12',
      CAP_HOURS: '48',
      COOLDOWN_MINUTES: '0',
    })
    expect(config).toMatchObject({ TARGET_SCOPE: 'queue', AVAILABLE_PRESENCES: ['available', 'on_queue'], WINDOW_HOURS: 12, CAP_HOURS: 48, COOLDOWN_MINUTES: 0 })
  })

  it('presence: MAX_MESSAGES_PER_TRIGGER is a positive whole number or agent-capacity', () => {
    expect(loadConfig('presence', presenceConfigSchema, { ...PRESENCE_ENV, MAX_MESSAGES_PER_TRIGGER: '3', FALLBACK_MESSAGES_PER_TRIGGER: '2' })).toMatchObject({
      MAX_MESSAGES_PER_TRIGGER: 3,
      FALLBACK_MESSAGES_PER_TRIGGER: 2,
    })
    expect(loadConfig('presence', presenceConfigSchema, { ...PRESENCE_ENV, MAX_MESSAGES_PER_TRIGGER: 'Agent-Capacity' }).MAX_MESSAGES_PER_TRIGGER).toBe('agent-capacity')
  })

  it('presence: ELIGIBLE_SESSIONS=unserved needs TARGET_SCOPE=queue; EXCLUDE_WRAPUP_CODES is a list', () => {
    expect(loadConfig('presence', presenceConfigSchema, { ...PRESENCE_ENV, TARGET_SCOPE: 'queue', ELIGIBLE_SESSIONS: 'unserved', EXCLUDE_WRAPUP_CODES: ' a, b ,' })).toMatchObject({
      ELIGIBLE_SESSIONS: 'unserved',
      EXCLUDE_WRAPUP_CODES: ['a', 'b'],
    })
    const error = configError(() => loadConfig('presence', presenceConfigSchema, { ...PRESENCE_ENV, ELIGIBLE_SESSIONS: 'unserved' }))
    expect(error.message).toMatch(/ELIGIBLE_SESSIONS: .*TARGET_SCOPE=queue.*TARGET_SCOPE=agent/)
  })

  it('ignores variables it does not know (Lambda sets many)', () => {
    expect(
      loadConfig('session-recorder', sessionRecorderConfigSchema, { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus', AWS_REGION: 'eu-west-1', PATH: '/usr/bin' }),
    ).not.toHaveProperty('PATH')
  })
})

describe('a bad value is a ConfigError naming the variable', () => {
  it.each([
    ['WINDOW_HOURS', 'abc'],
    ['WINDOW_HOURS', '0'],
    ['WINDOW_HOURS', '-1'],
    ['CAP_HOURS', 'twenty'],
    ['ACTIVE_CONVERSATION_STALE_HOURS', '0'],
    ['ACTIVE_CONVERSATION_STALE_HOURS', 'four'],
    ['COOLDOWN_MINUTES', '-5'],
    ['TARGET_SCOPE', 'team'],
    ['AVAILABLE_PRESENCES', ''],
    ['AVAILABLE_ROUTING_STATUSES', ' , '],
    ['GENESYS_GATEWAY_URL', 'not a url'],
    ['SESSIONS_TABLE_NAME', 'ab'],
    ['MAX_MESSAGES_PER_TRIGGER', '0'],
    ['MAX_MESSAGES_PER_TRIGGER', '2.5'],
    ['MAX_MESSAGES_PER_TRIGGER', 'capacity'],
    ['FALLBACK_MESSAGES_PER_TRIGGER', '0'],
    ['FALLBACK_MESSAGES_PER_TRIGGER', '1.5'],
    ['ELIGIBLE_SESSIONS', 'served'],
  ])('presence: %s=%j', (name, value) => {
    const error = configError(() => loadConfig('presence', presenceConfigSchema, { ...PRESENCE_ENV, [name]: value }))
    expect(error.message).toContain('invalid configuration for presence')
    expect(error.message).toContain(`${name}:`)
  })

  it('names a missing required variable', () => {
    const { APP_EVENT_BUS_NAME: _missing, ...env } = PRESENCE_ENV
    expect(configError(() => loadConfig('presence', presenceConfigSchema, env)).message).toMatch(/APP_EVENT_BUS_NAME: /)
  })

  it('names every bad variable at once', () => {
    const message = configError(() => loadConfig('presence', presenceConfigSchema, { ...PRESENCE_ENV, WINDOW_HOURS: 'x', TARGET_SCOPE: 'y' })).message
    expect(message).toContain('WINDOW_HOURS')
    expect(message).toContain('TARGET_SCOPE')
  })

  it.each([
    ['SMS_FROM_NUMBER', '5550100', /E\.164/],
    ['SEND_DLQ_URL', 'send-dlq', /URL/i],
    ['MAX_DELAY_MINUTES', '0', /MAX_DELAY_MINUTES/],
    ['GENESYS_BUDGET_HEADROOM', '1.5', /GENESYS_BUDGET_HEADROOM/],
    ['GENESYS_BUDGET_HEADROOM', '0', /GENESYS_BUDGET_HEADROOM/],
    ['MESSAGE_TEXT', '', /MESSAGE_TEXT/],
    ['MESSAGE_TEXT', 'x'.repeat(4001), /MESSAGE_TEXT/],
  ])('send: %s=%j', (name, value, expected) => {
    const error = configError(() => loadConfig('send', sendConfigSchema, { ...SEND_ENV, [name]: value }))
    expect(error.message).toContain(`${name}:`)
    expect(error.message).toMatch(expected)
  })

  it('rejects a message text with an unknown placeholder, naming the variable and the placeholder', () => {
    const error = configError(() => loadConfig('send', sendConfigSchema, { ...SEND_ENV, MESSAGE_TEXT_SMS: 'Hi {{firstName}}, {{brand}} here' }))
    expect(error.message).toContain('MESSAGE_TEXT_SMS: unknown placeholder {{firstName}}')
    expect(error.message).not.toContain('brand')
  })
})

describe('channelSettings', () => {
  it('maps each channel to its sender, text and (WhatsApp) template', () => {
    const config = loadConfig('send', sendConfigSchema, {
      ...SEND_ENV,
      MESSAGE_TEXT: 'General {{brand}}',
      MESSAGE_TEXT_SMS: 'Short {{brand}}',
      WEBMESSAGING_DEPLOYMENT_ID: 'deployment-1',
      SMS_FROM_NUMBER: '+13175550199',
      WHATSAPP_INTEGRATION_ID: 'wa-1',
      WHATSAPP_TEMPLATE_ID: 'tpl-1',
      OPEN_INTEGRATION_ID: 'open-1',
    })
    expect(channelSettings(config)).toEqual({
      webmessaging: { fromAddress: 'deployment-1', text: 'General {{brand}}' },
      sms: { fromAddress: '+13175550199', text: 'Short {{brand}}' },
      whatsapp: { fromAddress: 'wa-1', text: 'General {{brand}}', templateResponseId: 'tpl-1' },
      open: { fromAddress: 'open-1', text: 'General {{brand}}' },
    })
  })

  it('with the defaults, builds a valid agentless request for every channel', () => {
    const settings = channelSettings(loadConfig('send', sendConfigSchema, SEND_ENV))
    expect(() => buildAgentlessRequest({ channel: 'webmessaging', externalContactId: 'c' }, settings.webmessaging, settings.webmessaging.text)).not.toThrow()
    expect(() => buildAgentlessRequest({ channel: 'sms', address: '+15550001111' }, settings.sms, settings.sms.text)).not.toThrow()
    expect(() => buildAgentlessRequest({ channel: 'whatsapp', address: '15550001111' }, settings.whatsapp, settings.whatsapp.text)).not.toThrow()
    expect(() => buildAgentlessRequest({ channel: 'open', address: 'user@open.example' }, settings.open, settings.open.text)).not.toThrow()
  })
})
