/** Names on the wire: the Genesys topics (as EventBridge `detail-type`) and this application's own events. */

/** `detail-type` is the topic pattern with a literal `{id}`; the concrete ids are in `detail.topicName`. */
export const DETAIL_TYPES = {
  presence: 'v2.users.{id}.presence',
  routingStatus: 'v2.users.{id}.routingStatus',
  /** Presence and routing status in one event (recommended; UNVERIFIED that every org's EventBridge integration offers it). */
  activity: 'v2.users.{id}.activity',
  customerStart: 'v2.detail.events.conversation.{id}.customer.start',
  customerEnd: 'v2.detail.events.conversation.{id}.customer.end',
  acdStart: 'v2.detail.events.conversation.{id}.acd.start',
  userStart: 'v2.detail.events.conversation.{id}.user.start',
  userEnd: 'v2.detail.events.conversation.{id}.user.end',
  acw: 'v2.detail.events.conversation.{id}.acw',
} as const

/** The conversation detail topics this pipeline handles, by their last segment. */
export const CONVERSATION_TOPICS = ['customer.start', 'customer.end', 'acd.start', 'user.start', 'user.end', 'acw'] as const
export type ConversationTopic = (typeof CONVERSATION_TOPICS)[number]

/** `detail-type` of a conversation detail topic: `v2.detail.events.conversation.{id}.<topic>`. */
export const conversationDetailType = (topic: ConversationTopic): string => `v2.detail.events.conversation.{id}.${topic}`

/** Source of the events this application publishes on its own bus. */
export const APP_EVENT_SOURCE = 'proactive-messaging'

export const APP_DETAIL_TYPES = {
  requested: 'ProactiveMessageRequested',
  sent: 'ProactiveMessageSent',
  failed: 'ProactiveMessageFailed',
  /** The customer replied to a proactive message within the reply window (lib/domain/replies.ts). */
  answered: 'ProactiveMessageAnswered',
  /** An agent connected to a reply: the triggering agent or another one. */
  replyServed: 'ProactiveReplyServed',
} as const
