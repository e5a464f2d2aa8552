/**
 * Reading a scenario: a `.jsonl` file (one event a line), a `.json` file (an array of events, or one event),
 * or a folder of them read in name order. Each event is an EventBridge envelope exactly as the Genesys
 * integration delivers it. A line that is not JSON becomes an unreadable entry, reported and counted, not fatal.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'

export type ScenarioEntry = { readonly ok: true; readonly event: unknown; readonly origin: string } | { readonly ok: false; readonly problem: string; readonly origin: string }

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError'
}

const EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson'])

export async function readScenario(path: string): Promise<ScenarioEntry[]> {
  let info
  try {
    info = await stat(path)
  } catch {
    throw new ScenarioError(`cannot read ${path}: no such file or folder`)
  }
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((name) => EXTENSIONS.has(extname(name))).sort()
    if (names.length === 0) throw new ScenarioError(`${path} holds no .json or .jsonl files`)
    const entries: ScenarioEntry[] = []
    for (const name of names) entries.push(...(await readScenarioFile(join(path, name))))
    return entries
  }
  if (!EXTENSIONS.has(extname(path))) throw new ScenarioError(`${path}: expected a .jsonl or .json file, or a folder of them`)
  return readScenarioFile(path)
}

async function readScenarioFile(file: string): Promise<ScenarioEntry[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ScenarioError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  if (extname(file) === '.json') {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new ScenarioError(`${file} is not valid JSON: ${(error as Error).message}`)
    }
    const events = Array.isArray(parsed) ? parsed : [parsed]
    return events.map((event, index) => ({ ok: true, event, origin: `${file}[${index}]` }))
  }
  const entries: ScenarioEntry[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return
    const origin = `${file}:${index + 1}`
    try {
      entries.push({ ok: true, event: JSON.parse(line), origin })
    } catch (error) {
      entries.push({ ok: false, problem: `not valid JSON (${(error as Error).message.slice(0, 80)})`, origin })
    }
  })
  return entries
}
