import { expect } from 'vitest'
import { EventValidationError, parseGenesysEvent } from '#lib/domain/events.ts'

/** The problems `parseGenesysEvent` reports for an event it must refuse; fails the test if it accepts it. */
export function problemsOf(input: unknown): { field: string; problem: string }[] {
  try {
    parseGenesysEvent(input)
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError)
    return [...(error as EventValidationError).problems]
  }
  throw new Error('expected an EventValidationError')
}
