/** What one entry of the settings registry (registry.ts) declares. */
import type { z } from 'zod'
import type { FUNCTIONS, HTTP_FUNCTIONS } from '../topology.ts'

/** The queue-fed stage functions. */
export type FunctionKey = keyof typeof FUNCTIONS

/** Every function that reads settings: the stages and the HTTP look-up. */
export type SettingReader = FunctionKey | keyof typeof HTTP_FUNCTIONS

/**
 * The TypeScript type of a construct prop, as the generated `ProactiveMessagingProps` writes it. Context values
 * (`-c key=value`, cdk.json) may always be text; the setting's schema reads both.
 */
export type PropType =
  | 'string'
  | 'number'
  | 'boolean'
  /** `readonly string[]`; a comma-separated string in context. */
  | 'list'
  /** `Readonly<Record<string, string>>`; a JSON string in context. */
  | 'map'
  | { readonly oneOf: readonly string[] }
  /** A number or one of these words. */
  | { readonly numberOr: readonly string[] }

/**
 * Values the stack itself puts in a function's environment (resources, the function timeout, the trusted org):
 * an entry names one with `stackSets` instead of taking the prop's value.
 */
export interface StackValues {
  readonly sessionsTableName: string
  readonly stateTableName: string
  readonly appEventBusName: string
  readonly sendDlqUrl: string
  readonly sendQueueUrl: string
  readonly trackQueueUrl: string
  readonly genesysSecretArn: string
  readonly sendAttemptTimeoutSeconds: string
  /** The Genesys org the partner bus is for; unset while the placeholder org is used. */
  readonly trustedOrgId?: string
}

export interface SettingDefinition {
  /** The environment variable a function reads (and `npm start -- --set NAME=…` sets). */
  readonly env?: string
  /** The construct prop, which is also the `cdk.json` context key. */
  readonly prop?: string
  /** The functions whose configuration holds `env`. Empty: a setting only the stack reads. */
  readonly readBy: readonly SettingReader[]
  /** Parses the environment string (a prop is turned into that string first); default and bounds included. */
  readonly schema: z.ZodType
  /** A stricter check of the prop at synth, applied before `schema` (a deployed stack needs a UUID, a full ARN…). */
  readonly propSchema?: z.ZodType
  readonly propType?: PropType
  /** The prop's default when the stack's differs from the function's (an unset `sendingMode` deploys `dry-run`). */
  readonly propDefault?: string
  /** One line: what it does, for the settings tables and the props' doc comments. */
  readonly meaning: string
  /** What a valid value looks like, for a synth error ("Expected …"). Required with `prop`. */
  readonly hint?: string
  /** A number's allowed range and why its upper bound is there (numberSetting), shown with the meaning. */
  readonly range?: string
  /** The stack sets `env` from this value instead of from the prop. */
  readonly stackSets?: keyof StackValues
  /** Why no prop sets `env` (the stack's resources, local endpoints, Lambda's own variables). */
  readonly whyNoProp?: string
}

/**
 * A check across settings of one function (e.g. ELIGIBLE_SESSIONS needs TARGET_SCOPE), over the parsed values by
 * environment name. Applied by that function's schema at start and by resolveSettings at synth (with the
 * variables renamed to their props).
 */
export interface CrossCheck {
  readonly variables: readonly string[]
  readonly check: (values: Readonly<Record<string, unknown>>) => { readonly variable: string; readonly message: string } | undefined
}
