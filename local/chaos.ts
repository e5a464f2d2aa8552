/**
 * Fault injection for the local cloud: `--chaos http429=0.1,crashAfterSend=0.05,seed=7`.
 * Every fault is drawn from a seeded generator, so a run with the same seed and scenario is reproducible.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DeliveryLedger, GenesysMessaging } from '#lib/domain/ports.ts'
import { APP_DETAIL_TYPES } from '#lib/topology.ts'
import type { LocalEventBridge } from './event-bus.ts'

export const CHAOS_FAULTS = ['http429', 'http5xx', 'timeout', 'token401', 'redeliver', 'crashAfterSend', 'putEventsFail', 'ddbThrottle'] as const
export type ChaosFault = (typeof CHAOS_FAULTS)[number]

export type ChaosSpec = Partial<Record<ChaosFault, number>> & { seed?: number }

export class ChaosSpecError extends Error {
  override readonly name = 'ChaosSpecError'
}

export function parseChaosSpec(text: string): ChaosSpec {
  const spec: ChaosSpec = {}
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name, value, ...rest] = part.split('=')
    if (name === undefined || value === undefined || rest.length > 0) throw new ChaosSpecError(`"${part}": expected NAME=VALUE`)
    const number = Number(value)
    if (name === 'seed') {
      if (!Number.isInteger(number)) throw new ChaosSpecError(`seed must be an integer, got "${value}"`)
      spec.seed = number
      continue
    }
    if (!(CHAOS_FAULTS as readonly string[]).includes(name)) throw new ChaosSpecError(`unknown fault "${name}"; the faults are ${CHAOS_FAULTS.join(', ')} and seed`)
    if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) throw new ChaosSpecError(`${name} must be a probability between 0 and 1, got "${value}"`)
    spec[name as ChaosFault] = number
  }
  const genesysShare = (spec.http429 ?? 0) + (spec.http5xx ?? 0) + (spec.timeout ?? 0)
  if (genesysShare > 1) throw new ChaosSpecError(`http429 + http5xx + timeout must not exceed 1 (they share one draw), got ${genesysShare}`)
  return spec
}

const never = <T>(): Promise<T> => new Promise<T>(() => {})

/**
 * A send worker that dies right after Genesys accepted a message: the send resolves never, nothing after it
 * runs (the ledger's next claims hang too), and the invocation is abandoned by the local event source, which
 * then starts a fresh worker. What Lambda does when a function crashes or times out mid-batch.
 */
export class CrashAfterSend {
  private crashed = false
  private signal: () => void = () => {}
  readonly crashedPromise: Promise<void>

  constructor(
    private readonly probability: number,
    private readonly random: () => number,
  ) {
    this.crashedPromise = new Promise((resolve) => {
      this.signal = resolve
    })
  }

  genesys = (inner: GenesysMessaging): GenesysMessaging => ({
    sendAgentless: async (request) => {
      if (this.crashed) return never()
      const result = await inner.sendAgentless(request)
      if (result.ok && this.random() < this.probability) {
        this.crashed = true
        this.signal()
        return never()
      }
      return result
    },
  })

  ledger = (inner: DeliveryLedger): DeliveryLedger => ({
    begin: (dedupeKey, now, options) => (this.crashed ? never() : inner.begin(dedupeKey, now, options)),
    finish: (...args) => (this.crashed ? never() : inner.finish(...args)),
    markNotified: (dedupeKey) => (this.crashed ? never() : inner.markNotified(dedupeKey)),
  })
}

/**
 * A proxy in front of the local DynamoDB that answers a share of requests with
 * ProvisionedThroughputExceededException, as a throttled table does. The AWS SDK retries those itself.
 */
export async function startThrottlingProxy(target: string, probability: number, random: () => number): Promise<{ endpoint: string; throttled: () => number; close(): Promise<void> }> {
  const upstream = new URL(target)
  let throttled = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (random() < probability) {
        throttled++
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'The level of configured provisioned throughput for the table was exceeded (local chaos).',
          }),
        )
        return
      }
      const forward = httpRequest({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers)
        answer.pipe(res)
      })
      forward.on('error', (error) => {
        res.writeHead(500)
        res.end(String(error))
      })
      forward.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttled: () => throttled,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * The first `calls` PutEvents calls that carry ProactiveMessageRequested entries fail every entry with
 * InternalFailure (as `putEventsFail` does, but certain): presence's publisher tries 4 times per call, so 4
 * calls make one trigger's publish fail. Later calls go through. For the outbox tests and the chaos interleaving.
 */
export function failRequestPublishes(bus: LocalEventBridge, calls: number): { failed: () => number } {
  let failed = 0
  const real = bus.putEvents.bind(bus)
  bus.putEvents = async (entries) => {
    if (failed >= calls || !entries.some((entry) => entry.DetailType === APP_DETAIL_TYPES.requested)) return real(entries)
    failed++
    return { FailedEntryCount: entries.length, Entries: entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error (injected fault).' })) }
  }
  return { failed: () => failed }
}
