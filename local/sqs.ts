/** local-aws-sqs on 127.0.0.1, a free port, with no creation delays, in a worker thread of its own. */
import { type LocalService, startServiceThread } from './service-thread.ts'

export function startLocalSqs(): Promise<LocalService> {
  return startServiceThread('sqs')
}
