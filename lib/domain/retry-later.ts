/**
 * Thrown to leave a queue record unacknowledged on purpose: the queue delivers it again later. Recognised by
 * type (the batch handler does not log it as a failure: whoever planned the retry logged why). In the domain:
 * every queue-fed stage (send, track) throws it.
 */
export class RetryLater extends Error {
  override readonly name = 'RetryLater'
}
