// One local AWS service (dynalite or local-aws-sqs) in its own worker thread: the server's work (parsing,
// storage, the HTTP server side) does not share the event loop that runs the handlers and their SDK clients.
// Plain JavaScript: a worker thread is not transformed by tsx or vitest.
import { parentPort, workerData } from 'node:worker_threads'

async function start(service) {
  if (service === 'dynalite') {
    const { default: dynalite } = await import('dynalite')
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
    await new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    return server
  }
  if (service === 'sqs') {
    const { createSqsServer } = await import('local-aws-sqs')
    return createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false, emulateLazyQueues: false })
  }
  throw new Error(`unknown local service ${service}`)
}

try {
  const server = await start(workerData.service)
  parentPort.on('message', (message) => {
    if (message !== 'close') return
    server.closeAllConnections?.()
    server.close(() => parentPort.postMessage({ closed: true }))
  })
  parentPort.postMessage({ port: server.address().port })
} catch (error) {
  parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) })
}
