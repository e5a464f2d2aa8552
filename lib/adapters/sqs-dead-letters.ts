/**
 * Direct SQS writes of the send stage: dead-lettering a message with its reason (so a permanent failure is
 * never retried, and an operator sees why), and pushing a message's visibility out to honour `Retry-After`.
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { DeadLetter, DeadLetters, InboundMessage, Redelivery } from '../domain/ports.ts'

export type { DeadLetter } from '../domain/ports.ts'

/** SQS allows at most 12 hours of visibility. */
export const MAX_VISIBILITY_SECONDS = 43_200

export class SqsDeadLetterQueue implements DeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    const attributes: Record<string, { DataType: string; StringValue: string }> = {
      reason: { DataType: 'String', StringValue: letter.reason },
    }
    for (const [name, value] of Object.entries(letter.attributes ?? {})) {
      if (value === undefined || value === '') continue
      attributes[name] = { DataType: typeof value === 'number' ? 'Number' : 'String', StringValue: String(value).slice(0, 1024) }
    }
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: letter.body, MessageAttributes: attributes }))
  }
}

/** `arn:aws:sqs:region:account:name` → the queue URL SQS expects, honouring a custom endpoint. */
export function queueUrlFromArn(arn: string, endpoint?: string): string {
  const [, , , region, account, name] = arn.split(':')
  if (!region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`)
  const base = endpoint?.replace(/\/$/, '') ?? `https://sqs.${region}.amazonaws.com`
  return `${base}/${account}/${name}`
}

export async function delayRedelivery(client: SQSClient, queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
  const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds)))
  await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: visibility }))
}

/** Redelivers an SQS message later by pushing its visibility out (`delivery.queue` is the queue ARN). */
export class SqsRedelivery implements Redelivery {
  constructor(
    private readonly client: SQSClient,
    /** A custom SQS endpoint (the local cloud), for the queue URL. */
    private readonly endpoint?: string,
  ) {}

  redeliverAfter(message: InboundMessage, seconds: number): Promise<void> {
    return delayRedelivery(this.client, queueUrlFromArn(message.delivery.queue, this.endpoint), message.delivery.receipt, seconds)
  }
}
