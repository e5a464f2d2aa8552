/**
 * The real SDK adapter (purecloud-platform-client-v2) against the local Genesys simulator over HTTP.
 */
import fs from 'node:fs'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { secretsManagerCredentials, staticCredentials, type CredentialsSource } from '#lib/adapters/genesys-credentials.ts'
import { classifyApiFailure, createGenesysClient, GenesysApiError, gatewayFromUrl, type GenesysClientOptions } from '#lib/adapters/genesys-sdk.ts'
import { createGenesysQueueDirectory } from '#lib/adapters/genesys-queues-http.ts'
import { regionHost } from '#lib/adapters/genesys-regions.ts'
import type { CustomerAddress } from '#lib/domain/model.ts'
import { buildAgentlessRequest, type AgentlessRequest, type ChannelSettings } from '#lib/domain/payload.ts'
import { startGenesysSimulator, type GenesysSimulator, type SimulatorOptions } from '../../local/genesys-simulator/index.ts'

const LOCAL = staticCredentials({ clientId: 'local-client', clientSecret: 'local-secret' })

const simulators: GenesysSimulator[] = []
const clients: { close(): void }[] = []
async function simulator(options?: SimulatorOptions): Promise<GenesysSimulator> {
  const sim = await startGenesysSimulator(options)
  simulators.push(sim)
  return sim
}
function adapter(sim: GenesysSimulator, options: Partial<GenesysClientOptions> = {}) {
  const client = createGenesysClient({ gatewayUrl: sim.url, credentials: LOCAL, timeoutMs: 5_000, ...options })
  clients.push(client)
  return client
}
afterAll(async () => {
  for (const client of clients) client.close()
  await Promise.all(simulators.map((sim) => sim.close()))
})

const tokenRequests = (sim: GenesysSimulator) => sim.requests.filter((r) => r.path === '/oauth/token')

const webmessagingRequest = (): AgentlessRequest =>
  buildAgentlessRequest({ channel: 'webmessaging', externalContactId: 'contact-1' }, { fromAddress: 'deployment-1', text: '' }, 'An agent is available')

describe('sendAgentless', () => {
  let sim: GenesysSimulator
  let genesys: ReturnType<typeof adapter>
  beforeAll(async () => {
    sim = await simulator({ deployments: ['deployment-1'] })
    genesys = adapter(sim)
  })
  afterEach(() => sim.reset())

  const cases: [string, CustomerAddress, ChannelSettings][] = [
    ['webmessaging', { channel: 'webmessaging', externalContactId: 'contact-1' }, { fromAddress: 'deployment-1', text: '' }],
    ['sms', { channel: 'sms', address: '+13175555555' }, { fromAddress: '+13170000000', text: '' }],
    ['whatsapp', { channel: 'whatsapp', address: '+13175555555' }, { fromAddress: 'wa-integration', text: '', templateResponseId: 'template-1' }],
    ['open (address)', { channel: 'open', address: 'open-user-1' }, { fromAddress: 'open-integration', text: '' }],
    ['open (externalContactId)', { channel: 'open', externalContactId: 'contact-2' }, { fromAddress: 'open-integration', text: '' }],
  ]

  it.each(cases)('sends a %s request built by buildAgentlessRequest', async (_name, customer, settings) => {
    const request = buildAgentlessRequest(customer, settings, 'An agent is available now')
    const result = await genesys.sendAgentless(request)
    expect(result).toEqual({ ok: true, status: 200, messageId: expect.any(String), conversationId: expect.any(String) })
    const [received] = sim.agentlessRequests()
    expect(sim.agentlessRequests()).toHaveLength(1)
    expect(received?.body).toEqual(request)
  })

  it('logs in once and reuses the token', async () => {
    const fresh = adapter(sim)
    await fresh.sendAgentless(webmessagingRequest())
    await fresh.sendAgentless(webmessagingRequest())
    expect(tokenRequests(sim)).toHaveLength(1)
    expect(sim.agentlessRequests().map((r) => r.status)).toEqual([200, 200])
  })

  it('returns a permanent failure with the Genesys code, message and contextId on 400', async () => {
    const request = { ...webmessagingRequest(), fromAddress: 'deployment-unknown' }
    const result = await genesys.sendAgentless(request)
    expect(result).toEqual({
      ok: false,
      kind: 'permanent',
      status: 400,
      code: 'bad.request',
      message: expect.stringContaining('fromAddress'),
      contextId: expect.any(String),
    })
  })

  it('returns a permanent failure on 403 missing.permissions', async () => {
    const readerSim = await simulator({ clients: { reader: { secret: 's', permissions: ['routing:queue:view'] } } })
    const reader = adapter(readerSim, { credentials: staticCredentials({ clientId: 'reader', clientSecret: 's' }) })
    expect(await reader.sendAgentless(webmessagingRequest())).toMatchObject({ ok: false, kind: 'permanent', status: 403, code: 'missing.permissions' })
  })

  it('returns rate-limited with retryAfterSeconds from Retry-After on 429', async () => {
    let now = 10_000_000
    const limitedSim = await simulator({ rateLimitPerMinute: 2, rateWindowMs: 30_000, now: () => now })
    const limited = adapter(limitedSim)
    expect((await limited.sendAgentless(webmessagingRequest())).ok).toBe(true)
    expect((await limited.sendAgentless(webmessagingRequest())).ok).toBe(true)
    now += 4_000
    const result = await limited.sendAgentless(webmessagingRequest())
    expect(result).toMatchObject({ ok: false, kind: 'rate-limited', status: 429, code: 'too.many.requests.retry.after', retryAfterSeconds: 26 })
  })

  it('logs in again and retries once when an API call answers 401', async () => {
    sim.setFaults({ sequence: ['token401'] })
    const fresh = adapter(sim)
    const result = await fresh.sendAgentless(webmessagingRequest())
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(sim.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/oauth/token 200',
      '/api/v2/conversations/messages/agentless 401',
      '/oauth/token 200',
      '/api/v2/conversations/messages/agentless 200',
    ])
  })

  it('returns transient when the call still answers 401 after the re-login, without looping', async () => {
    sim.setFaults({ token401: 1 })
    const fresh = adapter(sim)
    const result = await fresh.sendAgentless(webmessagingRequest())
    expect(result).toMatchObject({ ok: false, kind: 'transient', status: 401, code: 'credentials.expired' })
    expect(tokenRequests(sim)).toHaveLength(2)
    expect(sim.agentlessRequests()).toHaveLength(2)
  })

  it('returns transient on 5xx', async () => {
    sim.setFaults({ sequence: ['http5xx'] })
    expect(await genesys.sendAgentless(webmessagingRequest())).toMatchObject({ ok: false, kind: 'transient', status: 503, code: 'service.unavailable', contextId: expect.any(String) })
  })

  it('returns rate-limited on an injected 429', async () => {
    sim.setFaults({ sequence: ['http429'] })
    const result = await genesys.sendAgentless(webmessagingRequest())
    expect(result).toMatchObject({ ok: false, kind: 'rate-limited', status: 429 })
    expect(result.ok === false && result.retryAfterSeconds).toBeGreaterThanOrEqual(1)
  })

  it('returns unknown when the request times out: Genesys may have accepted it', async () => {
    const impatient = adapter(sim, { timeoutMs: 150 })
    await impatient.sendAgentless(webmessagingRequest()) // logs in outside the fault
    sim.setFaults({ sequence: ['timeout'], timeoutHoldMs: 10_000 })
    const result = await impatient.sendAgentless(webmessagingRequest())
    expect(result).toMatchObject({ ok: false, kind: 'unknown' })
    expect(result.ok === false && result.code).toMatch(/ECONNABORTED|ETIMEDOUT/)
  })

  it('returns permanent bad.credentials when the token endpoint rejects the client, and sends nothing', async () => {
    const wrong = adapter(sim, { credentials: staticCredentials({ clientId: 'local-client', clientSecret: 'wrong' }) })
    const result = await wrong.sendAgentless(webmessagingRequest())
    expect(result).toMatchObject({ ok: false, kind: 'permanent', status: 401, code: 'bad.credentials' })
    expect(result.ok === false && result.message).not.toContain('wrong')
    expect(sim.agentlessRequests()).toHaveLength(0)
  })

  it("returns permanent for the SDK's synchronous string throw on a missing body", async () => {
    const result = await genesys.sendAgentless(undefined as unknown as AgentlessRequest)
    expect(result).toMatchObject({ ok: false, kind: 'permanent', code: 'sdk.invalid.argument', message: expect.stringContaining('body') })
  })

  it('returns transient on a refused connection', async () => {
    const gone = await startGenesysSimulator()
    const orphan = adapter(gone)
    await gone.close()
    expect(await orphan.sendAgentless(webmessagingRequest())).toMatchObject({ ok: false, kind: 'transient', code: 'ECONNREFUSED' })
  })

  it('refreshes the token shortly before it expires', async () => {
    let now = 0
    const shortSim = await simulator({ tokenTtlSeconds: 120 })
    const client = adapter(shortSim, { clock: { now: () => now } })
    await client.sendAgentless(webmessagingRequest())
    now += 100_000
    await client.sendAgentless(webmessagingRequest())
    expect(tokenRequests(shortSim)).toHaveLength(1)
    now += 10_000 // within the last 10% of the lifetime
    await client.sendAgentless(webmessagingRequest())
    expect(tokenRequests(shortSim)).toHaveLength(2)
  })
})

describe('several adapters in one process', () => {
  it('keep their own gateway and token', async () => {
    const simA = await simulator({ clients: { a: { secret: 'secret-a' } } })
    const simB = await simulator({ clients: { b: { secret: 'secret-b' } } })
    const a = adapter(simA, { credentials: staticCredentials({ clientId: 'a', clientSecret: 'secret-a' }) })
    const b = adapter(simB, { credentials: staticCredentials({ clientId: 'b', clientSecret: 'secret-b' }) })
    const results = await Promise.all([a, b, a, b, a].map((client) => client.sendAgentless(webmessagingRequest())))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(simA.agentlessRequests().map((r) => r.clientId)).toEqual(['a', 'a', 'a'])
    expect(simB.agentlessRequests().map((r) => r.clientId)).toEqual(['b', 'b'])
    expect(tokenRequests(simA)).toHaveLength(1)
    expect(tokenRequests(simB)).toHaveLength(1)
  })

  it('leave no config-file watcher behind', () => {
    const watched = new Set<string>()
    const watch = vi.spyOn(fs, 'watchFile').mockImplementation(((path: fs.PathLike) => {
      watched.add(String(path))
    }) as unknown as typeof fs.watchFile)
    const unwatch = vi.spyOn(fs, 'unwatchFile').mockImplementation(((path: fs.PathLike) => {
      watched.delete(String(path))
    }) as unknown as typeof fs.unwatchFile)
    try {
      createGenesysClient({ region: 'eu_west_1', credentials: LOCAL })
      createGenesysClient({ gatewayUrl: 'http://127.0.0.1:9', credentials: LOCAL })
      expect(watch).toHaveBeenCalled()
      expect([...watched]).toEqual([])
    } finally {
      watch.mockRestore()
      unwatch.mockRestore()
    }
  })
})

// The queue directory moved from the SDK adapter to the shared HTTP layer (genesys-queues-http.ts); same expectations.
describe('queueIdsOf', () => {
  const directory = (sim: GenesysSimulator, options: Partial<GenesysClientOptions> = {}) => createGenesysQueueDirectory({ gatewayUrl: sim.url, credentials: LOCAL, timeoutMs: 5_000, ...options })
  const queueIds = Array.from({ length: 250 }, (_, i) => `queue-${String(i + 1).padStart(3, '0')}`)

  it('pages through more than 100 queues with pageSize 100', async () => {
    const sim = await simulator({ queueMemberships: { 'agent-1': queueIds } })
    const genesys = directory(sim)
    expect(await genesys.queueIdsOf('agent-1')).toEqual(queueIds)
    const pages = sim.requests.filter((r) => r.path === '/api/v2/users/agent-1/queues')
    expect(pages.map((r) => [r.query.pageSize, r.query.pageNumber])).toEqual([
      ['100', '1'],
      ['100', '2'],
      ['100', '3'],
    ])
  })

  it('returns an empty list for an agent in no queue', async () => {
    const sim = await simulator()
    expect(await directory(sim).queueIdsOf('agent-9')).toEqual([])
  })

  it('retries once after a 401 like the send', async () => {
    const sim = await simulator({ queueMemberships: { 'agent-1': ['q1'] }, faults: { sequence: ['token401'] } })
    expect(await directory(sim).queueIdsOf('agent-1')).toEqual(['q1'])
    expect(tokenRequests(sim)).toHaveLength(2)
  })

  it('throws a descriptive error on failure', async () => {
    const sim = await simulator({ clients: { sender: { secret: 's', permissions: ['conversation:message:create'] } } })
    const genesys = directory(sim, { credentials: staticCredentials({ clientId: 'sender', clientSecret: 's' }) })
    const error = await genesys.queueIdsOf('agent-1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GenesysApiError)
    expect((error as Error).message).toMatch(/queues page 1 failed: permanent 403 missing\.permissions/)
    expect((error as GenesysApiError).failure).toMatchObject({ kind: 'permanent', status: 403, contextId: expect.any(String) })
  })
})

describe('credentials from Secrets Manager', () => {
  const secrets = mockClient(SecretsManagerClient)
  afterEach(() => secrets.reset())
  afterAll(() => secrets.restore())

  const secretString = (clientSecret: string) => JSON.stringify({ clientId: 'rotating', clientSecret })

  it('picks up a rotated secret after the token endpoint rejects the cached one', async () => {
    const sim = await simulator({ clients: { rotating: { secret: 'v2' } } })
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString('v1') })
      .resolves({ SecretString: secretString('v2') })
    const credentials = secretsManagerCredentials({ secretId: 'genesys/oauth', client: new SecretsManagerClient({}) })
    const result = await adapter(sim, { credentials }).sendAgentless(webmessagingRequest())
    expect(result).toMatchObject({ ok: true })
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2)
    expect(tokenRequests(sim).map((r) => r.status)).toEqual([401, 200])
  })

  it('re-reads the secret when an API call answers 401', async () => {
    const sim = await simulator({ clients: { rotating: { secret: 'v1' } } })
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString('v1') })
    const credentials = secretsManagerCredentials({ secretId: 'genesys/oauth', client: new SecretsManagerClient({}) })
    const genesys = adapter(sim, { credentials })
    await genesys.sendAgentless(webmessagingRequest())
    sim.expireTokens()
    expect(await genesys.sendAgentless(webmessagingRequest())).toMatchObject({ ok: true })
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2)
  })

  it('caches the secret for ttlMs, and invalidate() forces a re-read', async () => {
    let now = 0
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretString('v1') })
    const credentials = secretsManagerCredentials({ secretId: 'genesys/oauth', client: new SecretsManagerClient({}), ttlMs: 1_000, clock: { now: () => now } })
    await Promise.all([credentials.get(), credentials.get()])
    now += 999
    expect(await credentials.get()).toEqual({ clientId: 'rotating', clientSecret: 'v1' })
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1)
    now += 1
    await credentials.get()
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2)
    credentials.invalidate()
    await credentials.get()
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3)
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: 'genesys/oauth' })
  })

  it.each([
    ['a missing clientSecret', JSON.stringify({ clientId: 'rotating', client_secret: 'hunter2-value' }), /"clientSecret"/],
    ['a missing clientId', JSON.stringify({ id: 'x', clientSecret: 'hunter2-value' }), /"clientId"/],
    ['text that is not JSON', 'clientSecret=hunter2-value', /is not JSON/],
  ])('names the problem with %s, never the value', async (_case, value, expected) => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: value })
    const credentials: CredentialsSource = secretsManagerCredentials({ secretId: 'genesys/oauth', client: new SecretsManagerClient({}) })
    const error = (await credentials.get().catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(expected)
    expect(error.message).toContain('genesys/oauth')
    expect(error.message).not.toContain('hunter2-value')
  })

  it('makes a send fail permanently with bad.credentials when the secret is malformed', async () => {
    const sim = await simulator()
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{}' })
    const credentials = secretsManagerCredentials({ secretId: 'genesys/oauth', client: new SecretsManagerClient({}) })
    expect(await adapter(sim, { credentials }).sendAgentless(webmessagingRequest())).toMatchObject({ ok: false, kind: 'permanent', code: 'bad.credentials' })
  })

  it('makes a send fail transiently when Secrets Manager is unreachable', async () => {
    const sim = await simulator()
    secrets.on(GetSecretValueCommand).rejects(new Error('socket hang up'))
    const credentials = secretsManagerCredentials({ secretId: 'genesys/oauth', client: new SecretsManagerClient({}) })
    expect(await adapter(sim, { credentials }).sendAgentless(webmessagingRequest())).toMatchObject({ ok: false, kind: 'transient', code: 'credentials.unavailable' })
  })
})

describe('configuration helpers', () => {
  it.each([
    ['mypurecloud.ie', 'mypurecloud.ie'],
    ['eu_west_1', 'mypurecloud.ie'],
    ['eu-west-1', 'mypurecloud.ie'],
    ['https://api.mypurecloud.de/', 'mypurecloud.de'],
    ['us_east_1', 'mypurecloud.com'],
  ])('resolves region %s to %s', (region, host) => {
    expect(regionHost(region)).toBe(host)
  })

  it('rejects an unknown region with the valid choices', () => {
    expect(() => regionHost('moon_base_1')).toThrow(/unknown Genesys region "moon_base_1".*mypurecloud\.ie.*eu_west_1/)
    expect(() => createGenesysClient({ region: 'moon_base_1', credentials: LOCAL })).toThrow(/unknown Genesys region/)
  })

  it('turns a gateway URL into the SDK gateway settings', () => {
    expect(gatewayFromUrl('http://127.0.0.1:8080')).toEqual({ protocol: 'http', host: '127.0.0.1', port: 8080 })
    expect(gatewayFromUrl('https://gw.example.com/genesys/')).toEqual({ protocol: 'https', host: 'gw.example.com', path_params_login: '/genesys', path_params_api: '/genesys' })
    expect(() => gatewayFromUrl('ftp://x')).toThrow(/http or https/)
    expect(() => gatewayFromUrl('not a url')).toThrow(/invalid Genesys gateway URL/)
  })

  it('falls back to 60 seconds when a 429 has no Retry-After, and reads an HTTP date', () => {
    expect(classifyApiFailure({ status: 429, headers: {}, body: { code: 'too.many.requests' } }, 0)).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 })
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(classifyApiFailure({ status: 429, headers: { 'Retry-After': 'Thu, 01 Jan 2026 00:00:30 GMT' }, body: {} }, now)).toMatchObject({ retryAfterSeconds: 30 })
  })

  it.each([
    [404, 'permanent'],
    [409, 'permanent'],
    [413, 'permanent'],
    [408, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'unknown'],
  ])('classifies HTTP %i as %s', (status, kind) => {
    expect(classifyApiFailure({ status, headers: {}, body: { code: 'x', message: 'm', contextId: 'c' } }, 0)).toMatchObject({ kind, status, code: 'x', message: 'm', contextId: 'c' })
  })
})
