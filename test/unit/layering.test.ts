/**
 * What may import what (docs/architecture.md, "Layout and import rules"), checked on every import of the
 * production code and the local cloud. Imports are read with TypeScript's own pre-processor (static, dynamic and
 * re-exports; never strings in comments); `#lib/*` and `#functions/*` resolve to their folders.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/run-command.ts'

const CODE_FOLDERS = ['lib', 'functions', 'cdk', 'cli', 'local']
const STAGES = ['lib/presence/', 'lib/send/', 'lib/session-recorder/', 'lib/reply-routing/', 'lib/track/']
const HANDLERS = ['functions/presence/', 'functions/send/', 'functions/session-recorder/', 'functions/reply-routing/', 'functions/track/']
/** Pure modules at the root of lib/ that a use case may read: the metric vocabulary and a concurrency helper. */
const PURE_LIB_ROOT = ['lib/metrics-names.ts', 'lib/concurrency.ts']

interface Rule {
  /** Files the rule is about (a folder prefix). */
  readonly files: string
  /** What they may import: repository paths (a folder ends with /) and packages; anything else is refused. */
  readonly only?: readonly string[]
  /** What they must not import (repository paths), when the rest is free. */
  readonly never?: readonly string[]
  readonly why: string
}

const RULES: readonly Rule[] = [
  { files: 'lib/domain/', only: ['lib/domain/', 'lib/metrics-names.ts', 'zod'], why: 'the domain is pure: no SDK, no adapter, no I/O' },
  ...STAGES.map((stage) => ({
    files: stage,
    only: [stage, 'lib/domain/', ...PURE_LIB_ROOT, 'zod'],
    why: 'a stage (use case and steps) is written against the ports in lib/domain: no SDK, no adapter, no other stage',
  })),
  { files: 'lib/', never: ['functions/', 'cdk/', 'cli/', 'local/', 'test/', 'bench/'], why: 'lib/ is what the handlers, the stack and the CLI build on' },
  { files: 'functions/', never: ['cdk/', 'cli/', 'local/', 'test/', 'bench/'], why: 'a handler is wiring over lib/' },
  ...HANDLERS.map((handler) => ({
    files: handler,
    never: HANDLERS.filter((other) => other !== handler),
    why: 'a handler shares code with the others only through functions/shared/ and lib/',
  })),
  { files: 'cdk/', never: ['functions/', 'cli/', 'local/', 'test/', 'bench/'], why: 'the stack bundles the handlers by path and never runs their code' },
  { files: 'cli/', never: ['local/', 'functions/', 'test/', 'bench/'], why: 'the operator CLI talks to a deployed stack, never to the local cloud' },
  { files: 'cli/', never: ['cdk/'], why: 'the CLI reads only the app-context defaults of the stack (cdk/settings.ts)' },
  { files: 'local/', never: ['test/', 'bench/'], why: 'the local cloud is tooling the tests use, not the other way round' },
]
/** Exceptions to a `never` rule, by importing folder and imported file. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = { 'cli/': ['cdk/settings.ts'] }

/** A repository path for a relative or aliased specifier; a package name (`@scope/name`, `name`) otherwise. */
function resolveImport(file: string, specifier: string): { path: string } | { pkg: string } {
  if (specifier.startsWith('.')) return { path: posix.normalize(posix.join(posix.dirname(file), specifier)) }
  if (specifier.startsWith('#lib/')) return { path: `lib/${specifier.slice(5)}` }
  if (specifier.startsWith('#functions/')) return { path: `functions/${specifier.slice(11)}` }
  const parts = specifier.split('/')
  return { pkg: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string) }
}

const covers = (entry: string, path: string) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry)

/** Every import of `sources` (path → text) that breaks a rule, as `file → import: why`. */
function violations(sources: ReadonlyMap<string, string>): string[] {
  const found: string[] = []
  for (const [file, text] of sources) {
    for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
      const target = resolveImport(file, specifier)
      for (const rule of RULES) {
        if (!file.startsWith(rule.files)) continue
        if (rule.only) {
          const allowed = 'path' in target ? rule.only.some((entry) => covers(entry, target.path)) : rule.only.includes(target.pkg)
          if (!allowed) found.push(`${file} → ${specifier}: ${rule.why}`)
        }
        if (rule.never && 'path' in target) {
          const refused = rule.never.some((entry) => covers(entry, target.path)) && !(ALLOWED[rule.files] ?? []).some((entry) => covers(entry, target.path))
          if (refused) found.push(`${file} → ${specifier}: ${rule.why}`)
        }
      }
    }
  }
  return found
}

function* sourceFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(join(ROOT, folder))) {
    const path = `${folder}/${entry}`
    if (statSync(join(ROOT, path)).isDirectory()) yield* sourceFiles(path)
    else if (/\.(ts|mts|mjs)$/.test(entry)) yield path
  }
}

function repositorySources(): Map<string, string> {
  const sources = new Map<string, string>()
  for (const folder of CODE_FOLDERS) for (const file of sourceFiles(folder)) sources.set(relative(ROOT, join(ROOT, file)).split(sep).join('/'), readFileSync(join(ROOT, file), 'utf8'))
  return sources
}

describe('layering: what may import what', () => {
  it('the production code, the CLI and the local cloud keep to the rules of docs/architecture.md', () => {
    const sources = repositorySources()
    expect(sources.size).toBeGreaterThan(100)
    expect(violations(sources)).toEqual([])
  })

  it('docs/architecture.md states every rule the test checks', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')
    const start = doc.indexOf('## Layout and import rules')
    expect(start).toBeGreaterThan(-1)
    const section = doc.slice(start, doc.indexOf('\n## ', start + 1))
    for (const rule of RULES) expect(section, rule.files).toContain(`\`${rule.files}\``)
  })

  it('finds a violation of each kind: an SDK or a stage in the domain, the local cloud in the CLI, a handler in the stack', () => {
    const sources = new Map([
      ['lib/domain/x.ts', "import { z } from 'zod'\nimport { DynamoDBClient } from '@aws-sdk/client-dynamodb'\nimport { renderTemplate } from '../send/template.ts'\n"],
      ['lib/domain/y.ts', "import { createHash } from 'node:crypto'\n"],
      ['lib/send/x.ts', "import { DynamoDbSessionRepository } from '../adapters/dynamodb-sessions.ts'\nimport type { Clock } from '../domain/ports.ts'\n"],
      ['lib/presence/x.ts', "export { sendMessage } from '../send/send-message.ts'\n"],
      ['cli/x.ts', "const cloud = await import('../local/cloud.ts')\nimport { APP_CONTEXT } from '../cdk/settings.ts'\n// import '../local/chaos.ts' in a comment is not an import\n"],
      ['cli/y.ts', "import { ProactiveMessaging } from '../cdk/proactive-messaging.ts'\n"],
      ['cdk/x.ts', "import { createSendHandler } from '#functions/send/index.ts'\n"],
      ['functions/send/x.ts', "import { LocalCloud } from '../../local/cloud.ts'\nimport { createPresenceHandler } from '../presence/index.ts'\n"],
      ['local/x.ts', "import { main } from '../cli/commands/why.ts'\nimport { createSendHandler } from '#functions/send/index.ts'\n"],
    ])
    expect(violations(sources).map((line) => line.split(': ')[0])).toEqual([
      'lib/domain/x.ts → @aws-sdk/client-dynamodb',
      'lib/domain/x.ts → ../send/template.ts',
      'lib/domain/y.ts → node:crypto',
      'lib/send/x.ts → ../adapters/dynamodb-sessions.ts',
      'lib/presence/x.ts → ../send/send-message.ts',
      'cli/x.ts → ../local/cloud.ts',
      'cli/y.ts → ../cdk/proactive-messaging.ts',
      'cdk/x.ts → #functions/send/index.ts',
      'functions/send/x.ts → ../../local/cloud.ts',
      'functions/send/x.ts → ../presence/index.ts',
    ])
  })
})
