/** Argument parsing shared by the `proactive` commands (those with many options use node:util parseArgs). */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { closestName, unknownNameMessage } from '#lib/did-you-mean.ts'
import { FUNCTION_SETTING_NAMES } from '#lib/settings/derive.ts'
import type { CommandIo } from './command-io.ts'

/**
 * `--set NAME=VALUE` options as a function configuration. A malformed option, or a name no function reads (with a
 * did-you-mean), is an error naming it.
 */
export function parseSettingAssignments(assignments: readonly string[]): { config: Record<string, string> } | { error: string } {
  const config: Record<string, string> = {}
  for (const assignment of assignments) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(assignment)
    if (!match) return { error: `--set expects NAME=VALUE with an upper-case setting name, got "${assignment}"` }
    const name = match[1] as string
    if (!FUNCTION_SETTING_NAMES.includes(name)) return { error: `--set ${name}: ${unknownNameMessage('the setting', name, FUNCTION_SETTING_NAMES)}` }
    config[name] = match[2] as string
  }
  return { config }
}

interface FileArgs {
  readonly json: boolean
  readonly help: boolean
  readonly file?: string
  readonly error?: string
}

/** `[--json] FILE|-` and `--help`; shared by the explain commands. */
export function parseFileArgs(args: readonly string[], extraOptions: readonly string[] = []): FileArgs {
  let json = false
  let help = false
  const files: string[] = []
  for (const arg of args) {
    if (arg === '--json') json = true
    else if (arg === '--help' || arg === '-h') help = true
    else if (arg.startsWith('-') && arg !== '-') return { json, help, error: unknownOption(arg, ['json', ...extraOptions]) }
    else files.push(arg)
  }
  if (help) return { json, help }
  if (files.length !== 1) return { json, help, error: files.length === 0 ? 'a FILE (or - for standard input) is required' : 'only one FILE is accepted' }
  return { json, help, file: files[0] }
}

/** Takes `NAME VALUE` out of the arguments; an error when the value is missing. */
export function takeOption(args: string[], name: string): { value?: string; rest: string[]; error?: string } {
  const index = args.indexOf(name)
  if (index === -1) return { rest: args }
  const value = args[index + 1]
  if (value === undefined || value.startsWith('--')) return { rest: args, error: `${name} needs a value` }
  return { value, rest: [...args.slice(0, index), ...args.slice(index + 2)] }
}

/** `unknown option --jsn. Did you mean --json?` for a mistyped option; parseArgs's own message otherwise. */
export function unknownOption(option: string, known: readonly string[]): string {
  const suggestion = closestName(option.replace(/^-+/, '').split('=')[0] as string, [...known, 'help'])
  return `unknown option ${option}${suggestion ? `. Did you mean --${suggestion}?` : ''}`
}

/** `unknown action "purg". Did you mean "purge"? (inspect or redrive)` */
export function unknownAction(action: string, known: readonly string[]): string {
  const suggestion = closestName(action, known)
  return `unknown action "${action}"${suggestion ? `. Did you mean "${suggestion}"?` : ''} (${known.slice(0, -1).join(', ')} or ${known.at(-1)})`
}

function usageProblem(error: Error & { code?: string }, known: readonly string[]): string {
  const option = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /Unknown option '([^']+)'/.exec(error.message)?.[1] : undefined
  return option ? unknownOption(option, known) : error.message
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const

/**
 * node:util parseArgs (strict) with `-h/--help`, the way every `proactive` command takes its options: a usage error
 * prints `<command>: <message>` and the help on stderr (exit 2), `--help` prints the help (exit 0); otherwise the
 * parsed values and positionals.
 */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>, const P extends boolean = false>(
  command: string,
  config: { readonly args: string[]; readonly options: O; readonly allowPositionals?: P },
  help: string,
  io: CommandIo,
) {
  let parsed
  try {
    parsed = parseArgs({ args: config.args, options: { ...config.options, ...HELP_OPTION }, strict: true, allowPositionals: (config.allowPositionals ?? false) as P })
  } catch (error) {
    io.err(`${command}: ${usageProblem(error as Error & { code?: string }, Object.keys(config.options))}\n\n${help}`)
    return 2
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out(help)
    return 0
  }
  return parsed
}
