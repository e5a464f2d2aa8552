/**
 * Direct SQS writes after an unknown outcome: a look-up job onto the track queue (delayed until it is due, at
 * most SQS's 15 minutes; the track function waits out the rest by visibility), and a request back onto the send
 * queue (RESEND_IF_NOT_FOUND).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { FollowUps, Resends } from '../domain/ports.ts'
import type { LookupJob } from '../domain/unknown-outcome.ts'

/** SQS's longest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900

export class SqsFollowUps implements FollowUps {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async lookUp(job: LookupJob, delaySeconds: number): Promise<void> {
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)))
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job), DelaySeconds: delay }))
  }
}

export class SqsResends implements Resends {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async resend(sendBody: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: sendBody }))
  }
}
