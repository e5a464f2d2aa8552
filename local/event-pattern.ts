/**
 * EventBridge content filtering, as the EventBridge user guide documents it ("Event patterns" and
 * "Content filtering"). The local bus uses it to apply the stack's own rule patterns (lib/topology.ts).
 *
 * Semantics that npm matchers tend to get wrong, and this one follows:
 * - a pattern field whose event field is missing matches only `{exists: false}` (not anything-but, not null);
 * - an array in the event matches when any element matches; an empty array behaves as a missing field;
 * - numeric matching applies to JSON numbers only, never to numeric strings;
 * - exact matching is type-strict and case-sensitive (`"5"` is not `5`).
 */
import { BlockList, isIP } from 'node:net'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr'] as const

const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='] as const

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** True when `event` is matched by `pattern`. Call `validatePattern` first: a malformed pattern matches nothing. */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return matchesObject(pattern, event)
}

function matchesObject(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') {
      return Array.isArray(expected) && expected.some((branch) => isPlainObject(branch) && matchesObject(branch, event))
    }
    const actual = isPlainObject(event) ? event[key] : undefined
    if (isPlainObject(expected)) return matchesNested(expected, actual)
    if (Array.isArray(expected)) return matchesLeaf(expected, actual)
    return false
  })
}

/** A nested pattern applies to an object, or to any object inside an array (EventBridge flattens arrays). */
function matchesNested(pattern: Record<string, unknown>, actual: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((element) => matchesNested(pattern, element))
  // Absent objects still match sub-patterns made only of `exists: false`.
  return matchesObject(pattern, isPlainObject(actual) ? actual : {})
}

function leafValues(actual: unknown): unknown[] {
  if (actual === undefined) return []
  if (Array.isArray(actual)) return actual.flatMap(leafValues)
  return isPlainObject(actual) ? [] : [actual]
}

function matchesLeaf(matchers: unknown[], actual: unknown): boolean {
  const values = leafValues(actual)
  return matchers.some((matcher) => {
    if (isPlainObject(matcher) && 'exists' in matcher) return matcher.exists === values.length > 0
    return values.some((value) => matchesValue(matcher, value))
  })
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (!isPlainObject(matcher)) return matcher === value
  const [operator, operand] = Object.entries(matcher)[0] ?? []
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && matchesAffix(operand, value, (s, p) => s.startsWith(p))
    case 'suffix':
      return typeof value === 'string' && matchesAffix(operand, value, (s, p) => s.endsWith(p))
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && foldCase(value) === foldCase(operand)
    case 'wildcard':
      return typeof value === 'string' && typeof operand === 'string' && wildcardRegExp(operand).test(value)
    case 'numeric':
      return typeof value === 'number' && Array.isArray(operand) && matchesNumeric(operand, value)
    case 'cidr':
      return typeof value === 'string' && typeof operand === 'string' && matchesCidr(operand, value)
    case 'anything-but':
      return matchesAnythingBut(operand, value)
    default:
      return false
  }
}

const foldCase = (text: string): string => text.toUpperCase().toLowerCase()

/** `{prefix: "x"}` or `{prefix: {"equals-ignore-case": "x"}}`, likewise for suffix. */
function matchesAffix(operand: unknown, value: string, test: (value: string, affix: string) => boolean): boolean {
  if (typeof operand === 'string') return test(value, operand)
  if (isPlainObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    return test(foldCase(value), foldCase(operand['equals-ignore-case']))
  }
  return false
}

function matchesAnythingBut(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return !operand.some((excluded) => excluded === value)
  if (!isPlainObject(operand)) return operand !== value
  // The object forms compare strings only; a non-string value is treated as no match (UNVERIFIED against
  // AWS: the user guide shows these forms on string fields only).
  if (typeof value !== 'string') return false
  const [operator, inner] = Object.entries(operand)[0] ?? []
  switch (operator) {
    case 'prefix':
      return !matchesAffix(inner, value, (s, p) => s.startsWith(p))
    case 'suffix':
      return !matchesAffix(inner, value, (s, p) => s.endsWith(p))
    case 'equals-ignore-case': {
      const excluded = Array.isArray(inner) ? inner : [inner]
      return !excluded.some((text) => typeof text === 'string' && foldCase(text) === foldCase(value))
    }
    case 'wildcard': {
      const excluded = Array.isArray(inner) ? inner : [inner]
      return !excluded.some((glob) => typeof glob === 'string' && wildcardRegExp(glob).test(value))
    }
    default:
      return false
  }
}

function matchesNumeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const bound = conditions[i + 1]
    if (typeof bound !== 'number') return false
    const holds = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[conditions[i] as (typeof NUMERIC_OPERATORS)[number]]
    if (!holds) return false
  }
  return true
}

const wildcardCache = new Map<string, RegExp>()

/** `*` matches any run of characters; `\*` and `\\` are a literal star and backslash. */
function wildcardRegExp(glob: string): RegExp {
  let cached = wildcardCache.get(glob)
  if (!cached) {
    let source = ''
    for (let i = 0; i < glob.length; i++) {
      const char = glob[i] as string
      if (char === '\\' && i + 1 < glob.length) source += escapeRegExp(glob[++i] as string)
      else source += char === '*' ? '.*' : escapeRegExp(char)
    }
    cached = new RegExp(`^${source}$`, 's')
    wildcardCache.set(glob, cached)
  }
  return cached
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr)
  if (!match) return undefined
  const address = match[1] as string
  const prefix = Number(match[2])
  const version = isIP(address)
  if (version === 4 && prefix <= 32) return { address, prefix, family: 'ipv4' }
  if (version === 6 && prefix <= 128) return { address, prefix, family: 'ipv6' }
  return undefined
}

const cidrCache = new Map<string, BlockList>()

function matchesCidr(cidr: string, value: string): boolean {
  const version = isIP(value)
  if (version === 0) return false
  let list = cidrCache.get(cidr)
  if (!list) {
    const parsed = parseCidr(cidr)
    if (!parsed) return false
    list = new BlockList()
    list.addSubnet(parsed.address, parsed.prefix, parsed.family)
    cidrCache.set(cidr, list)
  }
  return list.check(value, version === 4 ? 'ipv4' : 'ipv6')
}

// ---------------------------------------------------------------------------------------------------------
// Validation: EventBridge rejects a malformed pattern at PutRule; the local bus must fail as loudly.

/** Problems with `pattern`, each naming the path (`detail.state[0]`); empty when the pattern is valid. */
export function validatePattern(pattern: unknown): string[] {
  if (!isPlainObject(pattern)) return ['pattern must be a JSON object']
  const problems: string[] = []
  validateObject(pattern, '', problems)
  return problems
}

function validateObject(pattern: Record<string, unknown>, path: string, problems: string[]): void {
  const keys = Object.keys(pattern)
  if (keys.length === 0) problems.push(`${path || 'pattern'}: empty object matches nothing useful and is not allowed`)
  for (const key of keys) {
    const value = pattern[key]
    const at = path ? `${path}.${key}` : key
    if (key === '$or') validateOr(value, at, problems)
    else if (isPlainObject(value)) validateObject(value, at, problems)
    else if (Array.isArray(value)) validateLeaf(value, at, problems)
    else problems.push(`${at}: must be an array of matchers or a nested object, got ${describe(value)}`)
  }
}

function validateOr(value: unknown, at: string, problems: string[]): void {
  if (!Array.isArray(value) || value.length < 2) {
    problems.push(`${at}: must be an array of at least two patterns`)
    return
  }
  value.forEach((branch, i) => {
    if (isPlainObject(branch)) validateObject(branch, `${at}[${i}]`, problems)
    else problems.push(`${at}[${i}]: must be an object, got ${describe(branch)}`)
  })
}

function validateLeaf(matchers: unknown[], at: string, problems: string[]): void {
  if (matchers.length === 0) problems.push(`${at}: empty array matches nothing`)
  matchers.forEach((matcher, i) => {
    const here = `${at}[${i}]`
    if (matcher === null || typeof matcher === 'string' || typeof matcher === 'boolean') return
    if (typeof matcher === 'number') {
      if (!Number.isFinite(matcher)) problems.push(`${here}: number must be finite`)
      return
    }
    if (!isPlainObject(matcher)) {
      problems.push(`${here}: must be a string, number, boolean, null or operator object, got ${describe(matcher)}`)
      return
    }
    const keys = Object.keys(matcher)
    if (keys.length !== 1) {
      problems.push(`${here}: an operator object must have exactly one key, got ${keys.length}`)
      return
    }
    const operator = keys[0] as string
    const problem = operandProblem(operator, matcher[operator])
    if (problem) problems.push(`${here}: ${problem}`)
  })
}

function operandProblem(operator: string, operand: unknown): string | undefined {
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return affixProblem(operator, operand)
    case 'equals-ignore-case':
      return typeof operand === 'string' ? undefined : 'equals-ignore-case takes a string'
    case 'wildcard':
      return wildcardProblem(operand)
    case 'exists':
      return typeof operand === 'boolean' ? undefined : 'exists takes true or false'
    case 'cidr':
      return typeof operand === 'string' && parseCidr(operand) ? undefined : `cidr takes an IP prefix such as 10.0.0.0/24, got ${describe(operand)}`
    case 'numeric':
      return numericProblem(operand)
    case 'anything-but':
      return anythingButProblem(operand)
    default:
      return `unknown operator "${operator}" (known: ${OPERATORS.join(', ')})`
  }
}

function affixProblem(operator: string, operand: unknown): string | undefined {
  if (typeof operand === 'string') return undefined
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    return undefined
  }
  return `${operator} takes a string or {"equals-ignore-case": string}`
}

function wildcardProblem(operand: unknown): string | undefined {
  if (typeof operand !== 'string') return 'wildcard takes a string'
  if (/(?<!\\)\*\*/.test(operand)) return 'wildcard must not contain consecutive * characters'
  return undefined
}

function numericProblem(operand: unknown): string | undefined {
  const usage = 'numeric takes [op, number] or [">"|">=", number, "<"|"<=", number]'
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return usage
  for (let i = 0; i < operand.length; i += 2) {
    if (!NUMERIC_OPERATORS.includes(operand[i] as (typeof NUMERIC_OPERATORS)[number])) {
      return `${usage}; unknown comparison ${describe(operand[i])}`
    }
    if (typeof operand[i + 1] !== 'number' || !Number.isFinite(operand[i + 1])) return `${usage}; bound must be a number`
  }
  if (operand.length === 4) {
    const [low, lowBound, high, highBound] = operand as [string, number, string, number]
    if (!['>', '>='].includes(low) || !['<', '<='].includes(high)) return `${usage}; a range is a lower then an upper bound`
    if (lowBound > highBound) return 'numeric range is empty (lower bound above upper bound)'
  }
  return undefined
}

function anythingButProblem(operand: unknown): string | undefined {
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) return undefined
  if (Array.isArray(operand)) {
    if (operand.length === 0) return 'anything-but list must not be empty'
    const allStrings = operand.every((item) => typeof item === 'string')
    const allNumbers = operand.every((item) => typeof item === 'number' && Number.isFinite(item))
    return allStrings || allNumbers ? undefined : 'anything-but list must hold only strings or only numbers'
  }
  if (isPlainObject(operand) && Object.keys(operand).length === 1) {
    const [operator, inner] = Object.entries(operand)[0] as [string, unknown]
    const textOrTexts = typeof inner === 'string' || (Array.isArray(inner) && inner.length > 0 && inner.every((item) => typeof item === 'string'))
    if ((operator === 'prefix' || operator === 'suffix') && typeof inner === 'string') return undefined
    if (operator === 'equals-ignore-case' && textOrTexts) return undefined
    if (operator === 'wildcard' && textOrTexts) {
      return (Array.isArray(inner) ? inner : [inner]).map(wildcardProblem).find((problem) => problem !== undefined)
    }
    return `anything-but does not support {${operator}: ${describe(inner)}}`
  }
  return 'anything-but takes a string, a number, a list of them, or {prefix|suffix|equals-ignore-case|wildcard: ...}'
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value as Json)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
