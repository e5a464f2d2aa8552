/**
 * The CloudWatch EMF metrics the functions emit and the stack's dashboard and alarms read. One list, so a
 * renamed metric cannot silently leave an alarm watching nothing.
 */

/** `POWERTOOLS_METRICS_NAMESPACE` of every function. */
export const METRICS_NAMESPACE = 'ProactiveMessaging'

/** Powertools adds this dimension with the function's `POWERTOOLS_SERVICE_NAME`. */
export const SERVICE_DIMENSION = 'service'

/** `POWERTOOLS_SERVICE_NAME` of each function (keys match `FUNCTIONS` in topology.ts). */
export const SERVICE_NAMES = {
  sessionRecorder: 'session-recorder',
  presence: 'presence',
  send: 'send',
  track: 'track',
} as const

export const METRIC_NAMES = {
  /** A Genesys or app event reached a function (one per SQS record). */
  eventsReceived: 'EventsReceived',
  /** The event failed schema validation. */
  eventsRejected: 'EventsRejected',
  /** Valid, but nothing to do (other media, older than the stored state, not a transition). */
  eventsIgnored: 'EventsIgnored',
  sessionsRecorded: 'SessionsRecorded',
  /** An agent went from not available to available (after cooldown). */
  availabilityTriggers: 'AvailabilityTriggers',
  /** ProactiveMessageRequested events published. */
  messagesRequested: 'MessagesRequested',
  /** A request not published or not sent because the customer was already messaged in the cap window. */
  messagesSuppressed: 'MessagesSuppressed',
  /** A customer over the per-trigger limit (MAX_MESSAGES_PER_TRIGGER): not requested now, still eligible later. */
  messagesDeferred: 'MessagesDeferred',
  /** A customer whose conversation is not eligible (ELIGIBLE_SESSIONS=unserved, EXCLUDE_WRAPUP_CODES): never requested. */
  messagesIneligible: 'MessagesIneligible',
  /** The agent's messaging capacity could not be looked up: FALLBACK_MESSAGES_PER_TRIGGER applied. */
  capacityLookupFallbacks: 'CapacityLookupFallbacks',
  messagesSent: 'MessagesSent',
  /** Sending mode `paused`: a request presence did not publish, or send did not send. No cap used. */
  messagesPaused: 'MessagesPaused',
  /** Sending mode `dry-run`: every check passed, nothing posted, no cap used. */
  messagesDryRun: 'MessagesDryRun',
  /** The customer is on the suppression list (opted out). */
  messagesOptedOut: 'MessagesOptedOut',
  /**
   * send: a request no recorded session backs (no session for its conversation, another customer's, or outside
   * the window): dead-lettered as `unknown-session`. Forged or stale requests.
   */
  requestsUnknownSession: 'RequestsUnknownSession',
  /** The customer has a conversation still active (another agent, back in queue, no customer.end): left alone. */
  messagesCustomerBusy: 'MessagesCustomerBusy',
  /** The trigger's time falls in the channel's quiet hours. */
  messagesQuietHours: 'MessagesQuietHours',
  /**
   * A trigger's requests are saved in the agent's outbox but could not all be published on this attempt: the
   * record is retried, and the agent's next event publishes them first. Counted per failed attempt.
   */
  fanOutsPending: 'FanOutsPending',
  /** A pending outbox published by a later attempt or by a newer event of the agent. */
  fanOutsCompletedLate: 'FanOutsCompletedLate',
  /**
   * The last receive of a presence record could not publish its outbox: the event goes to presence's DLQ,
   * the requests stay in the agent's outbox until the agent's next event (or a redrive of the event).
   */
  fanOutsLeftPending: 'FanOutsLeftPending',
  /** Approved customers beyond the outbox bound (MAX_OUTBOX_REQUESTS, 250 per trigger): not requested. */
  messagesOverOutboxLimit: 'MessagesOverOutboxLimit',
  /** A trigger from an agent outside ENABLED_AGENT_IDS: nothing requested. */
  triggersOutsidePilot: 'TriggersOutsidePilot',
  /** A customer not requested because the session's queue is outside ENABLED_QUEUE_IDS. */
  messagesOutsidePilot: 'MessagesOutsidePilot',
  messagesFailed: 'MessagesFailed',
  /** Permanent failures written to the send DLQ by the send function. */
  messagesDeadLettered: 'MessagesDeadLettered',
  /** Requests older than maxDelay, dropped on purpose. */
  messagesExpired: 'MessagesExpired',
  /** Genesys answered 429. */
  genesysRateLimited: 'GenesysRateLimited',
  /** Genesys answered 400/403/404/409/413. */
  genesysPermanentFailures: 'GenesysPermanentFailures',
  /** 5xx, timeouts, network errors. */
  genesysTransientFailures: 'GenesysTransientFailures',
  /** A send whose answer was lost (timeout, crash after sending): handed to the look-up instead of an operator. */
  outcomesUnknown: 'OutcomesUnknown',
  /** One analytics look-up for a message whose send's answer was lost (track). */
  unknownOutcomeLookups: 'UnknownOutcomeLookups',
  /** An unknown outcome settled `sent` because the look-up found the conversation in Genesys. */
  messagesRecovered: 'MessagesRecovered',
  /** An unknown outcome sent again after the last look-up found nothing (RESEND_IF_NOT_FOUND). */
  messagesResent: 'MessagesResent',
  /** A look-up that failed (429, 5xx, 403, timeout) or whose answer could not be read. */
  lookupsFailed: 'LookupsFailed',
  /** A Genesys answer to a look-up that is not the documented shape: counted, and the look-up is tried again later. */
  genesysResponsesMalformed: 'GenesysResponsesMalformed',
} as const

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES]
