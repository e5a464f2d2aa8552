import { describe, expect, it } from 'vitest'
import { mapConcurrently } from '#lib/concurrency.ts'

describe('mapConcurrently', () => {
  it('keeps input order and never has more than the limit in flight', async () => {
    let inFlight = 0
    let peak = 0
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((resolve) => setTimeout(resolve, n))
      inFlight--
      return n * 10
    })
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60])
    expect(peak).toBe(3)
  })

  it('rejects with the first error', async () => {
    await expect(mapConcurrently([1, 2, 3], 2, async (n) => (n === 2 ? Promise.reject(new Error('two')) : n))).rejects.toThrow('two')
  })

  it('handles an empty list', async () => {
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([])
  })
})
