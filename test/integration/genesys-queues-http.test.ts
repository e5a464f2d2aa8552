/** The presence function's fetch-based queue lookup, against the Genesys simulator. */
import platformClient from 'purecloud-platform-client-v2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staticCredentials, type CredentialsSource } from '#lib/adapters/genesys-credentials.ts'
import { createGenesysQueueDirectory, GenesysHttpError } from '#lib/adapters/genesys-queues-http.ts'
import { GENESYS_REGION_HOSTS, regionHost } from '#lib/adapters/genesys-regions.ts'
import { MAX_PAGES, PAGE_SIZE, type RateLimitReport } from '#lib/adapters/genesys-http/index.ts'
import { startGenesysSimulator, type GenesysSimulator } from '../../local/genesys-simulator/index.ts'

const AGENT = '6f1c2b7e-4a4b-4d6e-9f0a-1b2c3d4e5f60'
const MANY = Array.from({ length: 250 }, (_, i) => `queue-${String(i).padStart(3, '0')}`)

let sim: GenesysSimulator
beforeAll(async () => {
  sim = await startGenesysSimulator({
    queueMemberships: { [AGENT]: MANY, lonely: [] },
    clients: { 'local-client': { secret: 'local-secret' }, 'no-queues': { secret: 's', permissions: ['conversation:message:create'] } },
  })
})
afterAll(async () => sim?.close())

function countingCredentials(clientId = 'local-client', clientSecret = 'local-secret'): CredentialsSource & { invalidations: number } {
  const inner = staticCredentials({ clientId, clientSecret })
  const source = { invalidations: 0, get: () => inner.get(), invalidate: () => void source.invalidations++ }
  return source
}

describe('createGenesysQueueDirectory', () => {
  it('pages through every queue of the agent with one token', async () => {
    sim.reset()
    const directory = createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials: countingCredentials() })
    expect(await directory.queueIdsOf(AGENT)).toEqual(MANY)
    expect(await directory.queueIdsOf('lonely')).toEqual([])
    const paths = sim.requests.map((request) => request.path)
    expect(paths.filter((path) => path === '/oauth/token')).toHaveLength(1)
    expect(paths.filter((path) => path.endsWith('/queues'))).toHaveLength(4)
  })

  it('logs in again once when the token is rejected, dropping the cached secret', async () => {
    const credentials = countingCredentials()
    const directory = createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials })
    await directory.queueIdsOf('lonely')
    sim.expireTokens()
    expect(await directory.queueIdsOf('lonely')).toEqual([])
    expect(credentials.invalidations).toBe(1)
  })

  it('fails with the status and Genesys code, and no token, when permission is missing', async () => {
    const directory = createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials: countingCredentials('no-queues', 's') })
    const error = await directory.queueIdsOf(AGENT).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GenesysHttpError)
    expect(error).toMatchObject({ status: 403, code: 'missing.permissions' })
    // One message format for every Genesys call now (the shared layer's): the page, the classification and the code.
    expect((error as Error).message).toMatch(/^Genesys GET \/api\/v2\/users\/\{userId\}\/queues page 1 failed: permanent 403 missing\.permissions/)
  })

  it('fails clearly on bad credentials', async () => {
    const credentials = countingCredentials('local-client', 'wrong')
    const error = await createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials })
      .queueIdsOf(AGENT)
      .catch((e: unknown) => e)
    // The token endpoint's 401 is classified like the send's login failure: bad.credentials, naming invalid_client.
    expect(error).toMatchObject({ status: 401, code: 'bad.credentials', message: expect.stringContaining('invalid_client') })
    expect(credentials.invalidations).toBe(1)
  })
})

describe("the shared layer's policies, on the queue directory", () => {
  it('honours Retry-After on a 429: waits that long and asks again', async () => {
    const limited = await startGenesysSimulator({ queueMemberships: { [AGENT]: MANY }, rateLimitPerMinute: 2, rateWindowMs: 400 })
    const waits: number[] = []
    const sleepFor = async (ms: number) => {
      waits.push(ms)
      await new Promise((resolve) => setTimeout(resolve, ms))
    }
    try {
      const directory = createGenesysQueueDirectory({ gatewayUrl: limited.url, credentials: countingCredentials(), sleep: sleepFor })
      expect(await directory.queueIdsOf(AGENT)).toEqual(MANY)
      expect(limited.requests.map((r) => r.status)).toContain(429)
      expect(waits).toEqual([1000])
    } finally {
      await limited.close()
    }
  })

  it('a Retry-After longer than the wait limit goes to the caller as rate-limited', async () => {
    const limited = await startGenesysSimulator({ queueMemberships: { [AGENT]: MANY }, rateLimitPerMinute: 1 })
    try {
      const directory = createGenesysQueueDirectory({ gatewayUrl: limited.url, credentials: countingCredentials(), maxRetryAfterWaitSeconds: 5 })
      const error = await directory.queueIdsOf(AGENT).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(GenesysHttpError)
      expect((error as GenesysHttpError).failure).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterSeconds: expect.any(Number) })
    } finally {
      await limited.close()
    }
  })

  it('fails naming the paging limit instead of returning a partial list', async () => {
    const huge = Array.from({ length: MAX_PAGES * PAGE_SIZE + 1 }, (_, i) => `q-${i}`)
    const big = await startGenesysSimulator({ queueMemberships: { [AGENT]: huge }, rateLimitPerMinute: 1_000 })
    try {
      const error = await createGenesysQueueDirectory({ gatewayUrl: big.url, credentials: countingCredentials() })
        .queueIdsOf(AGENT)
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(GenesysHttpError)
      expect((error as Error).message).toMatch(/more than 100 pages of 100.*paging limit/)
      expect((error as GenesysHttpError).failure).toMatchObject({ kind: 'permanent', code: 'too.many.pages' })
    } finally {
      await big.close()
    }
  })

  it("reports every response's rate-limit headers", async () => {
    const reports: RateLimitReport[] = []
    const directory = createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials: countingCredentials(), onRateLimit: (report) => reports.push(report) })
    sim.reset()
    await directory.queueIdsOf(AGENT)
    expect(reports.map((r) => r.count)).toEqual([1, 2, 3])
    expect(reports.every((r) => r.allowed === 300 && r.resetSeconds > 0)).toBe(true)
  })
})

describe('region hosts', () => {
  it("are the SDK's PureCloudRegionHosts", () => {
    expect(GENESYS_REGION_HOSTS).toEqual({ ...platformClient.PureCloudRegionHosts })
  })

  it('resolve hosts and keys', () => {
    expect(regionHost('eu_west_1')).toBe('mypurecloud.ie')
    expect(regionHost('https://api.mypurecloud.de/')).toBe('mypurecloud.de')
    expect(() => regionHost('moon')).toThrow(/unknown Genesys region "moon"/)
  })
})
