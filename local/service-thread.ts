/**
 * Starts a local AWS service (dynalite or local-aws-sqs) on 127.0.0.1 in a worker thread of its own
 * (local/service-thread.mjs). In AWS these services never share a CPU with the functions; in one thread the
 * local cloud spent about a quarter of its event loop serving them (docs/benchmarks.md, "The local cloud on three
 * threads").
 */
import { Worker } from 'node:worker_threads'

export interface LocalService {
  readonly endpoint: string
  close(): Promise<void>
}

const SCRIPT = new URL('./service-thread.mjs', import.meta.url)

export function startServiceThread(service: 'dynalite' | 'sqs'): Promise<LocalService> {
  // The bench's largest table (500,000 sessions and two indexes) needs about 4 GB in dynalite's heap.
  const worker = new Worker(SCRIPT, { workerData: { service }, resourceLimits: { maxOldGenerationSizeMb: 8_192 } })
  return new Promise<LocalService>((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`local ${service} did not start: ${error.message}`))
    worker.once('error', failed)
    worker.once('message', (message: { port?: number; error?: string }) => {
      worker.off('error', failed)
      if (message.port === undefined) {
        void worker.terminate()
        reject(new Error(`local ${service} did not start: ${message.error ?? 'no port'}`))
        return
      }
      resolve({ endpoint: `http://127.0.0.1:${message.port}`, close: () => closeWorker(worker) })
    })
  })
}

async function closeWorker(worker: Worker): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    worker.once('message', () => resolve())
    worker.once('exit', () => resolve())
  })
  worker.postMessage('close')
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())])
  await worker.terminate()
}
