/** The local cloud's clock. */
import type { Clock } from '#lib/domain/ports.ts'

/**
 * The one clock every handler of the local cloud reads (Lambda's is `systemClock`): real time, shifted. A replay
 * sets it to each event's time, so a recording's timeline is judged as it happened; time then runs on from
 * there, as it does after an event arrives. Tests move it on (`advance`) to expire a cache or age a request.
 */
export class LocalClock implements Clock {
  private offsetMs = 0
  now(): number {
    return Date.now() + this.offsetMs
  }
  /** From now on, `now()` reads `time` plus the real time elapsed since this call. */
  set(time: number): void {
    this.offsetMs = time - Date.now()
  }
  advance(ms: number): void {
    this.offsetMs += ms
  }
}
