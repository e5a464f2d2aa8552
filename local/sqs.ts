/** local-aws-sqs on 127.0.0.1, a free port, with no creation delays. */
import type { Server } from 'node:http'
import { createSqsServer } from 'local-aws-sqs'

export function createLocalSqsServer(): Promise<Server> {
  return createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false, emulateLazyQueues: false })
}
