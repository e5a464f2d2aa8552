/**
 * Everything derived from the settings registry that the functions and the stack share: each function's
 * configuration schema and type, the construct props' names and types, the names a did-you-mean knows, and the
 * one way a prop becomes the environment string its function reads.
 */
import { z } from 'zod'
import type { FunctionKey, PropType, SettingDefinition, SettingReader } from './definition.ts'
import { FUNCTIONS, HTTP_FUNCTIONS } from '../topology.ts'
import { CROSS_CHECKS, SETTINGS } from './registry.ts'

type Entry = (typeof SETTINGS)[number]
type PropEntry = Extract<Entry, { readonly prop: string }>

/** The zod shape of one function's configuration: every entry it reads, by environment name. */
export type FunctionShape<F extends SettingReader> = {
  [E in Entry as E extends { readonly env: infer N extends string; readonly readBy: readonly (infer R)[] } ? (F extends R ? N : never) : never]: E['schema']
}

/** A construct prop's TypeScript type, from its registry `propType` (the generated interface writes the same). */
export type PropValue<T> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'list'
        ? readonly string[]
        : T extends 'map'
          ? Readonly<Record<string, string>>
          : T extends { readonly oneOf: readonly (infer U)[] }
            ? U
            : T extends { readonly numberOr: readonly (infer U)[] }
              ? number | U
              : never

export type PropName = PropEntry['prop']

/** The props as the registry declares them; cdk/proactive-messaging-props.generated.ts must equal this (type test). */
export type RegistryProps = { readonly [E in PropEntry as E['prop']]?: PropValue<E['propType']> }

/** Each prop's value once parsed, defaults applied: what the constructs read. */
export type ParsedProps = {
  [E in PropEntry as E['prop']]: z.output<E['schema']>
}

/** The registry as plain definitions (the `as const` types are for the derived types above). */
export const ENTRIES: readonly SettingDefinition[] = SETTINGS

/** The queue-fed stage functions (lib/topology.ts FUNCTIONS): a stage added there reads its registry entries. */
export const FUNCTION_KEYS = Object.keys(FUNCTIONS) as FunctionKey[]

/** Every function that reads settings, stages and HTTP functions, by name: the order the settings tables list them in. */
export const SETTING_READERS = [...FUNCTION_KEYS, ...(Object.keys(HTTP_FUNCTIONS) as SettingReader[])].sort()

/** Each function's configuration schema, by reader (lib/config.ts exports the ones the handlers import). */
export const readerSchemas = (): Record<SettingReader, z.ZodType> => Object.fromEntries(SETTING_READERS.map((key) => [key, functionSchema(key)])) as unknown as Record<SettingReader, z.ZodType>

/** The registry entries with a construct prop, in registry order. */
export const PROP_ENTRIES = ENTRIES.filter((entry): entry is SettingDefinition & { readonly prop: string } => entry.prop !== undefined)

/** The registry entries a function reads. */
export const entriesReadBy = (key: SettingReader) => ENTRIES.filter((entry): entry is SettingDefinition & { readonly env: string } => entry.env !== undefined && entry.readBy.includes(key))

export const entryOfProp = (prop: string): SettingDefinition | undefined => PROP_ENTRIES.find((entry) => entry.prop === prop)

export const entryOfVariable = (variable: string): SettingDefinition | undefined => ENTRIES.find((entry) => entry.env === variable)

/** The meaning as the settings tables show it: with a number's range and why. */
export const meaningWithRange = (entry: SettingDefinition): string => (entry.range ? `${entry.meaning} Range: ${entry.range}.` : entry.meaning)

/** The schema a prop is parsed with at synth: the entry's schema, with the stack's own default when it has one. */
export const propField = (entry: SettingDefinition): z.ZodType => (entry.propDefault === undefined ? entry.schema : z.preprocess((value) => value ?? entry.propDefault, entry.schema))

/** One function's configuration schema: its entries, described, and the cross-checks over its own variables. */
export function functionSchema<F extends SettingReader>(key: F) {
  const entries = entriesReadBy(key)
  const shape = Object.fromEntries(entries.map((entry) => [entry.env, entry.schema.describe(meaningWithRange(entry))]))
  const checks = CROSS_CHECKS.filter((check) => check.variables.every((variable) => variable in shape))
  const schema = z.object(shape) as unknown as z.ZodObject<FunctionShape<F>>
  return schema.superRefine((config, ctx) => {
    for (const { check } of checks) {
      const problem = check(config as Record<string, unknown>)
      if (problem) ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message })
    }
  })
}

/** Every variable some function reads, sorted: what `npm start -- --set NAME=…` accepts. */
export const FUNCTION_SETTING_NAMES: readonly string[] = [...new Set(ENTRIES.filter((entry) => entry.env && entry.readBy.length > 0).map((entry) => entry.env!))].sort()

/** Every construct prop (and cdk.json key), in registry order. */
export const PROP_NAMES: readonly string[] = PROP_ENTRIES.map((entry) => entry.prop)

/** The environment string of a prop's value: lists comma-separated, maps as JSON, numbers and booleans as text. */
export function toEnvironmentValue(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(String).join(',')
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value)
}

/** A text about variables (a cross-check's message, a meaning) told in props: `TARGET_SCOPE=queue` → `scope=queue`. */
export function inPropNames(text: string): string {
  const named = ENTRIES.filter((entry) => entry.env && entry.prop).sort((a, b) => b.env!.length - a.env!.length)
  return named.reduce((result, entry) => result.replace(new RegExp(`\\b${entry.env}\\b`, 'g'), entry.prop!), text)
}

/** The TypeScript spelling of a prop type, for the generated props interface. */
export function typeScriptOf(type: PropType): string {
  if (typeof type === 'object') {
    const words = ('oneOf' in type ? type.oneOf : type.numberOr).map((word) => `'${word}'`).join(' | ')
    return 'oneOf' in type ? words : `number | ${words}`
  }
  return { string: 'string', number: 'number', boolean: 'boolean', list: 'readonly string[]', map: 'Readonly<Record<string, string>>' }[type]
}
