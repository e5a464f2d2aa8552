/**
 * Type tests (vitest typecheck mode: checked by tsc, never executed) for the function config loader: what
 * loadConfig returns is the schema's output type, with defaults applied and lists split.
 */
import { describe, expectTypeOf, test } from 'vitest'
import { loadConfig, presenceConfigSchema, sendConfigSchema, sessionRecorderConfigSchema, type PresenceConfig, type SendConfig, type SessionRecorderConfig } from '#lib/config.ts'

describe('loadConfig', () => {
  test('returns the output type of the schema it is given', () => {
    expectTypeOf(loadConfig('send', sendConfigSchema, {})).toEqualTypeOf<SendConfig>()
    expectTypeOf(loadConfig('presence', presenceConfigSchema, {})).toEqualTypeOf<PresenceConfig>()
    expectTypeOf(loadConfig('session-recorder', sessionRecorderConfigSchema, {})).toEqualTypeOf<SessionRecorderConfig>()
  })

  test('reads an environment: string values, possibly unset', () => {
    expectTypeOf(loadConfig).parameter(2).toEqualTypeOf<Record<string, string | undefined>>()
    // @ts-expect-error an environment holds strings, not numbers
    loadConfig('send', sendConfigSchema, { MAX_DELAY_MINUTES: 15 })
  })

  test('numbers are coerced and defaulted', () => {
    expectTypeOf<SendConfig['MAX_DELAY_MINUTES']>().toEqualTypeOf<number>()
    expectTypeOf<SendConfig['GENESYS_BUDGET_PER_MINUTE']>().toEqualTypeOf<number>()
    expectTypeOf<PresenceConfig['COOLDOWN_MINUTES']>().toEqualTypeOf<number>()
  })

  test('comma-separated lists arrive split', () => {
    expectTypeOf<PresenceConfig['AVAILABLE_PRESENCES']>().toEqualTypeOf<string[]>()
    expectTypeOf<PresenceConfig['AVAILABLE_ROUTING_STATUSES']>().toEqualTypeOf<string[]>()
  })

  test('enumerations are literal unions', () => {
    expectTypeOf<PresenceConfig['TARGET_SCOPE']>().toEqualTypeOf<'agent' | 'queue'>()
  })

  test('optional settings stay optional; required ones do not', () => {
    expectTypeOf<SendConfig['GENESYS_SECRET_ARN']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<SendConfig['AWS_ENDPOINT_URL_SQS']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<SendConfig['STATE_TABLE_NAME']>().toEqualTypeOf<string>()
    expectTypeOf<SendConfig['SEND_DLQ_URL']>().toEqualTypeOf<string>()
  })

  test('each function reads only its own settings', () => {
    expectTypeOf<SessionRecorderConfig>().not.toHaveProperty('SEND_DLQ_URL')
    expectTypeOf<PresenceConfig>().not.toHaveProperty('SEND_DLQ_URL')
    expectTypeOf<SendConfig>().not.toHaveProperty('TARGET_SCOPE')
  })
})
