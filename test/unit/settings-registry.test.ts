/**
 * Adding a setting means adding its registry entry (lib/settings/registry.ts) and the code that reads it, nothing
 * else: a fake entry added to the registry (and only there) shows up in every derived artefact, and every entry
 * is read by some code.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'

vi.mock('#lib/settings/registry.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('#lib/settings/registry.ts')>()
  const fake = {
    env: 'FAKE_REMINDER_MINUTES',
    prop: 'fakeReminderMinutes',
    readBy: ['send'],
    schema: z.coerce.number().int().min(1).max(60, 'must be at most 60 minutes').default(7),
    propType: 'number',
    meaning: 'A setting that exists only in this test.',
    hint: 'a whole number of minutes from 1 to 60',
  } as const
  return { ...original, SETTINGS: [...original.SETTINGS, fake] }
})

const { loadConfig, presenceConfigSchema, sendConfigSchema } = await import('#lib/config.ts')
const { FUNCTION_SETTING_NAMES } = await import('#lib/settings/derive.ts')
const { KNOWN_SETTING_NAMES, resolveSettings } = await import('../../cdk/settings.ts')
const { functionEnvironments } = await import('../../cdk/function-environment.ts')
const { renderCdkTable, renderFunctionTable, renderPropsFile } = await import('../../scripts/settings-docs.ts')
const { parseSettingAssignments } = await import('../../cli/args.ts')
const { SETTINGS } = await import('#lib/settings/registry.ts')
const ENTRIES: readonly import('#lib/settings/definition.ts').SettingDefinition[] = SETTINGS

const SEND_ENV = { SESSIONS_TABLE_NAME: 'sessions', STATE_TABLE_NAME: 'state', APP_EVENT_BUS_NAME: 'bus', SEND_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq' }
const RESOURCES = {
  sessionsTableName: 'sessions',
  stateTableName: 'state',
  appEventBusName: 'app-bus',
  sendDlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/send-dlq',
  sendQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/send',
  trackQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/track',
  genesysSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:g-AbC123',
  sendMaxConcurrency: 2,
}

describe('a setting added to the registry only', () => {
  it('is in the function schema that reads it, with its default and bounds, and not in the others', () => {
    expect(loadConfig('send', sendConfigSchema, SEND_ENV)).toMatchObject({ FAKE_REMINDER_MINUTES: 7 })
    expect(() => loadConfig('send', sendConfigSchema, { ...SEND_ENV, FAKE_REMINDER_MINUTES: '61' })).toThrow('FAKE_REMINDER_MINUTES: must be at most 60 minutes')
    expect(Object.keys(presenceConfigSchema.shape)).not.toContain('FAKE_REMINDER_MINUTES')
  })

  it('is a construct prop and a context key, validated at synth and named in the error with its hint', () => {
    expect(KNOWN_SETTING_NAMES).toContain('fakeReminderMinutes')
    expect(resolveSettings({ fakeReminderMinutes: 9 } as Record<string, unknown>)).toMatchObject({ fakeReminderMinutes: 9 })
    expect(() => resolveSettings({ fakeReminderMinutes: 0 } as Record<string, unknown>)).toThrow(
      /Invalid setting "fakeReminderMinutes": .*Expected a whole number of minutes from 1 to 60\. .*-c fakeReminderMinutes=.*\(the functions read it as FAKE_REMINDER_MINUTES\)/,
    )
  })

  it('is in the environment the stack sets for the functions that read it, and only those', () => {
    const env = functionEnvironments(resolveSettings({ fakeReminderMinutes: '12' } as Record<string, unknown>), RESOURCES)
    expect(env.send.FAKE_REMINDER_MINUTES).toBe('12')
    expect(env.presence).not.toHaveProperty('FAKE_REMINDER_MINUTES')
    expect(functionEnvironments(resolveSettings({}), RESOURCES).send.FAKE_REMINDER_MINUTES).toBe('7')
  })

  it('is known to npm start -- --set and its did-you-mean', () => {
    expect(FUNCTION_SETTING_NAMES).toContain('FAKE_REMINDER_MINUTES')
    expect(parseSettingAssignments(['FAKE_REMINDER_MINUTES=3'])).toEqual({ config: { FAKE_REMINDER_MINUTES: '3' } })
    expect(parseSettingAssignments(['FAKE_REMINDER_MINUTE=3'])).toMatchObject({ error: expect.stringContaining('Did you mean "FAKE_REMINDER_MINUTES"?') })
  })

  it('is in both generated settings tables and in the generated props interface', () => {
    expect(renderFunctionTable()).toContain('| `FAKE_REMINDER_MINUTES` | send | `7` | `fakeReminderMinutes` | A setting that exists only in this test. |')
    expect(renderCdkTable()).toContain('| `fakeReminderMinutes` | `7` | `FAKE_REMINDER_MINUTES` (send) | A setting that exists only in this test. |')
    expect(renderPropsFile()).toContain('   * A setting that exists only in this test.\n   * @default 7\n   */\n  readonly fakeReminderMinutes?: number\n')
  })
})

/** Source files under a folder, recursively. */
function sources(folder: string): string[] {
  const root = new URL(`../../${folder}/`, import.meta.url)
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.generated.ts'))
    .map((file) => readFileSync(new URL(file, root), 'utf8'))
}

describe('every registry entry', () => {
  const real = ENTRIES.filter((entry) => entry.prop !== 'fakeReminderMinutes')
  const functionCode = [...sources('functions'), ...sources('lib').filter((text) => !text.includes('The settings registry: every setting declared once'))].join('\n')
  const stackCode = sources('cdk').join('\n')

  it.each(real.filter((entry) => entry.env && entry.readBy.length > 0).map((entry) => [entry.env!]))('%s is read by function code', (variable) => {
    expect(functionCode).toMatch(new RegExp(`\\b${variable}\\b`))
  })

  it.each(real.filter((entry) => !entry.env).map((entry) => [entry.prop!]))('%s (stack only) is read by the stack', (prop) => {
    expect(stackCode).toMatch(new RegExp(`\\b${prop}\\b`))
  })

  it('has a hint and a prop type when it has a prop, and a reason when it has none', () => {
    for (const entry of real) {
      if (entry.prop) expect([entry.prop, entry.hint && entry.propType ? 'ok' : 'missing']).toEqual([entry.prop, 'ok'])
      else expect([entry.env, entry.whyNoProp ? 'ok' : 'missing']).toEqual([entry.env, 'ok'])
    }
  })

  it('is the only way a function reads its environment: no variable is read around its configuration', () => {
    // Every handler parses its whole environment with its registry-derived schema; config.X of a name not in the
    // registry is a type error, and nothing reads process.env.X directly.
    expect(functionCode).not.toMatch(/process\.env\.[A-Z]|process\.env\[/)
  })

  it('declares each environment name and each prop once', () => {
    const envs = real.flatMap((entry) => (entry.env ? [entry.env] : []))
    const props = real.flatMap((entry) => (entry.prop ? [entry.prop] : []))
    expect(envs).toEqual([...new Set(envs)])
    expect(props).toEqual([...new Set(props)])
  })
})
