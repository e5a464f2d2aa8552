import type { SendSettings } from '#lib/usecases/send-message.ts'

/** Send settings for a unit test: every channel configured (text `x`), one-minute expiry and attempt timeout, hour-long cap and window. */
export function testSendSettings(overrides: Partial<SendSettings> = {}): SendSettings {
  return {
    maxDelayMs: 60_000,
    attemptTimeoutMs: 60_000,
    capMs: 3_600_000,
    windowMs: 3_600_000,
    brand: 'Acme',
    channels: {
      webmessaging: { fromAddress: 'deployment', text: 'x' },
      sms: { fromAddress: '+13175550100', text: 'x' },
      whatsapp: { fromAddress: 'integration', text: 'x', templateResponseId: 'template' },
      open: { fromAddress: 'integration', text: 'x' },
    },
    ...overrides,
  }
}
