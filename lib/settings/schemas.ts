/**
 * The kinds of value a setting can hold, as zod schemas over the environment string a function reads. The
 * registry (registry.ts) builds each setting from one of these; the construct's props are turned into the same
 * string first (derive.ts, `toEnvironmentValue`), so one schema checks a value at synth and at function start.
 */
import { z } from 'zod'
import { parseDurations } from '../domain/unknown-outcome.ts'
import { findUnknownPlaceholders } from '../send/template.ts'
import { checkTimeZone, parseQuietWindow, QuietHoursError } from '../send/quiet-hours.ts'
import type { PropType } from './definition.ts'

/** A comma-separated list: trimmed items, empty ones dropped. */
export const commaList = (fallback = '') =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )

/** A list that may not be empty: an empty list of available statuses would mean "never available". */
export const nonEmptyList = (fallback: string) => commaList(fallback).refine((items) => items.length > 0, `must list at least one value, e.g. ${fallback}`)

interface NumberBounds {
  /** `positive`: more than 0; a number: at least that. */
  readonly min: 'positive' | number
  /** Inclusive; every number has one, chosen to fit the platform (`why`). */
  readonly max: number
  readonly unit: string
  readonly integer?: boolean
  readonly default?: number
  /** Why the upper bound is where it is, for the error and the docs. */
  readonly why: string
}

export interface NumberSetting {
  readonly schema: z.ZodType<number, string | undefined>
  readonly propType: 'number'
  readonly hint: string
  readonly range: string
}

const plain = (value: number): string => value.toLocaleString('en-US').replaceAll(',', '')

/** The range as a reader says it: `more than 0 and at most 168 hours` / `1 to 100 customers`. */
export function rangeText(bounds: Pick<NumberBounds, 'min' | 'max' | 'unit' | 'integer'>): string {
  const from = bounds.min === 'positive' ? (bounds.integer ? '1' : undefined) : plain(bounds.min)
  return from === undefined ? `more than 0 and at most ${plain(bounds.max)} ${bounds.unit}` : `${from} to ${plain(bounds.max)} ${bounds.unit}`
}

/** A number with both bounds; the upper bound's error says why it is there. */
export function numberSetting(bounds: NumberBounds): NumberSetting {
  let schema = z.coerce.number()
  if (bounds.integer) schema = schema.int('must be a whole number')
  schema = bounds.min === 'positive' ? schema.positive(`must be more than 0 ${bounds.unit}`) : schema.min(bounds.min, `must be at least ${plain(bounds.min)} ${bounds.unit}`)
  schema = schema.max(bounds.max, `must be at most ${plain(bounds.max)} ${bounds.unit} (${bounds.why})`)
  const range = rangeText(bounds)
  return {
    schema: (bounds.default === undefined ? schema : schema.default(bounds.default)) as unknown as z.ZodType<number, string | undefined>,
    propType: 'number',
    hint: `${bounds.integer ? 'a whole number' : 'a number'} of ${bounds.unit}, ${range.replace(` ${bounds.unit}`, '')}`,
    range: `${range} (${bounds.why})`,
  }
}

/** One of a few words; the prop type is their union. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return {
    schema: z.enum(values).default(fallback as never),
    propType: { oneOf: values } satisfies PropType,
    hint: values.map((v, i) => `${i === 0 ? '' : i === values.length - 1 ? ' or ' : ', '}'${v}'`).join(''),
  }
}

/** `HH:MM-HH:MM`, possibly wrapping midnight; checked in full, with the error naming the variable. */
export const quietWindow = () =>
  z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined || value.trim() === '') return
      try {
        parseQuietWindow(value)
      } catch (error) {
        if (!(error instanceof QuietHoursError)) throw error
        ctx.addIssue({ code: 'custom', message: error.message })
      }
    })

/** The shape of a quiet-hours window, checked first at synth for a short error; `quietWindow` checks the rest. */
export const quietWindowShape = () =>
  z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'must be HH:MM-HH:MM, e.g. 21:00-08:00')
    .optional()

export const timeZone = () =>
  z
    .string()
    .default('UTC')
    .superRefine((value, ctx) => {
      try {
        checkTimeZone(value)
      } catch (error) {
        if (!(error instanceof QuietHoursError)) throw error
        ctx.addIssue({ code: 'custom', message: error.message })
      }
    })

const placeholdersKnown = (value: string, ctx: z.RefinementCtx, prefix = '') => {
  const unknown = findUnknownPlaceholders(value)
  if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `${prefix}unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(', ')}` })
}

/** A message text: 1 to 4000 characters, only known placeholders. */
export const messageText = () =>
  z
    .string()
    .min(1)
    .max(4000)
    .superRefine((value, ctx) => placeholdersKnown(value, ctx))

/**
 * The parameters of the approved WhatsApp template, as JSON `{"<parameter id>": "<value>"}`; values may use the
 * text placeholders. Which ids a template expects (e.g. "1", "2" for positional parameters) is set in Genesys with
 * the template: UNVERIFIED how Genesys maps TemplateParameter.id to WhatsApp's {{1}}-style slots.
 */
export const templateParameters = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx): Readonly<Record<string, string>> | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined
      let parsed: unknown
      try {
        parsed = JSON.parse(raw)
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object {"<parameter id>": "<value>"}, e.g. {"1": "{{brand}}"}` })
        return z.NEVER
      }
      const entries = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.entries(parsed) : undefined
      if (!entries || entries.length === 0 || entries.some(([id, value]) => id.trim() === '' || typeof value !== 'string' || value.length > 1024)) {
        ctx.addIssue({ code: 'custom', message: 'must be a non-empty JSON object of parameter ids to string values (at most 1024 characters each)' })
        return z.NEVER
      }
      for (const [id, value] of entries) placeholdersKnown(value as string, ctx, `parameter ${JSON.stringify(id)}: `)
      return Object.fromEntries(entries) as Record<string, string>
    })

export const tableName = () => z.string().min(3, 'must be a DynamoDB table name (at least 3 characters)')

/** `true` or `false`, as context text or a boolean prop turned into text. */
export const booleanText = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(String(fallback) as 'true' | 'false')
    .transform((v) => v === 'true')

/**
 * A comma-separated list of ascending durations (`30s,2m,10m`, units ms, s, m, h), or `off` for none. Checked
 * here and kept as text (a prop round-trips through the environment string); the reader parses it with
 * `parseDurations`. `max` items at most, the last within `withinMs`.
 */
export const durationList = (fallback: string, limits: { readonly max: number; readonly withinMs: number }) =>
  z
    .string()
    .default(fallback)
    .superRefine((raw, ctx) => {
      let schedule: number[]
      try {
        schedule = parseDurations(raw)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of durations such as 30s,2m,10m, or off: ${(error as Error).message}` })
        return
      }
      if (schedule.some((ms, i) => ms <= 0 || (i > 0 && ms <= (schedule[i - 1] ?? 0))))
        ctx.addIssue({ code: 'custom', message: `the durations must be positive and ascending, got ${JSON.stringify(raw)}` })
      else if (schedule.length > limits.max || (schedule.at(-1) ?? 0) > limits.withinMs)
        ctx.addIssue({ code: 'custom', message: `at most ${limits.max} durations, the last within ${limits.withinMs / 3_600_000} hours, got ${JSON.stringify(raw)}` })
    })
