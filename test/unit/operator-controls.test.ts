import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, presenceConfigSchema, quietHoursFromConfig, sendConfigSchema } from '#lib/config.ts'
import { CHANNELS } from '#lib/domain/model.ts'
import { agentInPilot, filterPilotSessions, sessionInPilot } from '#lib/presence/pilot-scope.ts'
import { localMinuteOfDay, parseQuietWindow, quietHoursOf, quietWindowAt } from '#lib/send/quiet-hours.ts'
import { effectiveMode, parseSendingMode } from '#lib/domain/sending-mode.ts'
import { resolveSettings } from '../../cdk/settings.ts'

const sendEnv = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'app', SEND_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/1/dlq' }
const presenceEnv = { STATE_TABLE_NAME: 'state', SESSIONS_TABLE_NAME: 'sessions', APP_EVENT_BUS_NAME: 'app' }

describe('sending mode', () => {
  it('parses the three modes, case-insensitively, and names an unknown one', () => {
    expect(parseSendingMode('Dry-Run')).toBe('dry-run')
    expect(parseSendingMode('paused')).toBe('paused')
    expect(parseSendingMode(' LIVE\n')).toBe('live')
    expect(() => parseSendingMode('')).toThrow(expect.objectContaining({ name: 'UnknownSendingModeError', message: 'unknown sending mode "": expected one of live, dry-run, paused' }))
    expect(() => parseSendingMode('off')).toThrow('unknown sending mode "off": expected one of live, dry-run, paused')
  })
  it('the override wins over the setting', () => {
    expect(effectiveMode('live', 'paused')).toBe('paused')
    expect(effectiveMode('dry-run', undefined)).toBe('dry-run')
  })
  it('defaults to live and rejects an unknown SENDING_MODE naming the variable and the value', () => {
    expect(loadConfig('send', sendConfigSchema, sendEnv).SENDING_MODE).toBe('live')
    expect(() => loadConfig('presence', presenceConfigSchema, { ...presenceEnv, SENDING_MODE: 'stop' })).toThrow(/SENDING_MODE: unknown sending mode "stop"/)
  })
})

describe('quiet hours', () => {
  const utc = (iso: string) => Date.parse(iso)

  it('a window wrapping midnight covers the late evening and the early morning, not the day', () => {
    const quiet = quietHoursOf('UTC', '21:00-08:00', {}, CHANNELS)
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-10T22:30:00Z'))?.text).toBe('21:00-08:00')
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-10T07:59:00Z'))).toBeDefined()
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-10T08:00:00Z'))).toBeUndefined()
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-10T20:59:00Z'))).toBeUndefined()
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-10T21:00:00Z'))).toBeDefined()
  })

  it('a window within one day', () => {
    const quiet = quietHoursOf('UTC', '12:00-13:30', {}, CHANNELS)
    expect(quietWindowAt(quiet, 'open', utc('2026-03-10T13:29:00Z'))).toBeDefined()
    expect(quietWindowAt(quiet, 'open', utc('2026-03-10T13:30:00Z'))).toBeUndefined()
  })

  it('windows that start and end off the hour, to the minute, wrapping midnight or not', () => {
    const wrapping = quietHoursOf('UTC', '21:30-08:15', {}, CHANNELS)
    expect(quietWindowAt(wrapping, 'sms', utc('2026-03-10T21:29:00Z'))).toBeUndefined()
    expect(quietWindowAt(wrapping, 'sms', utc('2026-03-10T21:30:00Z'))).toBeDefined()
    expect(quietWindowAt(wrapping, 'sms', utc('2026-03-10T08:14:00Z'))).toBeDefined()
    expect(quietWindowAt(wrapping, 'sms', utc('2026-03-10T08:15:00Z'))).toBeUndefined()
    const evening = quietHoursOf('UTC', ' 22:45-23:15 ', {}, CHANNELS)
    expect(quietWindowAt(evening, 'open', utc('2026-03-10T22:44:00Z'))).toBeUndefined()
    expect(quietWindowAt(evening, 'open', utc('2026-03-10T22:45:00Z'))?.text).toBe('22:45-23:15')
    expect(quietWindowAt(evening, 'open', utc('2026-03-10T23:15:00Z'))).toBeUndefined()
    expect(quietWindowAt(evening, 'open', utc('2026-03-10T08:00:00Z'))).toBeUndefined()
  })

  it('judges by local time in the zone, across a daylight-saving change (New York, 8 March 2026)', () => {
    const quiet = quietHoursOf('America/New_York', '21:00-08:00', {}, CHANNELS)
    // 12:30 UTC is 07:30 EST on 7 March (quiet) but 08:30 EDT on 9 March (not quiet): same UTC time, other answer.
    expect(localMinuteOfDay(utc('2026-03-07T12:30:00Z'), 'America/New_York')).toBe(7 * 60 + 30)
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-07T12:30:00Z'))).toBeDefined()
    expect(localMinuteOfDay(utc('2026-03-09T12:30:00Z'), 'America/New_York')).toBe(8 * 60 + 30)
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-09T12:30:00Z'))).toBeUndefined()
    // The night of the change itself: 06:59 UTC on 8 March is 01:59 EST, 07:00 UTC is 03:00 EDT; both quiet.
    expect(localMinuteOfDay(utc('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(3 * 60)
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-08T07:00:00Z'))).toBeDefined()
  })

  it('per-channel overrides win; a channel with no window is never quiet', () => {
    const quiet = quietHoursOf('UTC', undefined, { whatsapp: '00:00-23:59' }, CHANNELS)
    expect(quietWindowAt(quiet, 'whatsapp', utc('2026-03-10T12:00:00Z'))).toBeDefined()
    expect(quietWindowAt(quiet, 'sms', utc('2026-03-10T12:00:00Z'))).toBeUndefined()
    const both = quietHoursOf('UTC', '21:00-08:00', { sms: '10:00-11:00' }, CHANNELS)
    expect(quietWindowAt(both, 'sms', utc('2026-03-10T22:00:00Z'))).toBeUndefined()
    expect(quietWindowAt(both, 'sms', utc('2026-03-10T10:15:00Z'))).toBeDefined()
    expect(quietWindowAt(both, 'webmessaging', utc('2026-03-10T22:00:00Z'))).toBeDefined()
  })

  it('parses a window to the minute, surrounding spaces trimmed; anything before or after it is refused', () => {
    expect(parseQuietWindow(' 21:30-08:15\n')).toEqual({ startMinute: 21 * 60 + 30, endMinute: 8 * 60 + 15, text: '21:30-08:15' })
    expect(parseQuietWindow('00:59-23:01')).toEqual({ startMinute: 59, endMinute: 23 * 60 + 1, text: '00:59-23:01' })
    for (const bad of ['from 21:00-08:00', '121:00-08:00', '21:00-08:00 daily', '21:00-08:001', '21:00-08:00,12:00-13:00']) {
      expect(() => parseQuietWindow(bad), bad).toThrow(`quiet hours ${JSON.stringify(bad)} must be HH:MM-HH:MM`)
    }
  })

  it('an empty or blank value is no window: in general, none at all; for a channel, that channel has none', () => {
    for (const blank of ['', '  ']) {
      expect(quietHoursOf('UTC', blank, {}, CHANNELS).byChannel).toEqual({})
      const exempt = quietHoursOf('UTC', '21:00-08:00', { sms: blank }, CHANNELS)
      expect(Object.keys(exempt.byChannel).sort()).toEqual(CHANNELS.filter((channel) => channel !== 'sms').sort())
      expect(quietWindowAt(exempt, 'sms', utc('2026-03-10T22:00:00Z'))).toBeUndefined()
    }
    expect(quietHoursFromConfig(loadConfig('send', sendConfigSchema, { ...sendEnv, QUIET_HOURS: '' })).byChannel).toEqual({})
  })

  it('malformed windows and unknown zones are errors naming the variable and the value', () => {
    expect(() => parseQuietWindow('9pm-8am')).toThrow('quiet hours "9pm-8am" must be HH:MM-HH:MM')
    expect(() => parseQuietWindow('24:00-08:00')).toThrow('must be HH:MM-HH:MM')
    expect(() => parseQuietWindow('08:00-08:00')).toThrow('same time')
    expect(() => loadConfig('send', sendConfigSchema, { ...sendEnv, QUIET_HOURS: '21-8' })).toThrow(/QUIET_HOURS: quiet hours "21-8" must be HH:MM-HH:MM/)
    expect(() => loadConfig('send', sendConfigSchema, { ...sendEnv, QUIET_HOURS_SMS: '25:00-01:00' })).toThrow(/QUIET_HOURS_SMS: /)
    expect(() => loadConfig('send', sendConfigSchema, { ...sendEnv, QUIET_HOURS_TIMEZONE: 'Mars/Olympus' })).toThrow(/QUIET_HOURS_TIMEZONE: unknown time zone "Mars\/Olympus"/)
  })

  it('the send configuration gives each channel its window', () => {
    const config = loadConfig('send', sendConfigSchema, { ...sendEnv, QUIET_HOURS: '22:00-07:00', QUIET_HOURS_OPEN: '20:00-09:00', QUIET_HOURS_TIMEZONE: 'Europe/London' })
    const quiet = quietHoursFromConfig(config)
    expect(quiet.timeZone).toBe('Europe/London')
    expect(quiet.byChannel.sms?.text).toBe('22:00-07:00')
    expect(quiet.byChannel.open?.text).toBe('20:00-09:00')
  })
})

describe('pilot scope', () => {
  it('empty lists mean everyone', () => {
    expect(agentInPilot({ agentIds: [], queueIds: [] }, 'a1')).toBe(true)
    expect(sessionInPilot({ agentIds: [], queueIds: [] }, {})).toBe(true)
  })
  it('only listed agents; only sessions of listed queues (a session with no queue is outside)', () => {
    const scope = { agentIds: ['a1'], queueIds: ['q1'] }
    expect(agentInPilot(scope, 'a1')).toBe(true)
    expect(agentInPilot(scope, 'a2')).toBe(false)
    const { inside, outside } = filterPilotSessions(scope, [{ queueId: 'q1' }, { queueId: 'q2' }, {}])
    expect(inside).toEqual([{ queueId: 'q1' }])
    expect(outside).toBe(2)
  })
  it('ENABLED_AGENT_IDS / ENABLED_QUEUE_IDS are comma-separated lists, empty by default', () => {
    const config = loadConfig('presence', presenceConfigSchema, { ...presenceEnv, ENABLED_QUEUE_IDS: ' q1, q2 ,' })
    expect(config.ENABLED_QUEUE_IDS).toEqual(['q1', 'q2'])
    expect(config.ENABLED_AGENT_IDS).toEqual([])
  })
  it('only customers on enabled channels; no channel list means every channel', () => {
    const scope = { agentIds: [], queueIds: [], channels: ['sms'] as const }
    const { inside, outside } = filterPilotSessions(scope, [{ customer: { channel: 'sms' as const } }, { customer: { channel: 'webmessaging' as const } }])
    expect(inside).toEqual([{ customer: { channel: 'sms' } }])
    expect(outside).toBe(1)
    expect(sessionInPilot({ agentIds: [], queueIds: [] }, { customer: { channel: 'open' } })).toBe(true)
  })
  it('ENABLED_CHANNELS: every channel by default; an unknown channel or an empty list fails naming the variable', () => {
    expect(loadConfig('presence', presenceConfigSchema, presenceEnv).ENABLED_CHANNELS).toEqual(['webmessaging', 'sms', 'whatsapp', 'open'])
    expect(loadConfig('presence', presenceConfigSchema, { ...presenceEnv, ENABLED_CHANNELS: 'sms, open' }).ENABLED_CHANNELS).toEqual(['sms', 'open'])
    expect(() => loadConfig('presence', presenceConfigSchema, { ...presenceEnv, ENABLED_CHANNELS: 'sms,fax' })).toThrow(/ENABLED_CHANNELS\.1: unknown channel "fax"/)
    expect(() => loadConfig('presence', presenceConfigSchema, { ...presenceEnv, ENABLED_CHANNELS: ' , ' })).toThrow(/ENABLED_CHANNELS/)
  })
})

describe('CDK settings', () => {
  it('an unknown mode or a malformed quiet-hours window fails synth naming the setting', () => {
    expect(() => resolveSettings({ sendingMode: 'off' })).toThrow(/Invalid setting "sendingMode"/)
    expect(() => resolveSettings({ quietHours: '9pm' })).toThrow(/Invalid setting "quietHours": must be HH:MM-HH:MM/)
    expect(resolveSettings({ enabledQueueIds: 'q1,q2' }).enabledQueueIds).toEqual(['q1', 'q2'])
  })
})

describe('ConfigError', () => {
  it('is what loadConfig throws', () => {
    expect(() => loadConfig('send', sendConfigSchema, { ...sendEnv, SENDING_MODE: 'x' })).toThrow(ConfigError)
  })
})
