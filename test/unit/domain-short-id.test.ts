import { describe, expect, it } from 'vitest'
import { shortId } from '#lib/domain/short-id.ts'

// Logs and outcome events carry ids shortened to 8 characters: no full contact or conversation id (docs/security.md).
describe('shortId', () => {
  it('keeps an id of at most 8 characters whole, and cuts a longer one to 8 and an ellipsis', () => {
    expect(shortId('')).toBe('')
    expect(shortId('12345678')).toBe('12345678')
    expect(shortId('123456789')).toBe('12345678…')
    expect(shortId('5a6b7c8d-0000-4000-8000-00000000c0a1')).toBe('5a6b7c8d…')
  })
})
