import type { SQSRecord } from 'aws-lambda'
import { describe, expect, it } from 'vitest'
import { logFailures } from '#functions/shared/sqs-batch.ts'
import { RetryLater } from '#lib/send/retry.ts'

const record = { messageId: 'm-1', body: '{}', attributes: { ApproximateReceiveCount: '3' } } as unknown as SQSRecord

function recorder() {
  const lines: { message: string; fields: Record<string, any> }[] = []
  return { lines, logger: { warn: (message: string, fields: Record<string, any>) => void lines.push({ message, fields }) } as any }
}

describe('logFailures: every failed record says why', () => {
  it('logs the error name and message with the message id, then rethrows so SQS retries', async () => {
    const { lines, logger } = recorder()
    const failing = logFailures(async () => {
      throw new TypeError('Unsupported type passed: function')
    }, logger)
    await expect(failing(record)).rejects.toThrow('Unsupported type passed')
    expect(lines).toEqual([
      { message: 'record failed: left for SQS to retry', fields: { messageId: 'm-1', receiveCount: '3', error: { name: 'TypeError', message: 'Unsupported type passed: function' } } },
    ])
  })

  it('does not log a planned retry twice, and logs nothing when the record succeeds', async () => {
    const { lines, logger } = recorder()
    await expect(logFailures(async () => Promise.reject(new RetryLater('rate-limited')), logger)(record)).rejects.toThrow(RetryLater)
    await logFailures(async () => undefined, logger)(record)
    expect(lines).toEqual([])
  })
})
