/** local-aws-sqs on 127.0.0.1, a free port, with no creation delays, in a worker thread of its own. */
import { DeleteQueueCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs'
import { type LocalService, startServiceThread } from './service-thread.ts'

export function startLocalSqs(): Promise<LocalService> {
  return startServiceThread('sqs')
}

/** Deletes every queue (local-aws-sqs lets a name be created again at once, unlike SQS). */
export async function deleteQueues(client: SQSClient): Promise<void> {
  const { QueueUrls = [] } = await client.send(new ListQueuesCommand({ MaxResults: 1000 }))
  await Promise.all(QueueUrls.map((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl }))))
}
