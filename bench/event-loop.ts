/**
 * The share of each second the bench's main thread spent running code rather than waiting (event-loop
 * utilisation). The handlers (presence, send), their SDK clients, the local bus and the Genesys simulator run on
 * that one thread (dynalite and SQS have threads of their own), so a second near 1 is a second in which paced
 * requests waited for the CPU, not for the pacer.
 */
import { performance } from 'node:perf_hooks'

export function sampleEventLoop(): { stop(): number[] } {
  const busy: number[] = []
  let last = performance.eventLoopUtilization()
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    busy.push(Math.round(performance.eventLoopUtilization(now, last).utilization * 100) / 100)
    last = now
  }, 1000)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      return busy
    },
  }
}
