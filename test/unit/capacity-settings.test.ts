/**
 * The capacity settings refuse bad values by name, at function start and at synth, and the
 * utilization response is read strictly: anything but a usable `message` capacity is an error (the caller falls back).
 */
import { describe, expect, it } from 'vitest'
import { resolveSettings } from '../../cdk/settings.ts'
import { messageCapacityIn } from '#lib/adapters/genesys-utilization.ts'
import { ConfigError, loadConfig, presenceConfigSchema } from '#lib/config.ts'

const PRESENCE = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus' }

describe('presence refuses bad capacity settings at start, naming them', () => {
  it.each([
    ['MAX_MESSAGES_PER_TRIGGER', '0', 'MAX_MESSAGES_PER_TRIGGER: must be a positive whole number or agent-capacity (got "0")'],
    ['MAX_MESSAGES_PER_TRIGGER', 'agent_capacity', 'MAX_MESSAGES_PER_TRIGGER: must be a positive whole number or agent-capacity (got "agent_capacity")'],
    ['MAX_MESSAGES_PER_TRIGGER', '2.5', 'MAX_MESSAGES_PER_TRIGGER: must be a positive whole number or agent-capacity (got "2.5")'],
  ])('%s=%s', (name, value, message) => {
    expect(() => loadConfig('presence', presenceConfigSchema, { ...PRESENCE, [name]: value })).toThrow(message)
  })

  it.each([
    ['FALLBACK_MESSAGES_PER_TRIGGER', '0'],
    ['FALLBACK_MESSAGES_PER_TRIGGER', 'four'],
    ['FALLBACK_MESSAGES_PER_TRIGGER', '1.5'],
    ['CAPACITY_CACHE_MINUTES', '-1'],
  ])('%s=%s', (name, value) => {
    expect(() => loadConfig('presence', presenceConfigSchema, { ...PRESENCE, [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig('presence', presenceConfigSchema, { ...PRESENCE, [name]: value })).toThrow(new RegExp(`^invalid configuration for presence: ${name}: `))
  })

  it('takes a number or agent-capacity', () => {
    expect(loadConfig('presence', presenceConfigSchema, { ...PRESENCE, MAX_MESSAGES_PER_TRIGGER: '7' }).MAX_MESSAGES_PER_TRIGGER).toBe(7)
    expect(loadConfig('presence', presenceConfigSchema, { ...PRESENCE, FALLBACK_MESSAGES_PER_TRIGGER: '2' }).FALLBACK_MESSAGES_PER_TRIGGER).toBe(2)
  })
})

describe('synth refuses bad capacity settings, naming them', () => {
  it.each([
    [{ maxMessagesPerTrigger: 0 }, 'maxMessagesPerTrigger'],
    [{ maxMessagesPerTrigger: 'capacity' }, 'maxMessagesPerTrigger'],
    [{ fallbackMessagesPerTrigger: 2.5 }, 'fallbackMessagesPerTrigger'],
    [{ capacityCacheMinutes: -1 }, 'capacityCacheMinutes'],
  ])('%o', (input, name) => {
    expect(() => resolveSettings(input as Record<string, unknown>)).toThrow(new RegExp(`Invalid setting "${name}"`))
  })

  it('resolves the defaults and a number given as context text', () => {
    expect(resolveSettings({})).toMatchObject({ maxMessagesPerTrigger: 'agent-capacity', fallbackMessagesPerTrigger: 4, capacityCacheMinutes: 5 })
    expect(resolveSettings({ maxMessagesPerTrigger: '6' })).toMatchObject({ maxMessagesPerTrigger: 6 })
  })
})

describe('messageCapacityIn: the utilization response, read strictly', () => {
  it('takes utilization.message.maximumCapacity, the media type in any case', () => {
    expect(messageCapacityIn({ utilization: { call: { maximumCapacity: 1 }, message: { maximumCapacity: 3 } }, level: 'Agent' })).toBe(3)
    expect(messageCapacityIn({ utilization: { MESSAGE: { maximumCapacity: 0 } } })).toBe(0)
  })

  it.each([
    [{ utilization: { call: { maximumCapacity: 1 } } }, 'no utilization.message.maximumCapacity in the response'],
    [{ utilization: { message: {} } }, 'no utilization.message.maximumCapacity in the response'],
    [{}, 'no utilization.message.maximumCapacity in the response'],
    [{ utilization: { message: { maximumCapacity: 'four' } } }, 'malformed response: utilization.message.maximumCapacity'],
    [{ utilization: { message: { maximumCapacity: -1 } } }, 'malformed response: utilization.message.maximumCapacity'],
    [{ utilization: { message: { maximumCapacity: 1.5 } } }, 'malformed response: utilization.message.maximumCapacity'],
    ['not json', 'malformed response: (body)'],
  ])('%o is refused: %s', (body, message) => {
    expect(() => messageCapacityIn(body)).toThrow(message)
  })
})
