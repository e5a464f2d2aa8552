/**
 * `npm run docs:settings`: regenerates what is written from the settings registry (lib/settings/registry.ts), so
 * neither the docs nor the props can drift from it.
 *   README.md                                     function settings, from each function's schema
 *   docs/deployment.md                            CDK settings, from the registry's props
 *   cdk/proactive-messaging-props.generated.ts    the ProactiveMessagingProps interface
 * Each table sits between marker comments; the rest of the file is left alone. `--check` changes nothing and
 * exits 1 when anything differs (test/unit/settings-docs.test.ts makes the same comparison).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { z } from 'zod'
import { SETTING_OF_VARIABLE, VARIABLES_NOT_FROM_SETTINGS } from '../cdk/function-environment.ts'
import { APP_CONTEXT, SETTINGS_SCHEMA, type SettingName } from '../cdk/settings.ts'
import { SERVICE_NAMES } from '#lib/metrics-names.ts'
import type { SettingReader } from '#lib/settings/definition.ts'
import { inPropNames, meaningWithRange, PROP_ENTRIES, propField, readerSchemas, SETTING_READERS, typeScriptOf } from '#lib/settings/derive.ts'

export const REGENERATE = 'npm run docs:settings'
const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface GeneratedTable {
  readonly file: string
  readonly marker: string
  readonly render: () => string
}

type Shape = Record<string, z.ZodType>

function shapeOf(schema: z.ZodType): Shape {
  const shape = (schema as unknown as { shape?: Shape }).shape
  if (!shape) throw new Error('settings-docs: a configuration schema is not a z.object')
  return shape
}

/** The default as a user would type it: parsing "unset" through the field's own schema. */
export function defaultCell(field: z.ZodType): string {
  const parsed = field.safeParse(undefined)
  if (!parsed.success) return 'required'
  const value: unknown = parsed.data
  if (value === undefined) return '—'
  if (value === '') return 'empty'
  return code(Array.isArray(value) ? value.join(',') : String(value))
}

function code(text: string): string {
  return '`' + text + '`'
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

function meaningOf(where: string, field: z.ZodType): string {
  const description = field.description
  if (!description) throw new Error(`settings-docs: ${where} has no description: add .describe('what it means') to its schema`)
  return description
}

/** Every function's configuration schema: the stages' and the reply-routing look-up's. */
const READER_SCHEMAS: Record<SettingReader, z.ZodType> = readerSchemas()

interface FunctionVariable {
  readonly name: string
  readonly readBy: SettingReader[]
  readonly field: z.ZodType
}

/** Every configuration variable, with the functions whose schema reads it; one meaning and default per name. */
export function functionVariables(): FunctionVariable[] {
  const byName = new Map<string, FunctionVariable>()
  for (const key of SETTING_READERS) {
    for (const [name, field] of Object.entries(shapeOf(READER_SCHEMAS[key]))) {
      const known = byName.get(name)
      if (!known) {
        byName.set(name, { name, readBy: [key], field })
        continue
      }
      if (meaningOf(name, known.field) !== meaningOf(name, field) || defaultCell(known.field) !== defaultCell(field)) {
        throw new Error(`settings-docs: ${name} has a different description or default in the ${key} schema: define it once and share it`)
      }
      known.readBy.push(key)
    }
  }
  const all = [...byName.values()]
  // What no setting sets (resources, local-only endpoints) goes last: those are not a user's choices.
  const isResource = (v: FunctionVariable) => v.name in VARIABLES_NOT_FROM_SETTINGS
  return [...all.filter((v) => !isResource(v)), ...all.filter(isResource)]
}

function cdkCell(variable: string): string {
  const setting = SETTING_OF_VARIABLE[variable]
  if (setting) return code(setting)
  const reason = VARIABLES_NOT_FROM_SETTINGS[variable]
  if (reason) return reason
  throw new Error(
    `settings-docs: ${variable} is read by a function but no CDK setting sets it: give its entry in lib/settings/registry.ts a prop, ` +
      `or say why not (whyNoProp)`,
  )
}

export function renderFunctionTable(): string {
  const variables = functionVariables()
  const known = new Set(variables.map((v) => v.name))
  for (const name of [...Object.keys(SETTING_OF_VARIABLE), ...Object.keys(VARIABLES_NOT_FROM_SETTINGS)]) {
    if (!known.has(name)) throw new Error(`settings-docs: ${name} is in lib/settings/registry.ts but no function schema reads it`)
  }
  const rows = variables.map((v) =>
    [code(v.name), v.readBy.map((key) => SERVICE_NAMES[key]).join(', '), defaultCell(v.field), cdkCell(v.name), meaningOf(v.name, v.field)],
  )
  return table(['Setting', 'Read by', 'Default', 'CDK setting', 'Meaning'], rows)
}

export function renderCdkTable(): string {
  const variables = functionVariables()
  const shape = shapeOf(SETTINGS_SCHEMA)
  const rows = Object.entries(shape).map(([name, field]) => {
    const sets = Object.entries(SETTING_OF_VARIABLE)
      .filter(([, setting]) => setting === (name as SettingName))
      .map(([variable]) => `${code(variable)} (${variables.find((v) => v.name === variable)!.readBy.map((key) => SERVICE_NAMES[key]).join(', ')})`)
    return [code(name), defaultCell(field), sets.length > 0 ? sets.join(', ') : '— (the stack itself)', meaningOf(name, field)]
  })
  for (const [name, entry] of Object.entries(APP_CONTEXT)) rows.push([code(name), code(entry.default), 'the CDK app only', entry.meaning])
  return table(['Setting', 'Default', 'Sets (read by)', 'Meaning'], rows)
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export const PROPS_FILE = 'cdk/proactive-messaging-props.generated.ts'

/** A default as TypeScript writes it, for `@default`. */
function typeScriptDefault(field: z.ZodType): string | undefined {
  const parsed = field.safeParse(undefined)
  if (!parsed.success || parsed.data === undefined) return undefined
  const literal = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : String(value))
  return Array.isArray(parsed.data) ? `[${parsed.data.map(literal).join(', ')}]` : literal(parsed.data)
}

/** The ProactiveMessagingProps interface: one documented, typed, optional prop per registry entry with a prop. */
export function renderPropsFile(): string {
  const props = PROP_ENTRIES.flatMap((entry) => {
    if (!entry.propType) throw new Error(`settings-docs: ${entry.prop} has no propType in lib/settings/registry.ts`)
    const fallback = typeScriptDefault(propField(entry))
    const doc = inPropNames(meaningWithRange(entry)).replaceAll('*/', '*\\/')
    return ['  /**', `   * ${doc}`, ...(fallback === undefined ? [] : [`   * @default ${fallback}`]), '   */', `  readonly ${entry.prop}?: ${typeScriptOf(entry.propType)}`]
  })
  return [
    `// Generated by \`${REGENERATE}\` from lib/settings/registry.ts; do not edit by hand.`,
    '',
    '/** Typed, documented props of the ProactiveMessaging construct. Every prop is also a `cdk.json` context key. */',
    'export interface ProactiveMessagingProps {',
    ...props,
    '}',
    '',
  ].join('\n')
}

export const TABLES: readonly GeneratedTable[] = [
  { file: 'README.md', marker: 'function-settings', render: renderFunctionTable },
  { file: 'docs/deployment.md', marker: 'cdk-settings', render: renderCdkTable },
]

export function markers(marker: string): { begin: string; end: string } {
  return {
    begin: `<!-- ${marker}: generated by \`${REGENERATE}\` from the code; do not edit by hand -->`,
    end: `<!-- /${marker} -->`,
  }
}

/** The text between a table's markers (without the markers), or an error naming what is missing. */
export function generatedSection(document: string, marker: string): string {
  const { begin, end } = markers(marker)
  const start = document.indexOf(begin)
  const stop = document.indexOf(end)
  if (start < 0 || stop < start) throw new Error(`settings-docs: the markers ${begin} … ${end} are missing`)
  return document.slice(start + begin.length, stop).trim()
}

export function replaceSection(document: string, marker: string, content: string): string {
  const { begin, end } = markers(marker)
  generatedSection(document, marker)
  const start = document.indexOf(begin) + begin.length
  return document.slice(0, start) + '\n' + content + '\n' + document.slice(document.indexOf(end))
}

function main(args: string[]): number {
  const check = args.includes('--check')
  let stale = 0
  for (const { file, marker, render } of TABLES) {
    const path = ROOT + file
    const document = readFileSync(path, 'utf8')
    const updated = replaceSection(document, marker, render())
    if (updated === document) continue
    stale++
    if (check) console.error(`${file}: the ${marker} table differs from the code; run \`${REGENERATE}\``)
    else {
      writeFileSync(path, updated)
      console.log(`${file}: ${marker} table regenerated`)
    }
  }
  const props = renderPropsFile()
  if (!existsSync(ROOT + PROPS_FILE) || readFileSync(ROOT + PROPS_FILE, 'utf8') !== props) {
    stale++
    if (check) console.error(`${PROPS_FILE} differs from lib/settings/registry.ts; run \`${REGENERATE}\``)
    else {
      writeFileSync(ROOT + PROPS_FILE, props)
      console.log(`${PROPS_FILE}: regenerated`)
    }
  }
  return check && stale > 0 ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2))
