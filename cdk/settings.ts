/**
 * Deployment settings: the construct's props and the `cdk.json` context keys are the same flat names, declared in
 * the settings registry (lib/settings/registry.ts) and validated once at synth with the schema the function that
 * reads each one uses at start. An invalid setting fails `cdk synth` with an error that names it and says how to
 * set it.
 */
import { z } from 'zod'
import { unknownNameMessage } from '#lib/did-you-mean.ts'
import type { Channel } from '#lib/domain/model.ts'
import type { SendingMode } from '#lib/domain/sending-mode.ts'
import { entryOfProp, entryOfVariable, inPropNames, meaningWithRange, PROP_ENTRIES, PROP_NAMES, propField, toEnvironmentValue, type ParsedProps, type PropName } from '#lib/settings/derive.ts'
import { CROSS_CHECKS, DEFAULTS } from '#lib/settings/registry.ts'
import type { ProactiveMessagingProps } from './proactive-messaging-props.generated.ts'

export type { ProactiveMessagingProps } from './proactive-messaging-props.generated.ts'
export { LOG_RETENTION_DAYS } from '#lib/settings/registry.ts'

/** Used when neither `genesysOrgId` nor `existingPartnerBusName` is set, so `cdk synth` works out of the box. */
export const PLACEHOLDER_ORG_ID = '00000000-0000-0000-0000-000000000000'
export const DEFAULT_EVENT_SOURCE_SUFFIX = 'proactive-messaging'

export type SettingName = PropName

/** Each prop's schema, described, for the generated settings table (scripts/settings-docs.ts). */
export const SETTINGS_SCHEMA = z.object(Object.fromEntries(PROP_ENTRIES.map((entry) => [entry.prop, propField(entry).describe(inPropNames(meaningWithRange(entry)))])))

/** Context keys the CDK app (cdk/app.ts) reads itself; they are not construct props. */
export const APP_CONTEXT = {
  stackName: { default: 'ProactiveMessaging', meaning: 'Stack name (app only), to deploy a second copy.' },
  nag: { default: 'false', meaning: '`-c nag=true` runs the cdk-nag AwsSolutions and Serverless packs during synth (app only).' },
} as const

/** Where Genesys events come from: a bus this stack creates for the partner source, or an imported one. */
export type PartnerBusSource =
  | { readonly kind: 'create'; readonly orgId: string; readonly suffix: string; readonly placeholder: boolean }
  | { readonly kind: 'import'; readonly busName: string; readonly orgId?: string }

export type ResolvedSettings = Omit<ParsedProps, 'genesysOrgId' | 'eventSourceSuffix' | 'existingPartnerBusName'> & {
  readonly partnerBus: PartnerBusSource
  /** false when `sendingMode` was not set and the stack deploys in the default `dry-run`. */
  readonly sendingModeSet: boolean
}

/** A stack whose `sendingMode` is not set deploys in this mode: it runs every step and sends nothing. */
export const DEFAULT_DEPLOYED_SENDING_MODE: SendingMode = 'dry-run'

/** The settings that must be real before a channel is sent `live`, with the placeholder each has by default. */
export const SENDER_SETTINGS: Readonly<Record<Channel, readonly { readonly setting: SenderSetting; readonly placeholder: string }[]>> = {
  webmessaging: [{ setting: 'webMessagingDeploymentId', placeholder: DEFAULTS.fromAddress.webmessaging }],
  sms: [{ setting: 'smsFromNumber', placeholder: DEFAULTS.fromAddress.sms }],
  whatsapp: [
    { setting: 'whatsappIntegrationId', placeholder: DEFAULTS.fromAddress.whatsapp },
    { setting: 'whatsappTemplateId', placeholder: DEFAULTS.whatsappTemplateId },
  ],
  open: [{ setting: 'openIntegrationId', placeholder: DEFAULTS.fromAddress.open }],
}
type SenderSetting = 'webMessagingDeploymentId' | 'smsFromNumber' | 'whatsappIntegrationId' | 'whatsappTemplateId' | 'openIntegrationId'

/** `live` with a placeholder sender id would send every message of that channel to a Genesys 400 and the DLQ. */
function checkLiveSenders(settings: Pick<ParsedProps, 'enabledChannels' | SenderSetting>): void {
  for (const channel of settings.enabledChannels) {
    for (const { setting, placeholder } of SENDER_SETTINGS[channel]) {
      if (settings[setting] !== placeholder) continue
      throw new SettingError(
        setting,
        `is still the placeholder ${placeholder} while sendingMode is 'live' and ${channel} is in enabledChannels; set it, or leave ${channel} out of enabledChannels, or deploy with sendingMode 'dry-run' first`,
      )
    }
  }
}

/** `Invalid setting "windowHours": <problem>. Expected <hint>. Set it in cdk.json "context", … (the functions read it as WINDOW_HOURS).` */
export class SettingError extends Error {
  constructor(setting: SettingName, problem: string) {
    const entry = entryOfProp(setting)
    const variable = entry?.env && !entry.stackSets ? ` (the functions read it as ${entry.env})` : ''
    super(
      `Invalid setting "${setting}": ${problem}. Expected ${entry?.hint}. ` +
        `Set it in cdk.json "context", with \`cdk synth -c ${setting}=...\`, or as the ProactiveMessaging prop \`${setting}\`${variable}.`,
    )
    this.name = 'SettingError'
  }
}

/** The setting keys, for reading them from CDK context. */
export const SETTING_NAMES = PROP_NAMES as readonly SettingName[]

/** Reads every known setting from construct context (cdk.json or `-c`); unset keys are left out. */
export function settingsFromContext(tryGetContext: (key: string) => unknown): Record<string, unknown> {
  const found: Record<string, unknown> = {}
  for (const name of SETTING_NAMES) {
    const value = tryGetContext(name)
    if (value !== undefined && value !== '') found[name] = value
  }
  return found
}

const ORG_FROM_BUS = /^aws\.partner\/genesys\.com\/cloud\/([^/]+)\/[^/]+$/

/** The construct's setting names, from the registry: a setting added there is known everywhere. */
export const KNOWN_SETTING_NAMES: readonly string[] = PROP_NAMES

/** Context keys this project reads that are not construct settings (cdk/app.ts). */
export const APP_CONTEXT_KEYS = ['stackName', 'nag'] as const

/** Keys the CDK itself and its CLI put in the context: feature flags (`@aws-cdk/…`), `aws:cdk:…`, CLI options. */
const isCdkOwnContextKey = (key: string): boolean => key.includes(':') || key.startsWith('@') || ['cli-telemetry', 'acknowledged-issue-numbers', 'notices'].includes(key)

export class UnknownSettingError extends Error {
  constructor(what: string, name: string, known: readonly string[]) {
    super(unknownNameMessage(what, name, known))
    this.name = 'UnknownSettingError'
  }
}

/** A prop no part of the construct reads is a typo: an error naming it, with the closest known name. */
export function checkSettingNames(input: object): void {
  for (const key of Object.keys(input)) {
    if (!KNOWN_SETTING_NAMES.includes(key)) throw new UnknownSettingError('The ProactiveMessaging prop', key, KNOWN_SETTING_NAMES)
  }
}

/** The same for cdk.json "context" keys and `-c key=value`. */
export function checkContextKeys(context: Record<string, unknown>): void {
  const known = [...KNOWN_SETTING_NAMES, ...APP_CONTEXT_KEYS]
  for (const key of Object.keys(context)) {
    if (!known.includes(key) && !isCdkOwnContextKey(key)) throw new UnknownSettingError('The context key (cdk.json "context" or -c)', key, known)
  }
}

/**
 * Each prop becomes the environment string its function would read and is parsed by that setting's schema, so a
 * value the function would refuse at start fails synth here, named as the prop; then the cross-setting checks.
 */
export function resolveSettings(input: ProactiveMessagingProps | Record<string, unknown>): ResolvedSettings {
  checkSettingNames(input)
  const parsed: Record<string, unknown> = {}
  const byVariable: Record<string, unknown> = {}
  for (const entry of PROP_ENTRIES) {
    const text = toEnvironmentValue((input as Record<string, unknown>)[entry.prop])
    const checked = entry.propSchema?.safeParse(text)
    const result = checked && !checked.success ? checked : propField(entry).safeParse(text)
    if (!result.success) throw new SettingError(entry.prop as SettingName, inPropNames(result.error.issues[0]!.message))
    parsed[entry.prop] = result.data
    if (entry.env) byVariable[entry.env] = result.data
  }
  for (const { variables, check } of CROSS_CHECKS) {
    const problem = variables.every((variable) => variable in byVariable) ? check(byVariable) : undefined
    if (problem) throw new SettingError(entryOfVariable(problem.variable)!.prop as SettingName, inPropNames(problem.message))
  }
  const { genesysOrgId, eventSourceSuffix, existingPartnerBusName, ...rest } = parsed as ParsedProps
  if (rest.sendingMode === 'live') checkLiveSenders(rest)
  return {
    ...rest,
    sendingModeSet: (input as Record<string, unknown>).sendingMode !== undefined,
    partnerBus: partnerBusSource(genesysOrgId, eventSourceSuffix, existingPartnerBusName),
  }
}

function partnerBusSource(orgId?: string, suffix?: string, busName?: string): PartnerBusSource {
  if (busName !== undefined) {
    if (orgId !== undefined || suffix !== undefined) {
      const extra: SettingName = orgId !== undefined ? 'genesysOrgId' : 'eventSourceSuffix'
      throw new SettingError(extra, 'cannot be combined with existingPartnerBusName (the imported bus already names the source)')
    }
    return { kind: 'import', busName, orgId: ORG_FROM_BUS.exec(busName)?.[1] }
  }
  if (orgId === undefined && suffix !== undefined) throw new SettingError('genesysOrgId', 'is required when eventSourceSuffix is set')
  return {
    kind: 'create',
    orgId: orgId ?? PLACEHOLDER_ORG_ID,
    suffix: suffix ?? DEFAULT_EVENT_SOURCE_SUFFIX,
    placeholder: orgId === undefined,
  }
}
