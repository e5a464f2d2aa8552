import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { matchesPattern, validatePattern } from '../../local/event-pattern.ts'

interface PatternCase {
  name: string
  pattern: Record<string, unknown>
  event: Record<string, unknown>
  matches: boolean
}

const fixtureCases = JSON.parse(readFileSync(new URL('../fixtures/eventbridge/pattern-cases.json', import.meta.url), 'utf8')) as PatternCase[]

const ev = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  source: 's',
  'detail-type': 'x',
  detail,
  ...extra,
})

/** Cases beyond the fixture: operators' edges and the semantics npm matchers get wrong. */
const edgeCases: PatternCase[] = [
  // exact matching is type-strict
  { name: 'number matches number', pattern: { detail: { n: [5] } }, event: ev({ n: 5 }), matches: true },
  { name: 'number does not match numeric string', pattern: { detail: { n: [5] } }, event: ev({ n: '5' }), matches: false },
  { name: 'string does not match number', pattern: { detail: { n: ['5'] } }, event: ev({ n: 5 }), matches: false },
  { name: 'boolean true', pattern: { detail: { b: [true] } }, event: ev({ b: true }), matches: true },
  { name: 'boolean vs string "true"', pattern: { detail: { b: [true] } }, event: ev({ b: 'true' }), matches: false },
  { name: 'null does not match missing field', pattern: { detail: { v: [null] } }, event: ev({}), matches: false },
  { name: 'null does not match empty string', pattern: { detail: { v: [null] } }, event: ev({ v: '' }), matches: false },
  { name: 'empty string matches empty string', pattern: { detail: { v: [''] } }, event: ev({ v: '' }), matches: true },
  { name: 'any of several values', pattern: { source: ['a', 'b'] }, event: ev({}, { source: 'b' }), matches: true },
  { name: 'all fields must match (AND)', pattern: { source: ['s'], 'detail-type': ['y'] }, event: ev({}), matches: false },
  { name: 'leaf pattern against an object value', pattern: { detail: { u: ['x'] } }, event: ev({ u: { id: 'x' } }), matches: false },
  { name: 'nested pattern against a string value', pattern: { detail: { u: { id: ['x'] } } }, event: ev({ u: 'x' }), matches: false },
  // arrays
  { name: 'array: no element matches', pattern: { detail: { tags: ['c'] } }, event: ev({ tags: ['a', 'b'] }), matches: false },
  { name: 'array of objects: nested pattern matches an element', pattern: { detail: { items: { k: ['v2'] } } }, event: ev({ items: [{ k: 'v1' }, { k: 'v2' }] }), matches: true },
  {
    name: 'array of objects: fields must match in the same element',
    pattern: { detail: { items: { a: ['1'], b: ['2'] } } },
    event: ev({
      items: [
        { a: '1', b: 'x' },
        { a: 'x', b: '2' },
      ],
    }),
    matches: false,
  },
  { name: 'numeric on array elements', pattern: { detail: { n: [{ numeric: ['>', 10] }] } }, event: ev({ n: [1, 20] }), matches: true },
  // prefix / suffix
  { name: 'prefix is case-sensitive', pattern: { source: [{ prefix: 'Gen' }] }, event: ev({}, { source: 'genesys' }), matches: false },
  { name: 'prefix equals-ignore-case', pattern: { source: [{ prefix: { 'equals-ignore-case': 'GEN' } }] }, event: ev({}, { source: 'genesys' }), matches: true },
  { name: 'prefix does not apply to numbers', pattern: { detail: { n: [{ prefix: '1' }] } }, event: ev({ n: 12 }), matches: false },
  { name: 'suffix mismatch', pattern: { detail: { f: [{ suffix: '.png' }] } }, event: ev({ f: 'a.jpg' }), matches: false },
  { name: 'suffix equals-ignore-case', pattern: { detail: { f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } }, event: ev({ f: 'a.png' }), matches: true },
  // anything-but
  { name: 'anything-but single string, differs', pattern: { detail: { s: [{ 'anything-but': 'a' }] } }, event: ev({ s: 'b' }), matches: true },
  { name: 'anything-but single string, equal', pattern: { detail: { s: [{ 'anything-but': 'a' }] } }, event: ev({ s: 'a' }), matches: false },
  { name: 'anything-but number list, equal', pattern: { detail: { n: [{ 'anything-but': [1, 2] }] } }, event: ev({ n: 2 }), matches: false },
  { name: 'anything-but number list, differs', pattern: { detail: { n: [{ 'anything-but': [1, 2] }] } }, event: ev({ n: 3 }), matches: true },
  { name: 'anything-but prefix, differs', pattern: { detail: { r: [{ 'anything-but': { prefix: 'us-' } }] } }, event: ev({ r: 'eu-west-1' }), matches: true },
  { name: 'anything-but prefix, field missing', pattern: { detail: { r: [{ 'anything-but': { prefix: 'us-' } }] } }, event: ev({}), matches: false },
  { name: 'anything-but suffix, equal', pattern: { detail: { f: [{ 'anything-but': { suffix: '.tmp' } }] } }, event: ev({ f: 'x.tmp' }), matches: false },
  { name: 'anything-but suffix, differs', pattern: { detail: { f: [{ 'anything-but': { suffix: '.tmp' } }] } }, event: ev({ f: 'x.txt' }), matches: true },
  { name: 'anything-but equals-ignore-case', pattern: { detail: { s: [{ 'anything-but': { 'equals-ignore-case': ['offline'] } }] } }, event: ev({ s: 'OFFLINE' }), matches: false },
  { name: 'anything-but is case-sensitive', pattern: { detail: { s: [{ 'anything-but': ['OFFLINE'] }] } }, event: ev({ s: 'offline' }), matches: true },
  { name: 'anything-but on array: some element differs', pattern: { detail: { s: [{ 'anything-but': 'a' }] } }, event: ev({ s: ['a', 'b'] }), matches: true },
  // numeric
  { name: 'numeric = ', pattern: { detail: { n: [{ numeric: ['=', 3.5] }] } }, event: ev({ n: 3.5 }), matches: true },
  { name: 'numeric range, below', pattern: { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, event: ev({ c: 0 }), matches: false },
  { name: 'numeric range, above', pattern: { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, event: ev({ c: 5.01 }), matches: false },
  { name: 'numeric on missing field', pattern: { detail: { c: [{ numeric: ['>', 0] }] } }, event: ev({}), matches: false },
  { name: 'numeric on boolean', pattern: { detail: { c: [{ numeric: ['>', 0] }] } }, event: ev({ c: true }), matches: false },
  // exists
  { name: 'exists:true, field present', pattern: { detail: { e: [{ exists: true }] } }, event: ev({ e: 'x' }), matches: true },
  { name: 'exists:true, null value is present', pattern: { detail: { e: [{ exists: true }] } }, event: ev({ e: null }), matches: true },
  { name: 'exists:true on an object (not a leaf)', pattern: { detail: { e: [{ exists: true }] } }, event: ev({ e: { a: 1 } }), matches: false },
  { name: 'exists:false, empty array', pattern: { detail: { e: [{ exists: false }] } }, event: ev({ e: [] }), matches: true },
  { name: 'exists:false inside a missing object', pattern: { detail: { u: { e: [{ exists: false }] } } }, event: ev({}), matches: true },
  // equals-ignore-case, wildcard, cidr
  { name: 'equals-ignore-case mismatch', pattern: { detail: { n: [{ 'equals-ignore-case': 'alice' }] } }, event: ev({ n: 'alicia' }), matches: false },
  { name: 'equals-ignore-case not on numbers', pattern: { detail: { n: [{ 'equals-ignore-case': '1' }] } }, event: ev({ n: 1 }), matches: false },
  { name: 'wildcard mismatch', pattern: { detail: { p: [{ wildcard: 'dir/*.png' }] } }, event: ev({ p: 'dir/a.jpg' }), matches: false },
  { name: 'wildcard is anchored', pattern: { detail: { p: [{ wildcard: 'a*' }] } }, event: ev({ p: 'ba' }), matches: false },
  { name: 'wildcard * spans slashes', pattern: { detail: { p: [{ wildcard: 'dir/*.png' }] } }, event: ev({ p: 'dir/x/y.png' }), matches: true },
  { name: 'wildcard regex characters are literal', pattern: { detail: { p: [{ wildcard: 'a.b*' }] } }, event: ev({ p: 'axb1' }), matches: false },
  { name: 'wildcard escaped star is literal', pattern: { detail: { p: [{ wildcard: 'a\\*' }] } }, event: ev({ p: 'a*' }), matches: true },
  { name: 'wildcard escaped star is not a wildcard', pattern: { detail: { p: [{ wildcard: 'a\\*' }] } }, event: ev({ p: 'ab' }), matches: false },
  { name: 'cidr outside', pattern: { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, event: ev({ ip: '10.0.1.5' }), matches: false },
  { name: 'cidr on non-IP string', pattern: { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, event: ev({ ip: 'host' }), matches: false },
  { name: 'cidr IPv6', pattern: { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, event: ev({ ip: '2001:db8::1' }), matches: true },
  { name: 'cidr IPv6 outside', pattern: { detail: { ip: [{ cidr: '2001:db8::/32' }] } }, event: ev({ ip: '2001:db9::1' }), matches: false },
  // $or
  { name: '$or: no branch matches', pattern: { detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, event: ev({ b: '3' }), matches: false },
  { name: '$or at top level', pattern: { $or: [{ source: ['x'] }, { 'detail-type': ['x'] }] }, event: ev({}), matches: true },
  { name: '$or combined with another field (AND)', pattern: { source: ['t'], detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, event: ev({ a: '1' }), matches: false },
]

describe('matchesPattern: fixture cases (EventBridge user guide)', () => {
  it('has the documented 23 cases', () => {
    expect(fixtureCases).toHaveLength(23)
  })
  it.each(fixtureCases)('$name → $matches', ({ pattern, event, matches }) => {
    expect(validatePattern(pattern)).toEqual([])
    expect(matchesPattern(pattern, event)).toBe(matches)
  })
})

describe('matchesPattern: edge cases', () => {
  it.each(edgeCases)('$name → $matches', ({ pattern, event, matches }) => {
    expect(validatePattern(pattern)).toEqual([])
    expect(matchesPattern(pattern, event)).toBe(matches)
  })
})

describe('validatePattern', () => {
  const invalid: Array<[string, unknown, RegExp]> = [
    ['not an object', ['source'], /must be a JSON object/],
    ['non-array leaf', { source: 'genesys' }, /source: must be an array/],
    ['empty matcher list', { source: [] }, /source: empty array/],
    ['empty object', { detail: {} }, /detail: empty object/],
    ['unknown operator', { source: [{ startsWith: 'g' }] }, /source\[0\]: unknown operator "startsWith"/],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    ['prefix with a number', { source: [{ prefix: 1 }] }, /prefix takes a string/],
    ['exists with a string', { detail: { e: [{ exists: 'true' }] } }, /detail\.e\[0\]: exists takes true or false/],
    ['numeric with an unknown comparison', { detail: { n: [{ numeric: ['>>', 1] }] } }, /unknown comparison/],
    ['numeric with a string bound', { detail: { n: [{ numeric: ['>', '1'] }] } }, /bound must be a number/],
    ['numeric range upside down', { detail: { n: [{ numeric: ['<', 5, '>', 1] }] } }, /lower then an upper bound/],
    ['numeric empty range', { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } }, /range is empty/],
    ['cidr not a prefix', { detail: { ip: [{ cidr: '10.0.0.1' }] } }, /cidr takes an IP prefix/],
    ['cidr prefix too long', { detail: { ip: [{ cidr: '10.0.0.0/33' }] } }, /cidr takes an IP prefix/],
    ['wildcard with **', { detail: { p: [{ wildcard: 'a**b' }] } }, /consecutive \*/],
    ['anything-but mixed list', { detail: { s: [{ 'anything-but': ['a', 1] }] } }, /only strings or only numbers/],
    ['anything-but unsupported operator', { detail: { s: [{ 'anything-but': { numeric: ['>', 1] } }] } }, /anything-but does not support/],
    ['$or with one branch', { $or: [{ source: ['a'] }] }, /\$or: must be an array of at least two/],
    ['$or with a non-object branch', { $or: [{ source: ['a'] }, 'b'] }, /\$or\[1\]: must be an object/],
    ['nested problem inside $or', { $or: [{ source: ['a'] }, { source: 'b' }] }, /\$or\[1\]\.source: must be an array/],
    ['object inside a matcher list', { detail: { u: [{ id: ['x'] }] } }, /unknown operator "id"/],
  ]
  it.each(invalid)('rejects %s', (_name, pattern, problem) => {
    const problems = validatePattern(pattern)
    expect(
      problems.some((text) => problem.test(text)),
      problems.join(' | '),
    ).toBe(true)
  })

  it('reports every problem, not only the first', () => {
    expect(validatePattern({ source: 'a', detail: { n: [{ nope: 1 }] } })).toHaveLength(2)
  })

  it('accepts every operator form in one pattern', () => {
    const pattern = {
      source: ['a', { prefix: 'b' }, { prefix: { 'equals-ignore-case': 'c' } }, { suffix: { 'equals-ignore-case': 'd' } }],
      detail: {
        a: [1, true, null, { numeric: ['>=', 0, '<', 10] }, { numeric: ['=', 3] }],
        b: [{ 'anything-but': 'x' }, { 'anything-but': 5 }, { 'anything-but': { prefix: 'p' } }, { 'anything-but': { suffix: 's' } }],
        c: [{ 'anything-but': { 'equals-ignore-case': ['x', 'y'] } }, { 'anything-but': { wildcard: 'x*' } }],
        d: [{ exists: false }, { 'equals-ignore-case': 'e' }, { wildcard: 'a\\**' }, { cidr: '2001:db8::/32' }],
        $or: [{ e: ['1'] }, { f: { g: ['2'] } }],
      },
    }
    expect(validatePattern(pattern)).toEqual([])
  })
})
