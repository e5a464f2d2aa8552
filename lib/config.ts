/**
 * Function configuration: one zod schema per function, derived from the settings registry (lib/settings/) and
 * read from the environment. The CDK stack sets these variables and the local cloud passes the same names, so
 * both run the handlers with one configuration shape. A bad setting fails at start with an error naming the
 * variable.
 */
import type { z } from 'zod'
import { CHANNELS, type Channel } from './domain/model.ts'
import type { ChannelSettings } from './domain/payload.ts'
import { quietHoursOf, type QuietHours } from './send/quiet-hours.ts'
import { functionSchema } from './settings/derive.ts'

export { DEFAULTS } from './settings/registry.ts'

export const sessionRecorderConfigSchema = functionSchema('sessionRecorder')
export const presenceConfigSchema = functionSchema('presence')
export const sendConfigSchema = functionSchema('send')
export const trackConfigSchema = functionSchema('track')
export const replyRoutingConfigSchema = functionSchema('replyRouting')

export type SessionRecorderConfig = z.infer<typeof sessionRecorderConfigSchema>
export type PresenceConfig = z.infer<typeof presenceConfigSchema>
export type SendConfig = z.infer<typeof sendConfigSchema>
export type TrackConfig = z.infer<typeof trackConfigSchema>
export type ReplyRoutingConfig = z.infer<typeof replyRoutingConfigSchema>

export class ConfigError extends Error {
  constructor(functionName: string, issues: readonly z.core.$ZodIssue[]) {
    super(`invalid configuration for ${functionName}: ${issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig<S extends z.ZodType>(functionName: string, schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env)
  if (!result.success) throw new ConfigError(functionName, result.error.issues)
  return result.data
}

export function channelSettings(config: SendConfig): Record<Channel, ChannelSettings> {
  const entries = CHANNELS.map((channel): [Channel, ChannelSettings] => {
    switch (channel) {
      case 'webmessaging':
        return [channel, { fromAddress: config.WEBMESSAGING_DEPLOYMENT_ID, text: config.MESSAGE_TEXT_WEBMESSAGING ?? config.MESSAGE_TEXT }]
      case 'sms':
        return [channel, { fromAddress: config.SMS_FROM_NUMBER, text: config.MESSAGE_TEXT_SMS ?? config.MESSAGE_TEXT }]
      case 'whatsapp':
        return [
          channel,
          {
            fromAddress: config.WHATSAPP_INTEGRATION_ID,
            text: config.MESSAGE_TEXT,
            templateResponseId: config.WHATSAPP_TEMPLATE_ID,
            ...(config.WHATSAPP_TEMPLATE_BODY_PARAMETERS ? { templateBodyParameters: config.WHATSAPP_TEMPLATE_BODY_PARAMETERS } : {}),
            ...(config.WHATSAPP_TEMPLATE_HEADER_PARAMETERS ? { templateHeaderParameters: config.WHATSAPP_TEMPLATE_HEADER_PARAMETERS } : {}),
          },
        ]
      case 'open':
        return [channel, { fromAddress: config.OPEN_INTEGRATION_ID, text: config.MESSAGE_TEXT_OPEN ?? config.MESSAGE_TEXT }]
    }
    throw new Error(`no settings for channel ${String(channel satisfies never)}`)
  })
  return Object.fromEntries(entries) as Record<Channel, ChannelSettings>
}

/** The send function's quiet hours, per channel, from its (already validated) settings. */
export function quietHoursFromConfig(config: SendConfig): QuietHours {
  return quietHoursOf(
    config.QUIET_HOURS_TIMEZONE,
    config.QUIET_HOURS,
    {
      webmessaging: config.QUIET_HOURS_WEBMESSAGING,
      sms: config.QUIET_HOURS_SMS,
      whatsapp: config.QUIET_HOURS_WHATSAPP,
      open: config.QUIET_HOURS_OPEN,
    },
    CHANNELS,
  )
}
