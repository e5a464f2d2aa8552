import type { SendSettings } from '#lib/send/send-message.ts'

type SendSettingsOverrides = Partial<Omit<SendSettings, 'channels'>> & { readonly channels?: Partial<SendSettings['channels']> }

/**
 * Send settings for a unit test: every channel configured (text `x`), one-minute expiry and attempt timeout,
 * hour-long cap and window. `channels` in the overrides replaces only the channels it names.
 */
export function testSendSettings(overrides: SendSettingsOverrides = {}): SendSettings {
  const { channels, ...rest } = overrides
  return {
    maxDelayMs: 60_000,
    attemptTimeoutMs: 60_000,
    capMs: 3_600_000,
    windowMs: 3_600_000,
    brand: 'Acme',
    ...rest,
    channels: {
      webmessaging: { fromAddress: 'deployment', text: 'x' },
      sms: { fromAddress: '+13175550100', text: 'x' },
      whatsapp: { fromAddress: 'integration', text: 'x', templateResponseId: 'template' },
      open: { fromAddress: 'integration', text: 'x' },
      ...channels,
    },
  }
}
