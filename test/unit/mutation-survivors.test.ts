/** `npm run docs:mutation` (scripts/mutation-survivors.ts): which mutants it lists, and under which reason. */
import { describe, expect, it } from 'vitest'
import { reasonOf, survivorsOf, survivorsSection } from '../../scripts/mutation-survivors.ts'

const source = ['export const a = (x: number) => x < 1', "export const name = 'E'", 'export const b = 2'].join('\n')
const at = (line: number, start: number, end: number) => ({ start: { line, column: start }, end: { line, column: end } })
const report = {
  files: {
    'lib/domain/x.ts': {
      source,
      mutants: [
        { mutatorName: 'EqualityOperator', status: 'Survived', location: at(1, 33, 38) },
        { mutatorName: 'StringLiteral', status: 'NoCoverage', location: at(2, 21, 24) },
        { mutatorName: 'BooleanLiteral', status: 'Killed', location: at(3, 1, 5) },
        { mutatorName: 'StringLiteral', status: 'Timeout', location: at(2, 21, 24) },
      ],
    },
  },
}

describe('mutation survivors in docs/testing.md', () => {
  it('lists survived and uncovered mutants with their line, mutator and the code they replaced; never killed ones', () => {
    expect(survivorsOf(report).map(({ line, mutator, status, original }) => ({ line, mutator, status, original }))).toEqual([
      { line: 1, mutator: 'EqualityOperator', status: 'Survived', original: 'x < 1' },
      { line: 2, mutator: 'StringLiteral', status: 'NoCoverage', original: "'E'" },
    ])
  })

  it('a reason matches by file, mutator and a piece of the line; anything else stays open', () => {
    const reasons = [{ file: 'lib/domain/x.ts', mutators: ['StringLiteral'], code: 'const name', kind: 'wording', why: 'a name' }]
    const [comparison, name] = survivorsOf(report)
    expect(reasonOf(name!, reasons)).toBe(reasons[0])
    expect(reasonOf(comparison!, reasons)).toBeUndefined()
    expect(reasonOf({ ...name!, mutator: 'ArrowFunction' }, reasons)).toBeUndefined()
    expect(reasonOf({ ...name!, file: 'lib/domain/y.ts' }, reasons)).toBeUndefined()
  })

  it('the section states the score from the report and lists an unmatched survivor as open', () => {
    const section = survivorsSection(report)
    expect(section).toContain('Report: 50.00 % (2 killed or timed out of 4; 1 survived, 1 without coverage).')
    expect(section).toContain('| lib/domain/x.ts:1 | EqualityOperator | Survived | `x < 1` |')
  })
})
