#!/usr/bin/env node
/**
 * Rewrites deep relative imports into the package.json#imports aliases (`#lib/*`, `#functions/*`):
 * `import { x } from '../../lib/domain/model.ts'` in functions/send/index.ts becomes `from '#lib/domain/model.ts'`.
 *
 * Only a specifier that leaves the importing file's top-level folder and lands in an aliased folder is rewritten;
 * imports inside one folder (`../domain/model.ts` within lib/) stay relative. Static imports and re-exports,
 * side-effect imports and `import('…')` are covered; strings elsewhere are never touched. A file containing
 * `use-import-aliases: keep relative` is left alone (the test that compares an alias with its relative path).
 *
 * usage: node scripts/use-import-aliases.mjs [--write] [--check] [FOLDER...]
 *   default folders: lib functions cdk cli local test bench scripts
 *   (no flag)  list what would change
 *   --write    change the files
 *   --check    list, and exit 1 when anything would change
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_FOLDERS = ['lib', 'functions', 'cdk', 'cli', 'local', 'test', 'bench', 'scripts']
const SOURCE = /\.(ts|mts|mjs|js)$/
const KEEP = 'use-import-aliases: keep relative'
const SKIP = new Set(['node_modules', 'cdk.out', 'fixtures', '.git'])
// from '…' | import '…' | import('…'), with either quote.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]*)\2/g

/** `{ '#lib/': 'lib/', … }` from package.json#imports (only `#name/*` → `./folder/*` patterns). */
export function aliasesOf(root) {
  const imports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).imports ?? {}
  const aliases = {}
  for (const [pattern, target] of Object.entries(imports)) {
    if (typeof target !== 'string' || !pattern.endsWith('/*') || !target.startsWith('./') || !target.endsWith('/*')) continue
    aliases[pattern.slice(0, -1)] = target.slice(2, -1)
  }
  return aliases
}

/** The text with its deep relative specifiers aliased, and what changed. */
export function rewrite(text, file, root, aliases) {
  const from = relative(root, file).split(sep).join('/')
  const ownFolder = from.split('/')[0]
  const changes = []
  const out = text.replace(SPECIFIER, (whole, lead, quote, specifier) => {
    const target = relative(root, resolve(dirname(file), specifier)).split(sep).join('/')
    if (target.startsWith('../')) return whole
    for (const [alias, folder] of Object.entries(aliases)) {
      if (!target.startsWith(folder) || folder.split('/')[0] === ownFolder) continue
      const replaced = `${alias}${target.slice(folder.length)}`
      changes.push(`${specifier} → ${replaced}`)
      return `${lead}${quote}${replaced}${quote}`
    }
    return whole
  })
  return { text: out, changes }
}

function* sourceFiles(path) {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (!stat) return
  if (stat.isFile()) {
    if (SOURCE.test(path)) yield path
    return
  }
  for (const entry of readdirSync(path)) if (!SKIP.has(entry)) yield* sourceFiles(join(path, entry))
}

function main(argv) {
  const write = argv.includes('--write')
  const check = argv.includes('--check')
  const unknown = argv.filter((arg) => arg.startsWith('-') && arg !== '--write' && arg !== '--check')
  if (unknown.length > 0) {
    process.stderr.write(`use-import-aliases: unknown option ${unknown[0]} (use --write or --check)\n`)
    return 2
  }
  const folders = argv.filter((arg) => !arg.startsWith('-'))
  const aliases = aliasesOf(ROOT)
  if (Object.keys(aliases).length === 0) {
    process.stderr.write('use-import-aliases: package.json has no "#name/*": "./folder/*" imports\n')
    return 2
  }
  let files = 0
  let specifiers = 0
  for (const folder of folders.length > 0 ? folders : DEFAULT_FOLDERS) {
    for (const file of sourceFiles(resolve(ROOT, folder))) {
      const before = readFileSync(file, 'utf8')
      if (before.includes(KEEP)) continue
      const { text, changes } = rewrite(before, file, ROOT, aliases)
      if (changes.length === 0) continue
      files += 1
      specifiers += changes.length
      process.stdout.write(`${relative(ROOT, file)}\n${changes.map((change) => `  ${change}\n`).join('')}`)
      if (write) writeFileSync(file, text)
    }
  }
  process.stdout.write(`${specifiers} import${specifiers === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} ${write ? 'rewritten' : 'to rewrite'}\n`)
  return check && specifiers > 0 ? 1 : 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2))
