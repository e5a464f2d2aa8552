import { describe, expect, it } from 'vitest'
import { presenceConfigSchema, sendConfigSchema, sessionRecorderConfigSchema } from '#lib/config.ts'
import { closestName, editDistance, unknownNameMessage } from '#lib/did-you-mean.ts'
import { FUNCTION_SETTING_NAMES } from '#lib/settings/derive.ts'
import type { CommandIo } from '../../cli/command-io.ts'
import { main as runMain } from '../../local/commands/run.ts'

describe('did you mean', () => {
  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
  })

  it('suggests the closest known name only when it is close', () => {
    const known = ['MAX_MESSAGES_PER_TRIGGER', 'MAX_DELAY_MINUTES', 'COOLDOWN_MINUTES']
    expect(closestName('MAX_MESAGES_PER_TRIGGER', known)).toBe('MAX_MESSAGES_PER_TRIGGER')
    expect(closestName('cooldown_minute', known)).toBe('COOLDOWN_MINUTES')
    expect(closestName('BRAND', known)).toBeUndefined()
    expect(unknownNameMessage('the setting', 'BRAND', known)).toBe('the setting "BRAND" is not one this project reads. Known: COOLDOWN_MINUTES, MAX_DELAY_MINUTES, MAX_MESSAGES_PER_TRIGGER')
  })
})

describe('function setting names', () => {
  it('are every key of every function schema in lib/config.ts', () => {
    for (const schema of [sessionRecorderConfigSchema, presenceConfigSchema, sendConfigSchema]) {
      for (const name of Object.keys(schema.shape)) expect(FUNCTION_SETTING_NAMES).toContain(name)
    }
    expect(FUNCTION_SETTING_NAMES).toEqual([...new Set(FUNCTION_SETTING_NAMES)].sort())
  })
})

describe('npm start -- --set NAME=VALUE', () => {
  const io = (): CommandIo & { errors: string[] } => {
    const errors: string[] = []
    return { errors, out: () => {}, err: (line) => errors.push(line), stdin: async () => '', env: {} }
  }

  it('is an error for a name no function reads, with a did-you-mean and the known names', async () => {
    const capture = io()
    expect(await runMain(['--set', 'COOLDOWN_MINUTE=0'], capture)).toBe(2)
    expect(capture.errors.join('\n')).toMatch(/--set COOLDOWN_MINUTE: the setting "COOLDOWN_MINUTE" is not one this project reads\. Did you mean "COOLDOWN_MINUTES"\? Known: .*WINDOW_HOURS/)
  })
})
