/** docs/architecture.md lists send's checks in the order the code runs them, and which run again at sending. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SEND_CHECKS } from '#lib/send/send-checks.ts'

const architecture = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8')

describe("docs/architecture.md: send's order", () => {
  const section = architecture.slice(architecture.indexOf("## send's order"), architecture.indexOf('\n## ', architecture.indexOf("## send's order") + 1))
  const listed = [...section.matchAll(/^\d+\. `([a-z-]+)`:(.*)$/gm)].map((match) => ({ name: match[1], atSend: (match[2] ?? '').includes('Again at sending.') }))

  it('names every check, in the order of SEND_CHECKS', () => {
    expect(listed.map((check) => check.name)).toEqual(SEND_CHECKS.map((check) => check.name))
  })

  it('says which checks run again at the instant of sending', () => {
    expect(listed).toEqual(SEND_CHECKS.map((check) => ({ name: check.name, atSend: check.atSend })))
  })
})
