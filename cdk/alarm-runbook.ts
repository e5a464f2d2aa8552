/**
 * What each alarm tells the person it wakes: what it means, the first thing to do, and the runbook section
 * (docs/operations.md, one `### Alarm: …` heading per kind; test/infra/alarms.test.ts checks every anchor exists).
 * The link's base is the `runbookUrl` setting, so a team can point it at its own copy of the runbook.
 */

/** The runbook in this repository; the default base of every alarm's link. */
export const DEFAULT_RUNBOOK_URL = 'docs/operations.md'

interface AlarmGuide {
  /** The heading's anchor in docs/operations.md (GitHub's slug of `### Alarm: …`). */
  readonly anchor: string
  readonly means: (subject: string) => string
  readonly firstStep: (subject: string) => string
}

export const ALARM_GUIDES = {
  stageDeadLetters: {
    anchor: 'alarm-stage-dlq-has-messages',
    means: (stage) => `A ${stage} message failed every delivery attempt (or, for send, Genesys rejected it) and waits in the ${stage} DLQ.`,
    firstStep: (stage) => `run \`proactive dlq inspect\` on the ${stage} DLQ and read each message's reason, then fix the cause and redrive.`,
  },
  ruleDeadLetters: {
    anchor: 'alarm-rule-dlq-has-messages',
    means: (rule) => `EventBridge gave up delivering ${rule} events to their queue for 24 h; they wait in the rule DLQ.`,
    firstStep: () => 'read the ERROR_CODE and ERROR_MESSAGE attributes of a DLQ message (usually a changed queue policy), redeploy, then redrive into the stage queue.',
  },
  ruleFailedInvocations: {
    anchor: 'alarm-rule-failedinvocations',
    means: (rule) => `EventBridge could not deliver a ${rule} event to the target queue and is retrying (then the rule DLQ).`,
    firstStep: () => 'check that the target queue exists and that its policy allows this rule; redeploy the stack if it was changed by hand.',
  },
  ruleSentToDlq: {
    anchor: 'alarm-rule-invocationssenttodlq',
    means: (rule) => `EventBridge gave up on a ${rule} event and put it in the rule DLQ.`,
    firstStep: () => "read the DLQ message's ERROR_CODE and ERROR_MESSAGE attributes, fix the queue or its policy, then redrive.",
  },
  ruleLostEvents: {
    anchor: 'alarm-rule-invocationsfailedtobesenttodlq',
    means: (rule) => `${rule} events were lost: EventBridge could not deliver them and could not write them to the rule DLQ either.`,
    firstStep: () => "check the rule DLQ's policy allows events.amazonaws.com from this rule and redeploy; replay app events from the archive.",
  },
  queueAge: {
    anchor: 'alarm-queue-message-age',
    means: (stage) => `Messages wait in the ${stage} queue longer than the threshold: the pipeline is behind.`,
    firstStep: (stage) =>
      stage === 'send' ? "look at the dashboard's Genesys 429 share and latency, and the send function's duration." : `look at the ${stage} function's errors and throttles on the dashboard.`,
  },
  functionFaults: {
    anchor: 'alarm-function-faults',
    means: (stage) => `The ${stage} function threw (a whole batch failed) in the last 5 minutes.`,
    firstStep: (stage) => `search the ${stage} log group for ERROR; a ConfigError at start names the bad variable.`,
  },
  functionThrottles: {
    anchor: 'alarm-function-throttled',
    means: (stage) => `Lambda throttled the ${stage} function: the account's concurrency is exhausted.`,
    firstStep: () => "compare the account's ConcurrentExecutions with its limit and the other functions in the account; messages wait, nothing is lost.",
  },
  genesysRateLimited: {
    anchor: 'alarm-genesys-rate-limited',
    means: () => 'Genesys answers 429 to a large share of requests: the budget is higher than the OAuth client gets, or another caller shares the client.',
    firstStep: () => "compare budgetPerMinute with the OAuth client's rate limit and look for other users of the client; messages are delayed, not lost.",
  },
  genesysPermanentFailures: {
    anchor: 'alarm-genesys-permanent-failures',
    means: () => 'Genesys rejected a send (400/403/404/409/413); the message is in the send DLQ with the Genesys code.',
    firstStep: () => "read the send DLQ message's reason: missing.permissions is the role, bad.request usually a sender id setting.",
  },
} as const satisfies Record<string, AlarmGuide>

export type AlarmKind = keyof typeof ALARM_GUIDES

/** The alarm props cdk-monitoring-constructs takes: its own description replaced, the runbook section linked. */
export function alarmGuidance(kind: AlarmKind, subject: string, runbookUrl: string): { alarmDescriptionOverride: string; runbookLink: string } {
  const guide: AlarmGuide = ALARM_GUIDES[kind]
  return { alarmDescriptionOverride: `${guide.means(subject)} First step: ${guide.firstStep(subject)}`, runbookLink: `${runbookUrl}#${guide.anchor}` }
}
