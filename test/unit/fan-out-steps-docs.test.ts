/**
 * docs/architecture.md lists presence's fan-out steps between `<!-- fan-out-steps -->` markers; the code's order is
 * FAN_OUT_STEPS (lib/presence/fan-out.ts). A step added, removed or moved in one and not the other fails here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FAN_OUT_STEPS } from '#lib/presence/fan-out.ts'
import { ROOT } from '../support/run-command.ts'

describe('docs/architecture.md and FAN_OUT_STEPS', () => {
  it('list the same fan-out steps in the same order', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')
    const section = doc.split('<!-- fan-out-steps -->')[1]?.split('<!-- /fan-out-steps -->')[0] ?? ''
    const documented = [...section.matchAll(/^\d+\. `([a-z-]+)`/gm)].map((match) => match[1])
    expect(documented).toEqual(FAN_OUT_STEPS.map((step) => step.name))
  })

  it('paused comes first', () => {
    expect(FAN_OUT_STEPS[0]?.name).toBe('paused')
  })
})
