/**
 * Safe to switch on: a stack whose sendingMode is not set deploys in dry-run (and says so in its outputs);
 * `live` is refused at synth while a channel that can be messaged still has a placeholder sender id, naming the
 * setting; enabledChannels turns a channel off for the presence fan-out.
 */
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { resolveSettings, SettingError, type ProactiveMessagingProps } from '../../cdk/settings.ts'
import { ofType, testApp } from './template-helpers.ts'

const REAL_SENDERS: ProactiveMessagingProps = {
  webMessagingDeploymentId: 'b7a2c1de-1111-4abc-8def-0123456789ab',
  smsFromNumber: '+13175550142',
  whatsappIntegrationId: 'c8b3d2ef-2222-4abc-8def-0123456789ab',
  whatsappTemplateId: 'd9c4e3f0-3333-4abc-8def-0123456789ab',
  openIntegrationId: 'ead5f4a1-4444-4abc-8def-0123456789ab',
}

function environments(settings: ProactiveMessagingProps, id: string): Record<string, string>[] {
  const template = Template.fromStack(new ProactiveMessagingStack(testApp(), id, { settings }))
  return ofType(template, 'AWS::Lambda::Function').map(([, fn]) => (fn.Properties as { Environment?: { Variables?: Record<string, string> } }).Environment?.Variables ?? {})
}

function settingErrorOf(props: ProactiveMessagingProps): SettingError {
  try {
    resolveSettings(props)
  } catch (error) {
    if (error instanceof SettingError) return error
    throw error
  }
  throw new Error('resolveSettings accepted the props')
}

describe('default sending mode', () => {
  it('unset: every function that reads SENDING_MODE gets dry-run, and the stack outputs say it was the default', () => {
    const template = Template.fromStack(new ProactiveMessagingStack(testApp(), 'PmDefaultMode'))
    const modes = ofType(template, 'AWS::Lambda::Function')
      .map(([, fn]) => (fn.Properties as { Environment?: { Variables?: Record<string, string> } }).Environment?.Variables?.SENDING_MODE)
      .filter((mode) => mode !== undefined)
    expect(modes.length).toBeGreaterThanOrEqual(2)
    expect(new Set(modes)).toEqual(new Set(['dry-run']))
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>
    expect(outputs.SendingMode?.Value).toBe('dry-run')
    expect(outputs.SendingModeSource?.Value).toBe('default')
  })

  it('set explicitly: the setting wins and the source says so', () => {
    const settings = resolveSettings({ ...REAL_SENDERS, sendingMode: 'live' })
    expect(settings).toMatchObject({ sendingMode: 'live', sendingModeSet: true })
    expect(resolveSettings({ sendingMode: 'paused' })).toMatchObject({ sendingMode: 'paused', sendingModeSet: true })
  })
})

describe("sendingMode 'live' with placeholder sender ids", () => {
  it.each([
    ['webMessagingDeploymentId', 'webmessaging'],
    ['smsFromNumber', 'sms'],
    ['whatsappIntegrationId', 'whatsapp'],
    ['whatsappTemplateId', 'whatsapp'],
    ['openIntegrationId', 'open'],
  ] as const)('%s left at its placeholder is refused, the error naming it and the channel', (setting, channel) => {
    const { [setting]: _placeholder, ...others } = REAL_SENDERS
    const error = settingErrorOf({ ...others, sendingMode: 'live' })
    expect(error.message).toContain(`Invalid setting "${setting}"`)
    expect(error.message).toContain(`${channel} is in enabledChannels`)
  })

  it('a channel left out of enabledChannels needs no sender id; dry-run needs none at all', () => {
    expect(resolveSettings({ sendingMode: 'live', enabledChannels: ['sms'], smsFromNumber: '+13175550142' }).enabledChannels).toEqual(['sms'])
    expect(resolveSettings({ sendingMode: 'dry-run' }).sendingMode).toBe('dry-run')
    expect(() => resolveSettings({ sendingMode: 'live', enabledChannels: ['sms', 'open'], smsFromNumber: '+13175550142' })).toThrow(/Invalid setting "openIntegrationId"/)
  })

  it('the refusal reaches synth: a stack with live and a placeholder does not build', () => {
    expect(() => new ProactiveMessagingStack(testApp(), 'PmLivePlaceholder', { settings: { sendingMode: 'live' } })).toThrow(/Invalid setting "webMessagingDeploymentId"/)
  })
})

describe('enabledChannels', () => {
  it('reaches the presence function as ENABLED_CHANNELS, from a prop or a context string', () => {
    const envs = environments({ enabledChannels: ['sms', 'whatsapp'] }, 'PmChannels')
    expect(envs.map((env) => env.ENABLED_CHANNELS).filter(Boolean)).toEqual(['sms,whatsapp'])
    expect(resolveSettings({ enabledChannels: 'open, sms' } as Record<string, unknown>).enabledChannels).toEqual(['open', 'sms'])
    expect(resolveSettings({}).enabledChannels).toEqual(['webmessaging', 'sms', 'whatsapp', 'open'])
  })

  it('an unknown or empty list is refused, naming the setting', () => {
    expect(settingErrorOf({ enabledChannels: ['fax'] }).message).toContain('Invalid setting "enabledChannels"')
    expect(settingErrorOf({ enabledChannels: [] }).message).toContain('Invalid setting "enabledChannels"')
  })
})
