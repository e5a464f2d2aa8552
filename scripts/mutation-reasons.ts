/**
 * Why each kind of surviving mutant is acceptable (read by scripts/mutation-survivors.ts). A survivor matches the
 * first entry with its file, one of its mutators (if given) and whose `code` occurs in the source line the
 * mutant starts on.
 * Add an entry only with the reason; a survivor no entry matches is listed as open in docs/testing.md.
 */
export interface SurvivorReason {
  readonly file: string
  readonly mutators?: readonly string[]
  /** A piece of the source line the mutant is on; absent: any line of the file. */
  readonly code?: string
  readonly kind: string
  readonly why: string
}

const WORDING = 'Wording only: the unit tests pin the field and the problem kind that decide behaviour; the exact text is asserted by the explain tests (test/unit/explain*.test.ts), which vitest.mutation.config.ts leaves out for speed.'
const TIE_BREAK =
  'Deterministic tie-break between two items of the same instant: `<` versus `<=` on ids differs only for equal ids, which cannot happen (ids are unique keys), so those are equivalent; flipping the order changes only which same-instant item wins, and the property tests pin that the winner does not depend on the delivery order, not which one it is.'
const ERROR_NAME = 'The `name` of an error class: read by nobody (callers use `instanceof`); it shows only in a stack trace.'
const UNREACHABLE_FALLBACK = 'Equivalent: the fallback after `??` is unreachable (a regex group that always takes part in the match, or a value the schema already requires).'

const DATE_PARSE_RANGES =
  "Equivalent on Node: `Date.parse`, the last test of isStrictIsoDateTime, already refuses a month outside 01-12, day 00, a minute or second over 59 and an offset past 23:59 in this format (checked for every two-digit value; test/unit/event-time.test.ts refuses each edge), so these checks never decide alone. What Date.parse lets through, hour 24 and a day past the month's end, is checked too, and those mutants are killed."
const UNDEFINED_KEY =
  'Equivalent: the mutant adds the key with the value undefined instead of leaving it out; the event already carries undefined-valued optional fields (queueId, messageType, userId), its one reader (lib/domain/session.ts) tests values, not keys, and JSON drops such keys.'

const MADE_UP_WRAPUP_CODE =
  'Harmless: the mutant puts the made-up code "Stryker was here" in an empty wrap-up code list (the default rule\'s, or that of a session with none); a code removes a customer only when both the rule and the session carry it, and wrap-up code ids are Genesys UUIDs, so no real rule or session can.'

const UNDEFINED_GUARD =
  'Equivalent: the guard only keeps `undefined` out of the comparison after it, and a comparison (`<`, `>=`, `>`, `===` with a number) with `undefined` is false, the same answer the guard gives.'

export const REASONS: readonly SurvivorReason[] = [
  { file: 'lib/domain/session.ts', code: 'Object.fromEntries(Object.entries(v', kind: 'stableJson key sorting', why: 'Equivalent in practice: it only compares two sessions the same fold built with the same key order, so sorting never changes the answer.' },
  { file: 'lib/domain/session.ts', code: 'base.queueId <= event.queueId', kind: 'queue tie-break', why: TIE_BREAK },
  { file: 'lib/domain/session.ts', code: 'latest !== undefined && agentId', kind: 'latest-agent tie-break', why: TIE_BREAK },
  { file: 'lib/domain/session.ts', code: 'Object.defineProperty(record, key', kind: 'own-property flags', why: 'Equivalent: the agents record is built once per fold and copied, never assigned to or reconfigured in place, so `writable`/`configurable` are never exercised.' },
  // presence side (availability, eligibility, session, quiet-hours, handle-availability): add entries below
  {
    file: 'lib/presence/eligibility.ts',
    mutators: ['StringLiteral'],
    code: "export const EVERY_SESSION",
    kind: 'default rule value',
    why: "Equivalent: isEligible compares `sessions` only with 'unserved'; any other value, '' included, keeps every session, as 'all' does.",
  },
  { file: 'lib/presence/eligibility.ts', mutators: ['ArrayDeclaration'], code: 'excludeWrapupCodes: [] }', kind: 'empty wrap-up code list', why: MADE_UP_WRAPUP_CODE },
  { file: 'lib/presence/eligibility.ts', mutators: ['ArrayDeclaration'], code: '(session.wrapupCodes ?? [])', kind: 'empty wrap-up code list', why: MADE_UP_WRAPUP_CODE },
  { file: 'lib/domain/session.ts', mutators: ['ConditionalExpression'], code: 'base.queueSetAt !== undefined && event.at < base.queueSetAt', kind: 'undefined guard', why: UNDEFINED_GUARD },
  { file: 'lib/domain/session.ts', mutators: ['ConditionalExpression'], code: 'customerEndedAt !== undefined && customerEndedAt >= event.at', kind: 'undefined guard', why: UNDEFINED_GUARD },
  { file: 'lib/domain/session.ts', mutators: ['ConditionalExpression'], code: 'if (link.connectedAt === undefined) continue', kind: 'undefined guard', why: UNDEFINED_GUARD },
  {
    file: 'lib/presence/handle-availability.ts',
    mutators: ['ConditionalExpression'],
    code: "if (!pending || outcome.kind !== 'triggered')",
    kind: 'outcome kind with an outbox',
    why: "Equivalent: there is an outbox only when fanOut returned requests, and it returns none for its only other outcome (outside-pilot), so with an outbox the kind is always 'triggered'; the test is there to narrow the type for FanOutPendingError.",
  },
  {
    file: 'lib/presence/handle-availability.ts',
    mutators: ['StringLiteral'],
    code: "if ((await deps.agents.put(cleared)) === 'written') return",
    kind: 'clear written',
    why: 'Equivalent in every result: a clearing write that succeeded but is taken for a conflict makes clearOutbox read the item again, find the outbox gone (or another trigger\'s, never this one: the trigger event is stale once saved) and stop. One extra read, no other state, publish or outcome.',
  },
  { file: 'lib/presence/handle-availability.ts', code: '(keys[index] ?? [])', kind: 'unreachable fallback', why: 'Equivalent: `keys` is built by mapping `requests`, so `keys[index]` exists for every request filtered (NoCoverage: the fallback never runs).' },
  {
    file: 'lib/presence/handle-availability.ts',
    code: 'return session ? priorityFactsOf(session) : {',
    kind: 'unreachable fallback',
    why: 'Equivalent: every request is selected from one of the sessions found, and sessionOf is built from the same list, so the facts of a request without its session are never needed (NoCoverage).',
  },
  {
    file: 'lib/presence/handle-availability.ts',
    mutators: ['ObjectLiteral'],
    code: 'if (candidates === 0) return { limit: 0 }',
    kind: 'limit with nobody to message',
    why: 'Equivalent: with no candidate, "no limit" ({}) and a limit of 0 both choose nobody and defer nobody; what the line is for, no capacity call, is pinned by the tests.',
  },
  { file: 'lib/domain/targeting.ts', code: 'a.conversationId < b.conversationId', kind: 'newest-first tie-break', why: TIE_BREAK },
  { file: 'lib/presence/capacity.ts', code: 'a.conversationId < b.conversationId', kind: 'priority tie-break', why: TIE_BREAK },
  // send side (payload, settle-send, send-message): add entries below
  { file: 'lib/domain/payload.ts', mutators: ['ConditionalExpression'], code: "typeof value === 'string' && (CHANNELS", kind: 'type guard', why: 'Equivalent: `includes` on the list of channel names is false for any non-string anyway.' },
  { file: 'lib/domain/payload.ts', code: 'this.name =', kind: 'error name', why: ERROR_NAME },
  {
    file: 'lib/send/send-message.ts',
    mutators: ['StringLiteral'],
    code: "?? 'live'",
    kind: 'default sending mode',
    why: "Equivalent: the mode is only ever compared with 'paused' and 'dry-run', so reading an absent mode as '' instead of 'live' takes the same, live, path.",
  },
  {
    file: 'lib/send/send-message.ts',
    mutators: ['ConditionalExpression'],
    code: 'error instanceof InvalidPayloadError',
    kind: 'preflight error guard',
    why: 'Equivalent: nothing in the try throws another error for any settings the config can build (renderTemplate and normaliseCustomer do not throw, buildAgentlessRequest throws only InvalidPayloadError); and forced true, an unexpected error is still thrown (as a TypeError from `error.problems`), never turned into a decision.',
  },
  {
    file: 'lib/send/handle-send-request.ts',
    mutators: ['ConditionalExpression'],
    code: '!(error instanceof EventValidationError)',
    kind: 'unreadable-request guard',
    why: "Equivalent: parseMessageRequest throws only EventValidationError (parseEnvelopeJson turns JSON.parse's errors into one; zod's safeParse reports problems instead of throwing, and the schema's one refine is a plain test), so the rethrow is never taken.",
  },
  { file: 'lib/domain/events.ts', mutators: ['StringLiteral'], code: 'problem:', kind: 'validation wording', why: WORDING },
  { file: 'lib/domain/events.ts', code: 'super(', kind: 'error message wording', why: WORDING },
  { file: 'lib/domain/events.ts', code: "?? '')", kind: 'unreachable fallback', why: UNREACHABLE_FALLBACK },
  { file: 'lib/send/template.ts', code: "?? ''", kind: 'unreachable fallback', why: UNREACHABLE_FALLBACK },
  { file: 'lib/domain/source-trust.ts', code: "?? ''", kind: 'unreachable fallback', why: UNREACHABLE_FALLBACK },
  { file: 'lib/domain/events.ts', code: 'this.name =', kind: 'error name', why: ERROR_NAME },
  { file: 'lib/domain/sending-mode.ts', code: 'this.name =', kind: 'error name', why: ERROR_NAME },
  { file: 'lib/send/quiet-hours.ts', code: 'readonly name =', kind: 'error name', why: ERROR_NAME },
  { file: 'lib/send/retry.ts', code: 'readonly name =', kind: 'error name', why: ERROR_NAME },
  { file: 'lib/presence/handle-availability.ts', code: 'readonly name =', kind: 'error name', why: ERROR_NAME },
  // events side (events, source-trust, requests, short-id, pilot-scope, opt-outs, targeting): add entries below
  { file: 'lib/domain/topics.ts', code: "APP_EVENT_SOURCE = 'proactive-messaging'", kind: 'the app bus event source', why: "Killed outside the unit tests: the publisher, every rule pattern and the bus policy read this one constant, so another name changes nothing inside the project, and the empty one is refused by PutEvents (EventBridge and the local bus refuse an empty Source), which every integration test that publishes a request exercises; Stryker leaves those tests out." },
  { file: 'lib/domain/events.ts', code: 'const offsetOk = match[8] ===', kind: 'offset range check', why: DATE_PARSE_RANGES },
  { file: 'lib/domain/events.ts', code: 'return month >= 1 && month <= 12 && day >= 1', kind: 'month, day, minute and second range checks', why: DATE_PARSE_RANGES },
  { file: 'lib/domain/events.ts', mutators: ['Regex'], code: 'const ISO_DATE_TIME = /^', kind: 'end anchor of the date-time pattern', why: "Equivalent on Node: the pattern still starts at `^` and ends with the zone, and `Date.parse` (the last test) refuses any text after the zone (300,000 random suffixes after `Z` and `+01:00`: none parsed). The start anchor is not: without it `1(2026-03-01T10:00:00Z` passes as 2001-01-01, and event-time.test.ts kills that mutant." },
  { file: 'lib/domain/events.ts', mutators: ['ArrowFunction'], code: 'new Map(CONVERSATION_TOPICS.map((topic) =>', kind: 'mutant that breaks the import', why: "Killed in fact, reported as survived: `new Map` of undefined entries throws when events.ts is imported, so every test file importing it fails (checked by hand: domain-events.test.ts fails with `Iterator value undefined is not an entry object`); Stryker's vitest runner counts a test file that cannot import as no tests (testsCompleted 0), not as a failure." },
  { file: 'lib/domain/events.ts', mutators: ['MethodExpression'], code: 'is not valid JSON: ${(error as Error).message.slice(0, 120)}', kind: 'JSON error cut to 120 characters', why: "Equivalent on Node: V8's JSON.parse messages quote at most about ten characters either side of the fault (fuzzing 200,000 random bodies of up to 300 characters gave 68 characters at most), so the cut never shortens one; it bounds the problem text should the engine change." },
  { file: 'lib/domain/events.ts', mutators: ['OptionalChaining'], code: 'presenceDefinitionId: body.presence?.presenceDefinition.id', kind: 'optional chaining inside its own guard', why: 'Equivalent: this runs only in the `presence ?` branch, where `body.presence` is set.' },
  { file: 'lib/domain/events.ts', mutators: ['StringLiteral'], code: "(body.direction ?? 'INBOUND').toUpperCase() !== 'OUTBOUND'", kind: 'default direction', why: "Equivalent for the `'INBOUND'` default: it only has to differ from `'OUTBOUND'`, and the empty string does too, so a missing direction is still inbound (the `'OUTBOUND'` literal on the same line is killed by domain-events.test.ts)." },
  { file: 'lib/domain/events.ts', mutators: ['ConditionalExpression'], code: "body.conversationExternalContactIds?.[0] !== undefined ? 'conversationExternalContactIds'", kind: 'contact id field with no contact id', why: 'Equivalent: with neither id delivered, which field is named does not matter: the field is read only when a contact id was delivered, and returned only with one.' },
  { file: 'lib/domain/events.ts', code: 'if (rawContactId !== undefined && contactIdField)', kind: 'type-narrowing guard', why: 'Equivalent: `rawContactId` and `contactIdField` come from the same two fields, so both are set or neither; the first test is there for the type checker.' },
  { file: 'lib/domain/events.ts', mutators: ['ConditionalExpression'], code: '...(externalContactId !== undefined ? { externalContactId, contactIdField }', kind: 'undefined-valued key', why: UNDEFINED_KEY },
  { file: 'lib/domain/events.ts', mutators: ['ConditionalExpression'], code: '...(customerAddress !== undefined ? { customerAddress, addressField }', kind: 'undefined-valued key', why: UNDEFINED_KEY },
  { file: 'lib/domain/events.ts', mutators: ['ConditionalExpression'], code: "...(topic === 'acw' && body.wrapupCode !== undefined", kind: 'undefined-valued key', why: UNDEFINED_KEY },
  { file: 'lib/presence/pilot-scope.ts', mutators: ['ConditionalExpression'], code: 'session.queueId !== undefined && scope.queueIds.includes', kind: 'type-narrowing guard', why: 'Equivalent: the pilot queue ids are strings, so `includes(undefined)` is false, the same answer as the guard (which is there for the type checker).' },
  { file: 'lib/domain/sending-mode.ts', code: "typeof value === 'string'", kind: 'type guard', why: 'Equivalent: `includes` on the list of mode strings is false for any non-string anyway.' },
  { file: 'lib/domain/address.ts', code: 'INVISIBLE.test(raw.replace(', kind: 'whitespace removal before the invisible-character check', why: 'Equivalent: replacing whitespace by a visible text instead of nothing cannot add or remove an invisible character.' },
  { file: 'lib/domain/address.ts', code: "case 'open':", kind: 'switch fall-through', why: "Equivalent: `open` falling through to `webmessaging` runs the same normaliseOpenAddress." },
  { file: 'lib/send/quiet-hours.ts', mutators: ['EqualityOperator'], code: 'window.startMinute < window.endMinute ?', kind: 'wrap-around test', why: 'Equivalent: a window whose start equals its end is refused when parsed, so `<` and `<=` never see equal values.' },
  { file: 'lib/send/quiet-hours.ts', code: 'if (!format)', kind: 'formatter cache', why: 'Equivalent: the cache only avoids building the same Intl.DateTimeFormat again; a new one gives the same answer.' },
  { file: 'lib/send/quiet-hours.ts', code: "p.type === '", kind: 'optional chaining on formatToParts', why: "Equivalent: formatToParts with `hour` and `minute` options always returns those parts." },
  { file: 'lib/presence/availability.ts', mutators: ['ConditionalExpression'], code: 'event.at - last < policy.cooldownMs', kind: 'cooldown guard', why: 'Equivalent: without a last trigger, `event.at - undefined` is NaN and `NaN < cooldown` is false, the same as the guard.' },
]
