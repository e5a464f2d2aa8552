/**
 * Publishes application events with PutEvents: at most 10 entries a call, and entries that EventBridge
 * reports as failed are retried with backoff. What still fails after the last attempt throws, so the
 * caller's record is retried by SQS rather than dropped.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge'
import type { MessageRequest } from '../domain/model.ts'
import type { MessageRequestPublisher, OutcomePublisher, ReplyEventPublisher } from '../domain/ports.ts'
import type { ReplyAnsweredDetail, ReplyServedDetail } from '../domain/replies.ts'
import type { OutcomeDetail } from '../domain/requests.ts'
import { APP_DETAIL_TYPES, APP_EVENT_SOURCE } from '../topology.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { chunksOf, mapConcurrently } from '../concurrency.ts'

export const PUT_EVENTS_MAX_ENTRIES = 10
/** PutEvents calls in flight at once for a large fan-out (well inside the account's PutEvents quota). */
const CHUNKS_IN_FLIGHT = 8

export interface PublishOptions {
  readonly maxAttempts?: number
  readonly baseDelayMs?: number
  readonly sleep?: (ms: number) => Promise<void>
}

export class PublishError extends Error {
  constructor(
    readonly failedCount: number,
    readonly errorCodes: readonly string[],
  ) {
    super(`${failedCount} event(s) were not accepted by EventBridge (${[...new Set(errorCodes)].join(', ') || 'no error code'})`)
    this.name = 'PublishError'
  }
}

export class EventBridgePublisher {
  private readonly maxAttempts: number
  private readonly baseDelayMs: number
  private readonly sleep: (ms: number) => Promise<void>

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    options: PublishOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4
    this.baseDelayMs = options.baseDelayMs ?? 100
    this.sleep = options.sleep ?? sleep
  }

  /** Puts every detail as one event of `detailType`; resolves when all were accepted. */
  async put(detailType: string, details: readonly object[], time?: Date): Promise<void> {
    const entries: PutEventsRequestEntry[] = details.map((detail) => ({
      EventBusName: this.busName,
      Source: APP_EVENT_SOURCE,
      DetailType: detailType,
      Detail: JSON.stringify(detail),
      ...(time ? { Time: time } : {}),
    }))
    await mapConcurrently(chunksOf(entries, PUT_EVENTS_MAX_ENTRIES), CHUNKS_IN_FLIGHT, (chunk) => this.putChunk(chunk))
  }

  private async putChunk(chunk: PutEventsRequestEntry[]): Promise<void> {
    let pending = chunk
    let errorCodes: string[] = []
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(backoff(this.baseDelayMs, attempt))
      let response
      try {
        response = await this.client.send(new PutEventsCommand({ Entries: pending }))
      } catch (error) {
        if (attempt === this.maxAttempts) throw error
        continue
      }
      if (!response.FailedEntryCount) return
      const results = response.Entries ?? []
      // Entries come back in request order; a failed one has an ErrorCode.
      errorCodes = results.flatMap((result) => (result.ErrorCode ? [result.ErrorCode] : []))
      pending = pending.filter((_entry, index) => results[index]?.ErrorCode !== undefined || results[index] === undefined)
      if (pending.length === 0) return
    }
    throw new PublishError(pending.length, errorCodes)
  }
}

/** Full jitter: a random delay up to base × 2^(attempt-1). */
function backoff(baseMs: number, attempt: number): number {
  return Math.round(Math.random() * baseMs * 2 ** (attempt - 1))
}

export class EventBridgeRequestPublisher implements MessageRequestPublisher {
  constructor(private readonly publisher: EventBridgePublisher) {}

  publish(requests: readonly MessageRequest[]): Promise<void> {
    return this.publisher.put(APP_DETAIL_TYPES.requested, requests)
  }
}

/** Outcome events: `ProactiveMessageSent` for a sent message, `ProactiveMessageFailed` for every other outcome. */
export class EventBridgeOutcomePublisher implements OutcomePublisher {
  constructor(private readonly publisher: EventBridgePublisher) {}

  publish(outcome: OutcomeDetail): Promise<void> {
    return this.publisher.put(outcome.outcome === 'sent' ? APP_DETAIL_TYPES.sent : APP_DETAIL_TYPES.failed, [outcome])
  }
}

/** `ProactiveMessageAnswered` and `ProactiveReplyServed`, published by the session recorder. */
export class EventBridgeReplyPublisher implements ReplyEventPublisher {
  constructor(private readonly publisher: EventBridgePublisher) {}

  answered(detail: ReplyAnsweredDetail): Promise<void> {
    return this.publisher.put(APP_DETAIL_TYPES.answered, [detail])
  }

  served(detail: ReplyServedDetail): Promise<void> {
    return this.publisher.put(APP_DETAIL_TYPES.replyServed, [detail])
  }
}
