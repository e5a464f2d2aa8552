/**
 * A refused setting stops a local run before anything starts: `npm start -- --set NAME=VALUE` prints the functions'
 * own refusal naming the variable and exits 1, and the process ends (runCommand resolves only once it has exited,
 * so a server left listening fails this test by its timeout).
 */
import { describe, expect, it } from 'vitest'
import { ConfigError } from '#lib/config.ts'
import { LocalCloud } from '../../local/cloud.ts'
import { runCommand } from '../support/run-command.ts'

describe('npm start with a refused setting', () => {
  it.each([
    ['CAP_HOURS=0', 'invalid configuration for presence: CAP_HOURS: must be more than 0 hours'],
    ['WINDOW_HOURS=1e308', 'WINDOW_HOURS: must be at most 168 hours'],
  ])(
    '--set %s: the refusal, exit 1, nothing left running',
    async (assignment, refusal) => {
      const { code, stderr } = await runCommand('npm', ['start', '--silent', '--', '--set', assignment])
      expect(stderr).toContain(refusal)
      expect(code).toBe(1)
    },
    60_000,
  )
})

describe('LocalCloud.start with a refused setting', () => {
  it.each([
    ['WINDOW_HOURS', '0'],
    ['MAX_MESSAGES_PER_TRIGGER', '0'],
    ['MAX_DELAY_MINUTES', '0'],
    ['GENESYS_BUDGET_HEADROOM', '0'],
    ['ACTIVE_CONVERSATION_STALE_HOURS', '0'],
    ['FALLBACK_MESSAGES_PER_TRIGGER', '0'],
    ['CAP_HOURS', '721'],
    ['REPLY_WINDOW_HOURS', '745'],
    ['COOLDOWN_MINUTES', '1441'],
    ['GENESYS_BUDGET_PER_MINUTE', '60001'],
  ])('%s=%s is refused before any service starts, naming the variable', async (name, value) => {
    const start = LocalCloud.start({ config: { [name]: value } })
    await expect(start).rejects.toThrow(ConfigError)
    await expect(start).rejects.toThrow(`${name}: must be`)
  })
})
