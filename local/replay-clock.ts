/** The local pipeline's clock. */

/** The pipeline's clock: it reads the time of the event being replayed. */
export class ReplayClock {
  private current = Date.now()
  now(): number {
    return this.current
  }
  set(time: number): void {
    this.current = time
  }
}
