/**
 * The environment of each function: exactly the variable names its configuration reads (from the settings
 * registry, lib/settings/registry.ts), plus Powertools and Node settings. Validated at synth with the same zod
 * schemas the functions use at start, so a setting the function would reject fails `cdk synth` instead of the
 * first invocation.
 */
import { Token } from 'aws-cdk-lib'
import type { z } from 'zod'
import { replyRoutingConfigSchema } from '#lib/config.ts'
import { METRICS_NAMESPACE, SERVICE_NAMES } from '#lib/metrics-names.ts'
import type { FunctionKey, SettingReader, StackValues } from '#lib/settings/definition.ts'
import { ENTRIES, entriesReadBy, FUNCTION_KEYS, functionSchema, toEnvironmentValue } from '#lib/settings/derive.ts'
import { STAGES } from '#lib/topology.ts'
import { SettingError, type ResolvedSettings, type SettingName } from './settings.ts'

export type { FunctionKey } from '#lib/settings/definition.ts'

/** Resource names and ARNs (usually tokens) the environments refer to. */
export interface PipelineResources {
  readonly sessionsTableName: string
  readonly stateTableName: string
  readonly appEventBusName: string
  readonly sendDlqUrl: string
  readonly sendQueueUrl: string
  readonly trackQueueUrl: string
  readonly genesysSecretArn: string
  readonly sendMaxConcurrency: number
}

type Env = Record<string, string>

/** Each stage function's configuration schema, derived from the registry as lib/config.ts does. */
export const CONFIG_SCHEMAS: Record<FunctionKey, z.ZodType> = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, functionSchema(key)])) as unknown as Record<FunctionKey, z.ZodType>

/** Which setting each configuration variable comes from, to name it in a synth error and in the settings table. */
export const SETTING_OF_VARIABLE: Readonly<Record<string, SettingName>> = Object.fromEntries(ENTRIES.filter((entry) => entry.env && entry.prop).map((entry) => [entry.env, entry.prop]))

/**
 * Configuration variables that no setting sets, and why (the registry's `whyNoProp`). Every variable a function
 * reads is either here or in SETTING_OF_VARIABLE (test/unit/settings-docs.test.ts checks it).
 */
export const VARIABLES_NOT_FROM_SETTINGS: Readonly<Record<string, string>> = Object.fromEntries(ENTRIES.filter((entry) => entry.env && entry.whyNoProp).map((entry) => [entry.env, entry.whyNoProp]))

function runtimeEnv(key: FunctionKey, settings: ResolvedSettings): Env {
  return {
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES[key],
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    NODE_OPTIONS: '--enable-source-maps',
  }
}

/**
 * A function's variables (everything but the runtime settings above), from the registry: each entry the
 * function reads takes the stack's own value (`stackSets`) or its prop's value as the environment string; an
 * unset optional prop sets nothing.
 */
function environmentOf(key: SettingReader, settings: ResolvedSettings, stack: Partial<StackValues>): Env {
  const values = settings as unknown as Readonly<Record<string, unknown>>
  const env: Env = {}
  for (const entry of entriesReadBy(key)) {
    const value = entry.stackSets ? stack[entry.stackSets] : entry.prop ? toEnvironmentValue(values[entry.prop]) : undefined
    if (value !== undefined) env[entry.env] = value
  }
  return env
}

/** Variables each stage function reads through lib/config.ts. */
export function configEnvironments(settings: ResolvedSettings, resources: PipelineResources): Record<FunctionKey, Env> {
  const bus = settings.partnerBus
  // The functions check the org as well as the rules do (defence in depth), once a real org is known.
  const trustedOrgId = bus.kind === 'create' ? (bus.placeholder ? undefined : bus.orgId) : bus.orgId
  const stack: StackValues = { ...resources, sendAttemptTimeoutSeconds: String(STAGES.send.functionTimeoutSeconds), trustedOrgId }
  return Object.fromEntries(FUNCTION_KEYS.map((key) => [key, environmentOf(key, settings, stack)])) as Record<FunctionKey, Env>
}

/** Tokens (table names, URLs) are only known at deploy; stand-ins let the schema check everything else. */
function withStandIns(env: Env): Env {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      if (!Token.isUnresolved(value)) return [name, value]
      return [name, name.endsWith('_URL') ? 'https://sqs.us-east-1.amazonaws.com/123456789012/stand-in' : 'stand-in-resolved-at-deploy']
    }),
  )
}

export function validateEnvironment(key: FunctionKey, env: Env): void {
  const result = CONFIG_SCHEMAS[key].safeParse(withStandIns(env))
  if (result.success) return
  const issue = result.error.issues[0]!
  const variable = String(issue.path[0])
  const setting = SETTING_OF_VARIABLE[variable]
  if (setting) throw new SettingError(setting, `${variable} would be rejected by the ${key} function: ${issue.message}`)
  throw new Error(`The ${key} function would reject its environment: ${variable}: ${issue.message}`)
}

export function functionEnvironments(settings: ResolvedSettings, resources: PipelineResources): Record<FunctionKey, Env> {
  const config = configEnvironments(settings, resources)
  const keys = Object.keys(config) as FunctionKey[]
  for (const key of keys) validateEnvironment(key, config[key])
  return Object.fromEntries(keys.map((key) => [key, { ...config[key], ...runtimeEnv(key, settings) }])) as Record<FunctionKey, Env>
}

/** The reply-routing look-up's environment (its secret's ARN is added by the construct), validated like the others. */
export function replyRoutingEnvironment(settings: ResolvedSettings, resources: Pick<PipelineResources, 'stateTableName'>): Env {
  const env = environmentOf('replyRouting', settings, resources)
  const result = replyRoutingConfigSchema.safeParse(withStandIns(env))
  if (!result.success) throw new Error(`The reply-routing function would reject its environment: ${result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`).join('; ')}`)
  return {
    ...env,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.replyRouting,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    NODE_OPTIONS: '--enable-source-maps',
  }
}
