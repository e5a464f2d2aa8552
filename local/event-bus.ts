/**
 * A small in-process EventBridge for the local cloud: event buses, rules that apply the real patterns
 * (local/event-pattern.ts), PutEvents with the service's validation, and an HTTP endpoint that speaks the
 * AWS JSON 1.1 protocol so the real `@aws-sdk/client-eventbridge` can publish to it.
 *
 * Differences from AWS, on purpose: delivery is synchronous (PutEvents resolves after every matching target
 * ran, so local runs are deterministic), and an entry for an unknown bus fails loudly where AWS has been
 * seen to accept it and drop it.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { matchesPattern, validatePattern } from './event-pattern.ts'
import { seededRandom } from './random.ts'

/** The event as EventBridge delivers it to a rule target. */
export interface EventEnvelope<Detail = Record<string, unknown>> {
  readonly version: '0'
  readonly id: string
  readonly 'detail-type': string
  readonly source: string
  readonly account: string
  /** ISO 8601, second precision (`2022-04-06T09:30:45Z`), as AWS writes it. */
  readonly time: string
  readonly region: string
  readonly resources: string[]
  readonly detail: Detail
}

/** One PutEvents entry, as the SDK sends it (`Time` may be a Date, epoch seconds, or an ISO string). */
export interface PutEventsEntry {
  readonly Source?: string
  readonly DetailType?: string
  readonly Detail?: string
  readonly EventBusName?: string
  readonly Time?: Date | number | string
  readonly Resources?: string[]
  readonly TraceHeader?: string
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string }

export interface PutEventsResult {
  FailedEntryCount: number
  Entries: PutEventsResultEntry[]
}

export type RuleTarget = (event: EventEnvelope) => Promise<void>

export interface RuleDefinition {
  readonly name: string
  /** Defaults to `default`. */
  readonly busName?: string
  readonly pattern: Record<string, unknown>
  readonly target: RuleTarget
}

/** A target that threw. In AWS the event would go to the rule's dead-letter queue. */
export interface FailedDelivery {
  readonly rule: string
  readonly busName: string
  readonly event: EventEnvelope
  readonly error: unknown
}

export interface LocalEventBridgeOptions {
  readonly account?: string
  readonly region?: string
  readonly clock?: { now(): number }
  readonly idFactory?: () => string
}

export interface FaultSettings {
  /** Probability (0 to 1) that an entry fails with `InternalFailure`. */
  readonly putEventsFail?: number
  /** Seed of the deterministic draw; the same seed fails the same entries. */
  readonly seed?: number
}

/** The whole PutEvents call is rejected, as the service does with HTTP 400 `ValidationException`. */
export class EventBridgeValidationError extends Error {
  override readonly name = 'ValidationException'
}

export const MAX_ENTRIES_PER_CALL = 10
/** PutEvents limit on the summed entry sizes of one call (EventBridge user guide, "PutEvents event entry size"). */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024

const DEFAULT_BUS = 'default'

interface Rule {
  readonly name: string
  readonly pattern: Record<string, unknown>
  readonly target: RuleTarget
}

export class LocalEventBridge {
  readonly account: string
  readonly region: string
  private readonly clock: { now(): number }
  private readonly idFactory: () => string
  private readonly buses = new Map<string, Map<string, Rule>>()
  private readonly accepted = new Map<string, EventEnvelope[]>()
  private readonly failures: FailedDelivery[] = []
  private oversized = 0
  private faultProbability = 0
  private nextRandom: () => number = () => 1

  constructor(options: LocalEventBridgeOptions = {}) {
    this.account = options.account ?? '000000000000'
    this.region = options.region ?? 'us-east-1'
    this.clock = options.clock ?? Date
    this.idFactory = options.idFactory ?? randomUUID
    this.createBus(DEFAULT_BUS)
  }

  /** Creates an event bus. The `default` bus always exists. Throws when the bus exists already. */
  createBus(name: string): void {
    if (this.buses.has(name)) throw new Error(`event bus ${name} already exists`)
    this.buses.set(name, new Map())
    this.accepted.set(name, [])
  }

  hasBus(name: string): boolean {
    return this.buses.has(name)
  }

  /** Adds a rule; throws listing the problems when the pattern is one EventBridge would reject. */
  addRule(rule: RuleDefinition): void {
    const busName = rule.busName ?? DEFAULT_BUS
    const rules = this.rulesOf(busName)
    if (rules.has(rule.name)) throw new Error(`rule ${rule.name} already exists on bus ${busName}`)
    const problems = validatePattern(rule.pattern)
    if (problems.length > 0) throw new Error(`rule ${rule.name}: invalid event pattern: ${problems.join('; ')}`)
    rules.set(rule.name, { name: rule.name, pattern: rule.pattern, target: rule.target })
  }

  removeRule(name: string, busName: string = DEFAULT_BUS): boolean {
    return this.rulesOf(busName).delete(name)
  }

  /** Targets that threw, oldest first. */
  get failedDeliveries(): readonly FailedDelivery[] {
    return this.failures
  }

  get deliveryFailures(): number {
    return this.failures.length
  }

  /** Events the bus could not take or pass on: over the size limit, or a target that threw. */
  get undeliverable(): number {
    return this.oversized + this.failures.length
  }

  /** Every event accepted on a bus, in order (whether or not a rule matched it). */
  acceptedEvents(busName: string = DEFAULT_BUS): readonly EventEnvelope[] {
    this.rulesOf(busName)
    return this.accepted.get(busName) ?? []
  }

  setFaults(faults: FaultSettings): void {
    const probability = faults.putEventsFail ?? 0
    if (!(probability >= 0 && probability <= 1)) throw new RangeError('putEventsFail must be between 0 and 1')
    this.faultProbability = probability
    this.nextRandom = seededRandom(faults.seed ?? 1)
  }

  /** PutEvents: validates the call and each entry, then delivers accepted events to matching rules. */
  async putEvents(entries: readonly PutEventsEntry[]): Promise<PutEventsResult> {
    validateCall(entries)
    const results: PutEventsResultEntry[] = []
    // Routed together, so the targets see one call's events at once (the SQS targets send them in one batch).
    const routed: Promise<string[]>[] = []
    for (const entry of entries) {
      const injected = this.faultProbability > 0 && this.nextRandom() < this.faultProbability
      const outcome = this.admit(entry)
      if ('ErrorCode' in outcome) {
        results.push(outcome)
      } else if (injected) {
        results.push({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error (injected fault).' })
      } else {
        routed.push(this.route(outcome.busName, outcome.envelope))
        results.push({ EventId: outcome.envelope.id })
      }
    }
    await Promise.all(routed)
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results }
  }

  /**
   * Injects an already-formed envelope (as a partner event source delivers it) and runs every matching
   * rule's target in rule order. Returns the names of the matched rules: empty means every rule ignored it.
   */
  /**
   * Delivers an event as a partner source puts it. One over EventBridge's entry limit (256 KB, sized as
   * `entrySize` does) never reaches the bus: EventBridgeValidationError, counted in `undeliverable`.
   */
  async deliver(busName: string, envelope: EventEnvelope): Promise<string[]> {
    const size = entrySize({
      Source: envelope.source,
      DetailType: envelope['detail-type'],
      Detail: JSON.stringify(envelope.detail),
      Resources: envelope.resources,
      ...(envelope.time ? { Time: new Date(envelope.time) } : {}),
    } as PutEventsEntry)
    if (size > MAX_REQUEST_ENTRY_BYTES) {
      this.oversized++
      throw new EventBridgeValidationError(`the event is ${size} bytes as a PutEvents entry; EventBridge accepts at most ${MAX_REQUEST_ENTRY_BYTES} (256 KB)`)
    }
    return this.route(busName, envelope)
  }

  /** Hands an accepted event to every matching rule's target; a target that throws is recorded, not raised. */
  private async route(busName: string, envelope: EventEnvelope): Promise<string[]> {
    const rules = [...this.rulesOf(busName).values()]
    this.accepted.get(busName)?.push(envelope)
    const matched = rules.filter((rule) => matchesPattern(rule.pattern, envelope as unknown as Record<string, unknown>))
    // Every target is started before any is awaited, so each rule sees a call's events in entry order.
    await Promise.all(
      matched.map((rule) =>
        Promise.resolve()
          .then(() => rule.target(envelope))
          .catch((error: unknown) => {
            this.failures.push({ rule: rule.name, busName, event: envelope, error })
          }),
      ),
    )
    return matched.map((rule) => rule.name)
  }

  /** Serves PutEvents over HTTP (AWS JSON 1.1) on 127.0.0.1, for `new EventBridgeClient({ endpoint })`. */
  async listen(): Promise<{ endpoint: string; close(): Promise<void> }> {
    const server = createServer((request, response) => {
      this.handleHttp(request, response).catch((error: unknown) => {
        if (response.headersSent) response.destroy()
        else reply(response, 500, { __type: 'InternalException', message: error instanceof Error ? error.message : 'internal error' })
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const { port } = server.address() as AddressInfo
    return {
      endpoint: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()))
          server.closeAllConnections()
        }),
    }
  }

  private async handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request)
    if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
      reply(response, 400, { __type: 'UnknownOperationException' })
      return
    }
    let input: unknown
    try {
      input = JSON.parse(body || '{}')
    } catch {
      reply(response, 400, { __type: 'SerializationException', message: 'request body is not valid JSON' })
      return
    }
    const entries = (input as { Entries?: unknown }).Entries
    try {
      reply(response, 200, await this.putEvents(Array.isArray(entries) ? (entries as PutEventsEntry[]) : []))
    } catch (error) {
      if (!(error instanceof EventBridgeValidationError)) throw error
      reply(response, 400, { __type: 'ValidationException', message: error.message })
    }
  }

  private rulesOf(busName: string): Map<string, Rule> {
    const rules = this.buses.get(busName)
    if (!rules) throw new Error(`event bus ${busName} does not exist`)
    return rules
  }

  private admit(entry: PutEventsEntry): { ErrorCode: string; ErrorMessage: string } | { busName: string; envelope: EventEnvelope } {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` }
      }
    }
    const detail = parseDetail(entry.Detail as string)
    if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }
    const busName = busNameOf(entry.EventBusName)
    if (!this.buses.has(busName)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` }
    }
    const envelope: EventEnvelope = {
      version: '0',
      id: this.idFactory(),
      'detail-type': entry.DetailType as string,
      source: entry.Source as string,
      account: this.account,
      time: isoSeconds(timeOf(entry.Time) ?? this.clock.now()),
      region: this.region,
      resources: resourcesOf(entry),
      detail,
    }
    return { busName, envelope }
  }
}

function validateCall(entries: readonly PutEventsEntry[]): void {
  if (entries.length < 1 || entries.length > MAX_ENTRIES_PER_CALL) {
    throw new EventBridgeValidationError(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES_PER_CALL} (got ${entries.length})`,
    )
  }
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0)
  if (total > MAX_REQUEST_ENTRY_BYTES) {
    throw new EventBridgeValidationError('Total size of the entries in the request is over the limit.')
  }
}

/** Entry size as the EventBridge user guide computes it: 14 bytes for Time, plus the UTF-8 bytes of the rest. */
export function entrySize(entry: PutEventsEntry): number {
  const bytes = (text: string | undefined) => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0)
  return (entry.Time !== undefined ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resourcesOf(entry).reduce((sum, resource) => sum + bytes(resource), 0)
}

const resourcesOf = (entry: PutEventsEntry): string[] => (Array.isArray(entry.Resources) ? entry.Resources.filter((resource) => typeof resource === 'string') : [])

function parseDetail(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** `EventBusName` may be a name or an ARN (`arn:aws:events:{region}:{account}:event-bus/{name}`). */
function busNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return DEFAULT_BUS
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn)
  return arn ? (arn[1] as string) : nameOrArn
}

/** Epoch ms from an entry's Time; the SDK's JSON serializer sends a Date as epoch seconds. */
function timeOf(time: PutEventsEntry['Time']): number | undefined {
  const ms = time instanceof Date ? time.getTime() : typeof time === 'number' ? time * 1000 : typeof time === 'string' ? Date.parse(time) : NaN
  return Number.isFinite(ms) ? ms : undefined
}

const isoSeconds = (epochMs: number): string => new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z')

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  }
  const errorType = (body as { __type?: unknown }).__type
  if (typeof errorType === 'string') headers['x-amzn-errortype'] = errorType
  response.writeHead(status, headers).end(text)
}
