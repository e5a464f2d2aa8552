/**
 * dynalite and local-aws-sqs, each in a thread of its own (local/service-thread.ts): the slow part of starting a
 * local cloud, about a second. `shareLocalServices` lets clouds started one after another in this process (the
 * tests of one file) run on the same two, emptied by each cloud's start, instead of starting two threads each.
 */
import { type LocalService, startServiceThread } from './service-thread.ts'

export interface LocalServices {
  readonly dynamo: LocalService
  readonly sqs: LocalService
  close(): Promise<void>
}

export async function startLocalServices(): Promise<LocalServices> {
  const [dynamo, sqs] = await Promise.allSettled([startServiceThread('dynalite'), startServiceThread('sqs')])
  if (dynamo.status === 'rejected' || sqs.status === 'rejected') {
    for (const started of [dynamo, sqs]) if (started.status === 'fulfilled') await started.value.close()
    throw dynamo.status === 'rejected' ? dynamo.reason : (sqs as PromiseRejectedResult).reason
  }
  return {
    dynamo: dynamo.value,
    sqs: sqs.value,
    close: async () => {
      await Promise.all([dynamo.value.close(), sqs.value.close()])
    },
  }
}

/** The services one cloud runs on. `shared`: another cloud may have used them, so the cloud empties them first. */
export interface ServicesLease {
  readonly services: LocalServices
  readonly shared: boolean
  /** Hands shared services back for the next cloud; closes a cloud's own. */
  release(): Promise<void>
}

let sharing: { started?: Promise<LocalServices>; inUse: boolean } | undefined

/**
 * From now on, a local cloud runs on services shared with the clouds before and after it, started at the first
 * one's start; a cloud started while another still runs gets its own. Returns the function that stops sharing
 * and closes them (test/support/shared-local-services.ts calls both around each test file).
 */
export function shareLocalServices(): () => Promise<void> {
  const state: { started?: Promise<LocalServices>; inUse: boolean } = { inUse: false }
  sharing = state
  return async () => {
    if (sharing === state) sharing = undefined
    await (await state.started?.catch(() => undefined))?.close()
  }
}

export async function leaseLocalServices(): Promise<ServicesLease> {
  const state = sharing
  if (!state || state.inUse) {
    const services = await startLocalServices()
    return { services, shared: false, release: () => services.close() }
  }
  state.inUse = true
  try {
    state.started ??= startLocalServices()
    const services = await state.started
    let released = false
    return {
      services,
      shared: true,
      release: async () => {
        if (!released) state.inUse = false
        released = true
      },
    }
  } catch (error) {
    state.started = undefined
    state.inUse = false
    throw error
  }
}
