/** Settings validation at synth: defaults, context coercion, and errors that name the setting and how to set it. */
import { describe, expect, it } from 'vitest'
import { functionEnvironments } from '../../cdk/function-environment.ts'
import type { ProactiveMessaging } from '../../cdk/proactive-messaging.ts'
import { checkContextKeys, checkSettingNames, KNOWN_SETTING_NAMES, PLACEHOLDER_ORG_ID, resolveSettings, SettingError, settingsFromContext, type ProactiveMessagingProps } from '../../cdk/settings.ts'
import { ProactiveMessagingStack } from '../../cdk/stack.ts'
import { DEFAULTS } from '#lib/config.ts'
import { STAGES } from '#lib/topology.ts'
import { testApp } from './template-helpers.ts'

const RESOURCES = {
  sessionsTableName: 'sessions',
  stateTableName: 'state',
  appEventBusName: 'app-bus',
  sendDlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/send-dlq',
  sendQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/send',
  trackQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/track',
  genesysSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:g-AbC123',
  sendMaxConcurrency: 2,
}

function errorOf(run: () => unknown): SettingError {
  try {
    run()
  } catch (error) {
    if (error instanceof SettingError) return error
    throw error
  }
  throw new Error('expected a SettingError')
}

describe('resolveSettings', () => {
  it('works with nothing set: placeholder org, defaults from lib/config.ts', () => {
    const settings = resolveSettings({})
    expect(settings.partnerBus).toEqual({ kind: 'create', orgId: PLACEHOLDER_ORG_ID, suffix: 'proactive-messaging', placeholder: true })
    expect(settings).toMatchObject({
      budgetPerMinute: DEFAULTS.budgetPerMinute,
      scope: DEFAULTS.scope,
      smsFromNumber: DEFAULTS.fromAddress.sms,
      logRetentionDays: 30,
      archiveRetentionDays: 7, // the archive holds personal data: 7 days by default
      retainData: true,
    })
  })

  it('reads the org id from an imported bus name', () => {
    const settings = resolveSettings({ existingPartnerBusName: 'aws.partner/genesys.com/cloud/c3d4e5f6-0000-4000-8000-000000000003/x' })
    expect(settings.partnerBus).toEqual({ kind: 'import', busName: expect.any(String), orgId: 'c3d4e5f6-0000-4000-8000-000000000003' })
  })

  it('coerces context strings', () => {
    const context: Record<string, unknown> = { budgetPerMinute: '600', availablePresences: 'AVAILABLE, BUSY', retainData: 'false', other: 'x', alarmEmail: '' }
    const found = settingsFromContext((key) => context[key])
    expect(found).toEqual({ budgetPerMinute: '600', availablePresences: 'AVAILABLE, BUSY', retainData: 'false' })
    expect(resolveSettings(found)).toMatchObject({ budgetPerMinute: 600, availablePresences: ['AVAILABLE', 'BUSY'], retainData: false })
  })

  it.each<[string, ProactiveMessagingProps, keyof ProactiveMessagingProps]>([
    ['negative budget', { budgetPerMinute: -5 }, 'budgetPerMinute'],
    ['unknown scope', { scope: 'team' as never }, 'scope'],
    ['retention CloudWatch does not offer', { logRetentionDays: 31 }, 'logRetentionDays'],
    ['org id that is not a UUID', { genesysOrgId: 'my-org' }, 'genesysOrgId'],
    ['suffix without org id', { eventSourceSuffix: 'pm' }, 'genesysOrgId'],
    ['org id and an imported bus', { genesysOrgId: PLACEHOLDER_ORG_ID, existingPartnerBusName: 'aws.partner/genesys.com/cloud/o/s' }, 'genesysOrgId'],
    ['bus that is not a Genesys partner bus', { existingPartnerBusName: 'default' }, 'existingPartnerBusName'],
    ['partial secret ARN (would need a wildcard grant)', { genesysSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genesys' }, 'genesysSecretArn'],
    ['SMS number that is not E.164', { smsFromNumber: '0171 555' }, 'smsFromNumber'],
    ['invalid e-mail', { alarmEmail: 'ops' }, 'alarmEmail'],
    ['headroom above 1', { budgetHeadroom: 1.5 }, 'budgetHeadroom'],
  ])('rejects %s, naming the setting and how to set it', (_case, props, setting) => {
    const error = errorOf(() => resolveSettings(props))
    expect(error.message).toContain(`"${setting}"`)
    expect(error.message).toContain(`-c ${setting}=`)
    expect(error.message).toContain('cdk.json')
  })
})

describe('function environments', () => {
  it('rejects a message text the send function would reject, naming messageText', () => {
    const error = errorOf(() => functionEnvironments(resolveSettings({ messageText: 'Hi {{firstName}}' }), RESOURCES))
    expect(error.message).toContain('"messageText"')
    expect(error.message).toContain('MESSAGE_TEXT')
  })

  it('passes the channel ids and window settings through', () => {
    const settings = resolveSettings({ webMessagingDeploymentId: 'dep-1', windowHours: 12, capHours: 48, cooldownMinutes: 0 })
    const env = functionEnvironments(settings, RESOURCES)
    expect(env.send.WEBMESSAGING_DEPLOYMENT_ID).toBe('dep-1')
    expect(env.presence).toMatchObject({ WINDOW_HOURS: '12', CAP_HOURS: '48', COOLDOWN_MINUTES: '0' })
    expect(env.sessionRecorder).toMatchObject({ WINDOW_HOURS: '12', SESSIONS_TABLE_NAME: 'sessions' })
  })

  it('sets the per-channel texts, the queue cache, the Genesys timeout and the retry delays from settings', () => {
    const settings = resolveSettings({
      messageTextSms: 'Short {{brand}}',
      messageTextOpen: 'Open text',
      queueCacheMinutes: 2,
      genesysTimeoutMs: 4000,
      retryBaseSeconds: 5,
      retryMaxSeconds: 600,
    })
    const env = functionEnvironments(settings, RESOURCES)
    expect(env.send).toMatchObject({ MESSAGE_TEXT_SMS: 'Short {{brand}}', MESSAGE_TEXT_OPEN: 'Open text', GENESYS_TIMEOUT_MS: '4000', RETRY_BASE_SECONDS: '5', RETRY_MAX_SECONDS: '600' })
    expect(env.send).not.toHaveProperty('MESSAGE_TEXT_WEBMESSAGING')
    expect(env.presence).toMatchObject({ QUEUE_CACHE_MINUTES: '2', GENESYS_TIMEOUT_MS: '4000' })
  })

  it('passes the per-trigger limit to presence: agent-capacity and 4 by default, a number when set', () => {
    expect(functionEnvironments(resolveSettings({}), RESOURCES).presence).toMatchObject({ MAX_MESSAGES_PER_TRIGGER: 'agent-capacity', FALLBACK_MESSAGES_PER_TRIGGER: '4' })
    const env = functionEnvironments(resolveSettings({ maxMessagesPerTrigger: '3', fallbackMessagesPerTrigger: '2' }), RESOURCES)
    expect(env.presence).toMatchObject({ MAX_MESSAGES_PER_TRIGGER: '3', FALLBACK_MESSAGES_PER_TRIGGER: '2' })
    expect(env.send).not.toHaveProperty('MAX_MESSAGES_PER_TRIGGER')
  })

  it('passes ELIGIBLE_SESSIONS and EXCLUDE_WRAPUP_CODES to presence', () => {
    expect(functionEnvironments(resolveSettings({}), RESOURCES).presence).toMatchObject({ ELIGIBLE_SESSIONS: 'all', EXCLUDE_WRAPUP_CODES: '' })
    const env = functionEnvironments(resolveSettings({ scope: 'queue', eligibleSessions: 'unserved', excludeWrapupCodes: ['w1', 'w2'] }), RESOURCES)
    expect(env.presence).toMatchObject({ ELIGIBLE_SESSIONS: 'unserved', EXCLUDE_WRAPUP_CODES: 'w1,w2' })
  })

  it('rejects eligibleSessions unserved outside queue scope at synth, naming both settings', () => {
    expect(errorOf(() => resolveSettings({ eligibleSessions: 'unserved' })).message).toMatch(/"eligibleSessions".*scope=queue/)
  })

  it("sets the send attempt timeout to the send function's timeout, and no CAP_HOURS on the session recorder (it does not read it)", () => {
    const env = functionEnvironments(resolveSettings({}), RESOURCES)
    expect(env.send.SEND_ATTEMPT_TIMEOUT_SECONDS).toBe(String(STAGES.send.functionTimeoutSeconds))
    expect(env.sessionRecorder).not.toHaveProperty('CAP_HOURS')
  })

  it('passes ACTIVE_CONVERSATION_STALE_HOURS to presence and send (both check busy customers), not to the recorder', () => {
    const env = functionEnvironments(resolveSettings({ activeConversationStaleHours: 6 }), RESOURCES)
    expect(env.presence.ACTIVE_CONVERSATION_STALE_HOURS).toBe('6')
    expect(env.send.ACTIVE_CONVERSATION_STALE_HOURS).toBe('6')
    expect(env.sessionRecorder).not.toHaveProperty('ACTIVE_CONVERSATION_STALE_HOURS')
    expect(functionEnvironments(resolveSettings({}), RESOURCES).presence.ACTIVE_CONVERSATION_STALE_HOURS).toBe('4')
  })

  it.each([
    ['messageTextSms', { messageTextSms: 'Hi {{firstName}}' }, 'MESSAGE_TEXT_SMS'],
    ['genesysTimeoutMs', { genesysTimeoutMs: 60_000 }, undefined],
    ['retryMaxSeconds', { retryMaxSeconds: 50_000 }, undefined],
    ['maxMessagesPerTrigger', { maxMessagesPerTrigger: 'all' }, undefined],
    ['maxMessagesPerTrigger', { maxMessagesPerTrigger: 0 }, undefined],
    ['fallbackMessagesPerTrigger', { fallbackMessagesPerTrigger: 2.5 }, undefined],
    ['activeConversationStaleHours', { activeConversationStaleHours: 0 }, undefined],
    ['eligibleSessions', { eligibleSessions: 'none' }, undefined],
  ] as const)('rejects a bad %s, naming it', (setting, props, variable) => {
    const error = errorOf(() => functionEnvironments(resolveSettings(props), RESOURCES))
    expect(error.message).toContain(`"${setting}"`)
    if (variable) expect(error.message).toContain(variable)
  })
})

describe('stack construction', () => {
  it('fails synth on invalid context with the setting named', () => {
    const app = testApp({ budgetPerMinute: 'lots' })
    expect(() => new ProactiveMessagingStack(app, 'Bad')).toThrow(/"budgetPerMinute".*-c budgetPerMinute=/)
  })

  it('lets explicit props override context', () => {
    const app = testApp({ scope: 'team' })
    const stack = new ProactiveMessagingStack(app, 'Override', { settings: { scope: 'queue' } })
    expect(stack.pipeline.settings.scope).toBe('queue')
  })

  it('warns at synth when the placeholder org id is used', () => {
    const stack = new ProactiveMessagingStack(testApp(), 'Placeholder')
    const pipeline = stack.node.findChild('ProactiveMessaging') as ProactiveMessaging
    // The data construct creates the partner bus, so the warning is on it (it was on the single construct).
    const warnings = pipeline.data.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data))
    expect(warnings.some((w) => w.includes('genesysOrgId is not set'))).toBe(true)
  })
})

describe('mistyped settings', () => {
  it('rejects a construct prop nothing reads, with the closest name and the known ones', () => {
    expect(() => resolveSettings({ budgetPerMinut: 100 } as Record<string, unknown>)).toThrow(
      /The ProactiveMessaging prop "budgetPerMinut" is not one this project reads\. Did you mean "budgetPerMinute"\? Known: .*capHours/,
    )
    expect(() => resolveSettings({ somethingElse: 1 } as Record<string, unknown>)).toThrow(/"somethingElse" is not one this project reads\. Known:/)
  })

  it('knows every setting of the schema (one source of truth) and accepts them all', () => {
    expect(KNOWN_SETTING_NAMES).toEqual(expect.arrayContaining(['genesysOrgId', 'budgetPerMinute', 'messageText', 'logLevel']))
    expect(() => checkSettingNames(Object.fromEntries(KNOWN_SETTING_NAMES.map((name) => [name, undefined])))).not.toThrow()
  })

  it("rejects a cdk.json context key nothing reads at synth, but not the CDK's own keys or the app's", () => {
    expect(() => new ProactiveMessagingStack(testApp({ scop: 'queue' }), 'Typo')).toThrow(/context key .*"scop" .*Did you mean "scope"\?/)
    expect(() => checkContextKeys({ '@aws-cdk/core:newStyleStackSynthesis': true, 'aws:cdk:bundling-stacks': [], 'cli-telemetry': false, stackName: 'x', nag: 'true', scope: 'queue' })).not.toThrow()
  })
})
