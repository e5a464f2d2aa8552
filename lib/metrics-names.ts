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
  replyRouting: 'reply-routing',
} as const

export const METRIC_NAMES = {
  /** A Genesys or app event reached a function (one per SQS record). */
  eventsReceived: 'EventsReceived',
  /** The event failed schema validation. */
  eventsRejected: 'EventsRejected',
  /**
   * A Genesys event whose own time was more than MAX_CLOCK_SKEW_SECONDS ahead of when it was received (or of the
   * function's clock): taken at the receive time instead.
   */
  eventTimesClamped: 'EventTimesClamped',
  /** Valid, but nothing to do (other media, older than the stored state, not a transition). */
  eventsIgnored: 'EventsIgnored',
  sessionsRecorded: 'SessionsRecorded',
  /** An agent went from not available to available (after cooldown). */
  availabilityTriggers: 'AvailabilityTriggers',
  /** ProactiveMessageRequested events published. */
  messagesRequested: 'MessagesRequested',
  /** A request not published or not sent because the customer was already messaged in the cap window. */
  messagesCapped: 'MessagesCapped',
  /** send: a delivery of a request already settled (sent or dead-lettered): acknowledged, nothing sent again. */
  duplicatesAcknowledged: 'DuplicatesAcknowledged',
  /** send: an operator's redrive of a dead letter that cannot be sent now (paused, quiet hours, expired, …): kept in the DLQ. */
  redrivesNotSent: 'RedrivesNotSent',
  /** A customer over the per-trigger limit (MAX_MESSAGES_PER_TRIGGER): not requested now, still eligible later. */
  messagesDeferred: 'MessagesDeferred',
  /** A customer whose conversation is not eligible (ELIGIBLE_SESSIONS=unserved, EXCLUDE_WRAPUP_CODES): never requested. */
  messagesIneligible: 'MessagesIneligible',
  /** The agent's messaging capacity could not be looked up: FALLBACK_MESSAGES_PER_TRIGGER applied. */
  capacityLookupFallbacks: 'CapacityLookupFallbacks',
  messagesSent: 'MessagesSent',
  /** Sending mode `paused`: a request send did not send. No cap used. */
  messagesPaused: 'MessagesPaused',
  /** Sending mode `paused`: a trigger presence counted and did nothing else for (no read, no Genesys call). */
  triggersPaused: 'TriggersPaused',
  /** A customer another agent's concurrent trigger had just claimed: left to that trigger. */
  messagesClaimedElsewhere: 'MessagesClaimedElsewhere',
  /** Sending mode `dry-run`: every check passed, nothing posted, no cap used. */
  messagesDryRun: 'MessagesDryRun',
  /** The customer is on the opt-out list (opted out). */
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
  /** session-recorder: a customer replied to a proactive message within REPLY_WINDOW_HOURS (once per message). */
  messagesAnswered: 'MessagesAnswered',
  /** session-recorder: the agent whose availability triggered the message connected to the reply. */
  repliesServedByTriggeringAgent: 'RepliesServedByTriggeringAgent',
  /** session-recorder: another agent connected to the reply. */
  repliesServedByOtherAgent: 'RepliesServedByOtherAgent',
  /** session-recorder: seconds from the message being sent to the customer's reply (a measure, not a count). */
  timeToReply: 'TimeToReply',
  /**
   * send: a message was sent but the record replies are matched against could not be written: a reply to it
   * will not be recognised or routed to the triggering agent. The message itself is not resent.
   */
  sentRecordsFailed: 'SentRecordsFailed',
  /** REPLY_AGENT_ATTRIBUTE=on: the triggering agent's id written on the agentless conversation's customer participant. */
  agentAttributesWritten: 'AgentAttributesWritten',
  /** REPLY_AGENT_ATTRIBUTE=on: the attribute could not be written (the message is sent all the same). */
  agentAttributeFailures: 'AgentAttributeFailures',
  /** reply-routing: the data action got the triggering agent of a message in the reply window. */
  replyRoutingFound: 'ReplyRoutingFound',
  /** reply-routing: no message to this customer in the reply window (404: the flow routes as usual). */
  replyRoutingNotFound: 'ReplyRoutingNotFound',
  /** reply-routing: wrong or missing credentials (401). */
  replyRoutingUnauthorized: 'ReplyRoutingUnauthorized',
  /** reply-routing: a malformed request (400, naming the field). */
  replyRoutingInvalid: 'ReplyRoutingInvalid',
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

/** Dimensions some metrics carry besides `service`. */
export const METRIC_DIMENSIONS = {
  /** The message's channel (lib/domain/model.ts CHANNELS), on CHANNEL_METRICS. */
  channel: 'channel',
  /** The Genesys request (GENESYS_OPERATIONS), on the latency metric. */
  operation: 'operation',
} as const

/**
 * Counted per service and again per service and channel: what was sent, what failed, what never reached the
 * customer (dead-lettered by send). The alarms read the per-service series; the dashboard splits by channel.
 */
export const CHANNEL_METRICS: readonly MetricName[] = [METRIC_NAMES.messagesSent, METRIC_NAMES.messagesFailed, METRIC_NAMES.messagesDeadLettered]

/** Durations, in milliseconds, not counts (`proactive status` sums only METRIC_NAMES). */
export const LATENCY_METRICS = {
  /** One Genesys HTTP request, from sending it to its answer (or failure), per operation. */
  genesysRequestLatency: 'GenesysRequestLatency',
} as const
export type LatencyMetricName = (typeof LATENCY_METRICS)[keyof typeof LATENCY_METRICS]

/** The `operation` dimension of GenesysRequestLatency: each Genesys request the functions make, and who makes it. */
export const GENESYS_OPERATIONS = {
  login: { operation: 'POST /oauth/token', services: [SERVICE_NAMES.presence, SERVICE_NAMES.send] },
  agentless: { operation: 'POST /api/v2/conversations/messages/agentless', services: [SERVICE_NAMES.send] },
  userQueues: { operation: 'GET /api/v2/users/{userId}/queues', services: [SERVICE_NAMES.presence] },
  utilization: { operation: 'GET /api/v2/routing/users/{userId}/utilization', services: [SERVICE_NAMES.presence] },
} as const
