/**
 * Opt-out files: `proactive suppress import FILE` (CSV `channel,address`, header optional, an address holding a
 * comma in double quotes) and `npm start -- --suppress FILE` (lines `channel address`, the address being the rest
 * of the line). Blank lines and lines starting with # are skipped. Every line is checked: bad lines are returned
 * by number with the problem (never the address's digits), so nothing is half-imported silently.
 */
import { readFile } from 'node:fs/promises'
import type { Channel } from '#lib/domain/model.ts'
import { optOutKeyOf } from '#lib/domain/opt-outs.ts'

export interface OptOutFile {
  readonly entries: { readonly channel: Channel; readonly key: string }[]
  readonly bad: { readonly line: number; readonly problem: string }[]
}

export function parseOptOutFile(text: string, format: 'csv' | 'lines'): OptOutFile {
  const entries: OptOutFile['entries'] = []
  const bad: OptOutFile['bad'] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    if (format === 'csv' && index === firstContentLine(lines) && /^"?channel"?\s*,\s*"?address"?$/i.test(line)) return
    const fields = format === 'csv' ? csvFields(line) : spaceFields(line)
    if (typeof fields === 'string') {
      bad.push({ line: index + 1, problem: fields })
      return
    }
    const key = optOutKeyOf(fields[0], fields[1])
    if (key.ok) entries.push({ channel: key.channel, key: key.key })
    else bad.push({ line: index + 1, problem: key.problem })
  })
  return { entries, bad }
}

/**
 * `--suppress FILE` of a local run (`proactive run`, `proactive why --local`): the file's entries, or the error
 * lines to print before exiting 2 (unreadable file, or every bad line by number).
 */
export async function readSuppressOption(path: string, command: string): Promise<{ entries: OptOutFile['entries'] } | { errors: string[] }> {
  let file: OptOutFile
  try {
    file = parseOptOutFile(await readFile(path, 'utf8'), 'lines')
  } catch (error) {
    return { errors: [`${command}: --suppress: cannot read ${path}: ${(error as Error).message}`] }
  }
  if (file.bad.length === 0) return { entries: file.entries }
  return {
    errors: [...file.bad.map((bad) => `${path}:${bad.line}: ${bad.problem}`), `${command}: --suppress: ${file.bad.length} bad line(s) in ${path} (lines "channel address")`],
  }
}

function firstContentLine(lines: readonly string[]): number {
  return lines.findIndex((line) => line.trim() !== '' && !line.trim().startsWith('#'))
}

function spaceFields(line: string): [string, string] | string {
  const match = /^(\S+)\s+(.+)$/.exec(line)
  return match ? [match[1] as string, match[2] as string] : 'expected "channel address"'
}

/** Two CSV fields; a field in double quotes may hold commas, and "" is a quote. */
function csvFields(line: string): [string, string] | string {
  const fields: string[] = []
  let i = 0
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = ''
      i++
      for (;;) {
        if (i >= line.length) return 'a quoted field is not closed'
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"'
          i += 2
        } else if (line[i] === '"') {
          i++
          break
        } else value += line[i++]
      }
      fields.push(value)
      while (line[i] === ' ') i++
      if (i < line.length && line[i] !== ',') return 'unexpected text after a quoted field'
      i++
    } else {
      const end = line.indexOf(',', i)
      fields.push(line.slice(i, end === -1 ? line.length : end).trim())
      i = end === -1 ? line.length + 1 : end + 1
    }
  }
  return fields.length === 2 ? [fields[0] as string, fields[1] as string] : `expected 2 fields (channel,address), got ${fields.length}`
}
