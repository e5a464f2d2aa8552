/**
 * One LocalCloud at a time for a test file, on local services (dynalite, local-aws-sqs) started once for the file.
 * Starting those threads is most of a cloud's start (about a second each time); a test's `start` instead wires a
 * fresh cloud (its own options, simulator, bus, handlers, clock and tally) on the same services, emptied of every
 * table and queue the previous test left. The previous cloud is closed first; the last one and the services
 * after the file.
 */
import { afterAll } from 'vitest'
import { LocalCloud, startLocalServices, type LocalCloudOptions, type LocalServices } from '../../local/cloud.ts'

export interface LocalClouds {
  /** Closes the cloud this file started last, then starts one with these options on the emptied services. */
  start(options?: Omit<LocalCloudOptions, 'services'>): Promise<LocalCloud>
}

export function useLocalCloud(): LocalClouds {
  let services: Promise<LocalServices> | undefined
  let current: LocalCloud | undefined
  const closeCurrent = async () => {
    const cloud = current
    current = undefined
    await cloud?.close()
  }
  afterAll(async () => {
    await closeCurrent()
    await (await services?.catch(() => undefined))?.close()
  })
  return {
    async start(options = {}) {
      await closeCurrent()
      services ??= startLocalServices()
      current = await LocalCloud.start({ ...options, services: await services })
      return current
    },
  }
}
