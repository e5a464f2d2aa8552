/**
 * Dead-letter queue tools shared by `proactive dlq` (deployed stack) and the local cloud: look at what is in a
 * DLQ and why, and move it back to its source queue with SQS's own StartMessageMoveTask.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs'

export interface DeadLetterView {
  readonly messageId: string
  /** Why it is here: the `reason` attribute the send function sets, or the queue's redrive. */
  readonly reason: string
  readonly attributes: Readonly<Record<string, string>>
  readonly conversationId?: string
  readonly dedupeKey?: string
  readonly detailType?: string
  readonly receiveCount?: number
  readonly sentAt?: number
  readonly body: string
}

/** Reads up to `max` messages and makes each visible again at once: a look, not a take. */
export async function peekDeadLetters(sqs: SQSClient, queueUrl: string, options: { max?: number; maxReceiveCount?: number } = {}): Promise<DeadLetterView[]> {
  const max = options.max ?? 1000
  const seen = new Map<string, Message>()
  for (let round = 0; round < Math.ceil(max / 10) + 5 && seen.size < max; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], VisibilityTimeout: 30 }),
    )
    if (Messages.length === 0) break
    for (const message of Messages) seen.set(message.MessageId ?? String(seen.size), message)
  }
  const all = [...seen.values()]
  for (let start = 0; start < all.length; start += 10) {
    const chunk = all.slice(start, start + 10)
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 })) }))
  }
  return all.slice(0, max).map((message) => describeDeadLetter(message, options.maxReceiveCount))
}

export function describeDeadLetter(message: Message, maxReceiveCount?: number): DeadLetterView {
  const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [key, value.StringValue ?? '']))
  const body = message.Body ?? ''
  let envelope: { 'detail-type'?: unknown; detail?: Record<string, unknown> } | undefined
  try {
    envelope = JSON.parse(body) as typeof envelope
  } catch {
    envelope = undefined
  }
  const detail = envelope?.detail
  const eventBody = detail?.eventBody as Record<string, unknown> | undefined
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
  return {
    messageId: message.MessageId ?? '',
    reason: attributes.reason ?? `max-receives-exceeded${maxReceiveCount ? ` (${maxReceiveCount} receives)` : ''}`,
    attributes,
    conversationId: str(detail?.conversationId) ?? str(eventBody?.conversationId),
    dedupeKey: str(detail?.dedupeKey),
    detailType: str(envelope?.['detail-type']),
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount) || undefined,
    sentAt: Number(message.Attributes?.SentTimestamp) || undefined,
    body,
  }
}

export async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  if (!Attributes?.QueueArn) throw new Error(`no queue ARN for ${queueUrl}`)
  return Attributes.QueueArn
}

/** The queue whose redrive policy points at this DLQ, when there is exactly one. */
async function soleSourceQueueArn(sqs: SQSClient, dlqUrl: string): Promise<string | undefined> {
  const { queueUrls = [] } = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }))
  return queueUrls.length === 1 ? queueArnOf(sqs, queueUrls[0] as string) : undefined
}

export interface RedriveResult {
  readonly status: string
  readonly moved: number
  readonly toMove: number
  readonly failureReason?: string
}

/**
 * Moves every message of a DLQ back to the queue it came from (or `destinationArn`), and waits for the move to
 * finish. A redriven send request keeps its `reason` and `sourceMessageId` attributes, which tell the
 * send function that an operator decided to try that dead letter once more.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  dlqUrl: string,
  options: { destinationArn?: string; onProgress?: (result: RedriveResult) => void; pollMs?: number; timeoutMs?: number } = {},
): Promise<RedriveResult> {
  const sourceArn = await queueArnOf(sqs, dlqUrl)
  // Messages the send function dead-lettered itself (SendMessage) carry no source queue, and a move task
  // without a destination fails for them (CouldNotDetermineMessageSource): name the one source queue.
  const destinationArn = options.destinationArn ?? (await soleSourceQueueArn(sqs, dlqUrl))
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, ...(destinationArn ? { DestinationArn: destinationArn } : {}) }))
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000)
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000))
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }))
    const task = Results[0]
    const result: RedriveResult = {
      status: task?.Status ?? 'UNKNOWN',
      moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: task?.ApproximateNumberOfMessagesToMove ?? 0,
      ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
    }
    options.onProgress?.(result)
    if (result.status !== 'RUNNING') return result
    if (Date.now() > deadline) return result
  }
}
