import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DETAIL_TYPES, GENESYS_TOPICS } from '#lib/topology.ts'
import type { CommandIo } from '../../cli/command-io.ts'
import { main, runChecks, type CheckDeps, type CheckStep } from '../../cli/commands/check/index.ts'
import { startGenesysSimulator, TOKEN_PATH, type GenesysSimulator } from '../../local/genesys-simulator/index.ts'

const DEPLOYMENT = '5e1f0c57-8f7a-4c0b-9d68-2f6b7c1a9e10'
const INACTIVE_DEPLOYMENT = '7a0c9e2b-1d3f-4e5a-8b6c-9d0e1f2a3b4c'
const WHATSAPP = '0a1b2c3d-0000-4000-8000-0000000000a1'
const OPEN = '0a1b2c3d-0000-4000-8000-0000000000b2'
const SMS_NUMBER = '+13175550100'
const RATE_LIMIT = 180

let org: GenesysSimulator
/** A second region's login and API, where the org's OAuth client does not exist. */
let otherRegion: GenesysSimulator

const goodEnv = (): Record<string, string> => ({
  GENESYS_GATEWAY_URL: org.url,
  GENESYS_CLIENT_ID: 'sender',
  GENESYS_CLIENT_SECRET: 'sender-secret',
  WEBMESSAGING_DEPLOYMENT_ID: DEPLOYMENT,
  SMS_FROM_NUMBER: SMS_NUMBER,
  WHATSAPP_INTEGRATION_ID: WHATSAPP,
  OPEN_INTEGRATION_ID: OPEN,
  GENESYS_BUDGET_PER_MINUTE: '150',
})

const byStep = (steps: readonly CheckStep[]) => Object.fromEntries(steps.map((s) => [s.step, s]))
const statuses = (steps: readonly CheckStep[]) => Object.fromEntries(steps.map((s) => [s.step, s.status]))

/** Stands in for DNS: real region hosts map onto the simulators; any other host does not resolve. */
function regionFetch(hosts: Record<string, string>): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const target = hosts[url.host]
    if (target === undefined) {
      const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), { code: 'ENOTFOUND', hostname: url.hostname })
      return Promise.reject(new TypeError('fetch failed', { cause }))
    }
    return fetch(`${target}${url.pathname}${url.search}`, init)
  }
}

function captureIo(env: Record<string, string>): CommandIo & { lines: string[] } {
  const lines: string[] = []
  return { lines, out: (line) => lines.push(line), err: (line) => lines.push(line), stdin: async () => '', env }
}

beforeAll(async () => {
  org = await startGenesysSimulator({
    clients: {
      sender: { secret: 'sender-secret', permissions: ['conversation:message:create', 'routing:utilization:view'] },
      'no-send': { secret: 'no-send-secret', permissions: ['routing:queue:view', 'routing:utilization:view'] },
      'no-capacity': { secret: 'no-capacity-secret', permissions: ['conversation:message:create'] },
    },
    deployments: [DEPLOYMENT, INACTIVE_DEPLOYMENT],
    integrations: { sms: [SMS_NUMBER, '+13175550199'], whatsapp: [WHATSAPP], open: [OPEN] },
    rateLimitPerMinute: RATE_LIMIT,
    org: {
      deploymentStatus: { [INACTIVE_DEPLOYMENT]: 'Inactive' },
      eventBridgeIntegrations: [{ id: 'eb-1', name: 'proactive-messaging', topics: [...GENESYS_TOPICS] }],
    },
  })
  otherRegion = await startGenesysSimulator({ clients: { someone: { secret: 'else' } } })
})

afterAll(async () => {
  await org.close()
  await otherRegion.close()
})

afterEach(() => {
  // Read-only: the token grant is the only POST, and nothing ever reaches the agentless endpoint.
  for (const simulator of [org, otherRegion]) {
    expect(simulator.agentlessRequests()).toEqual([])
    expect(simulator.requests.filter((r) => r.method !== 'GET' && r.path !== TOKEN_PATH)).toEqual([])
    simulator.reset()
  }
})

describe('proactive check against the simulator', () => {
  it('passes every step on a good setup and exits 0', async () => {
    const io = captureIo(goodEnv())
    expect(await main([], io)).toBe(0)
    expect(io.lines.slice(0, 10).map((line) => line.slice(0, 4))).toEqual(Array(10).fill('PASS'))
    expect(io.lines.join('\n')).toMatch(/^PASS {2}permission +— role "sender role" grants conversation:message:create$/m)
    expect(io.lines.join('\n')).toMatch(/^PASS {2}capacity permission +— role "sender role" grants routing:utilization:view$/m)
    expect(io.lines.at(-1)).toBe('10 passed, 0 failed, 0 skipped. No message was sent.')
    expect(org.requests.filter((r) => r.path === TOKEN_PATH)).toHaveLength(1)
  })

  it('names the token step on bad credentials and skips what needs a token', async () => {
    const io = captureIo({ ...goodEnv(), GENESYS_CLIENT_SECRET: 'wrong' })
    expect(await main([], io)).toBe(1)
    const text = io.lines.join('\n')
    expect(text).toMatch(/^FAIL {2}token +— the gateway 127\.0\.0\.1:\d+ refused the client: HTTP 401 bad\.credentials .*\(invalid_client\)$/m)
    expect(text).toMatch(/fix: the client id or secret/)
    expect(text).toMatch(/^SKIP {2}permission +— needs a token$/m)
  })

  // check parses GENESYS_REGION with the adapters' regionHost, so a host that is not a
  // Genesys region (mypurecloud.eu) fails as the region, as the functions would at start; a real one that cannot be
  // reached still names the host.
  it('names the region host when the region does not resolve', async () => {
    const { GENESYS_GATEWAY_URL: _, ...env } = goodEnv()
    const steps = await runChecks({ ...env, GENESYS_REGION: 'mypurecloud.jp' }, { fetch: regionFetch({ 'login.mypurecloud.ie': org.url, 'api.mypurecloud.ie': org.url }) })
    expect(byStep(steps).token).toMatchObject({ status: 'FAIL', detail: 'cannot reach login.mypurecloud.jp (ENOTFOUND)' })
    expect(byStep(steps).token?.fix).toMatch(/GENESYS_REGION=mypurecloud.jp gives login.mypurecloud.jp; use your org's region host/)
  })

  it('parses the region as the adapters do: an unknown host fails before any request, keys and api./login. prefixes work', async () => {
    const { GENESYS_GATEWAY_URL: _, ...env } = goodEnv()
    const unknown = await runChecks({ ...env, GENESYS_REGION: 'mypurecloud.eu' }, { fetch: regionFetch({}) })
    expect(unknown).toEqual([expect.objectContaining({ step: 'region', status: 'FAIL', detail: expect.stringMatching(/unknown Genesys region "mypurecloud.eu".*mypurecloud\.ie/) })])
    const deps: CheckDeps = { fetch: regionFetch({ 'login.mypurecloud.ie': org.url, 'api.mypurecloud.ie': org.url }) }
    for (const region of ['https://api.mypurecloud.ie/', 'EU-WEST-1', 'login.mypurecloud.ie']) {
      expect((await runChecks({ ...env, GENESYS_REGION: region }, deps)).every((step) => step.status === 'PASS')).toBe(true)
    }
  })

  it('names the region when the client belongs to another region', async () => {
    const { GENESYS_GATEWAY_URL: _, ...env } = goodEnv()
    const deps: CheckDeps = {
      fetch: regionFetch({ 'login.mypurecloud.ie': org.url, 'api.mypurecloud.ie': org.url, 'login.mypurecloud.de': otherRegion.url, 'api.mypurecloud.de': otherRegion.url }),
    }
    const wrong = await runChecks({ ...env, GENESYS_REGION: 'mypurecloud.de' }, deps)
    expect(byStep(wrong).token?.status).toBe('FAIL')
    expect(byStep(wrong).token?.fix).toMatch(/another region than login\.mypurecloud\.de: check GENESYS_REGION/)
    // The same client, with the region given as the SDK's key for its own region, passes.
    const right = await runChecks({ ...env, GENESYS_REGION: 'eu_west_1' }, deps)
    expect(right.every((step) => step.status === 'PASS')).toBe(true)
  })

  it('fails on an unknown region key before any request', async () => {
    const steps = await runChecks({ GENESYS_REGION: 'eu_west_9', GENESYS_CLIENT_ID: 'x', GENESYS_CLIENT_SECRET: 'y' }, { fetch: regionFetch({}) })
    expect(steps).toEqual([expect.objectContaining({ step: 'region', status: 'FAIL' })])
  })

  it('names the permission step when the client lacks conversation:message:create', async () => {
    const steps = await runChecks({ ...goodEnv(), GENESYS_CLIENT_ID: 'no-send', GENESYS_CLIENT_SECRET: 'no-send-secret' })
    expect(statuses(steps)).toMatchObject({ token: 'PASS', permission: 'FAIL', 'webmessaging sender': 'PASS' })
    expect(steps.filter((s) => s.status === 'FAIL').map((s) => s.step)).toEqual(['permission'])
    expect(byStep(steps).permission?.fix).toMatch(/Roles: assign a role with Conversation > Message > Create/)
  })

  it('names the capacity permission step when the client cannot read utilization, and skips it under a numeric limit', async () => {
    const env = { ...goodEnv(), GENESYS_CLIENT_ID: 'no-capacity', GENESYS_CLIENT_SECRET: 'no-capacity-secret' }
    const steps = await runChecks(env)
    expect(steps.filter((s) => s.status === 'FAIL').map((s) => s.step)).toEqual(['capacity permission'])
    expect(byStep(steps)['capacity permission']).toMatchObject({
      detail: "none of the client's roles (no-capacity role) grants routing:utilization:view or routing:utilization:manage",
      fix: expect.stringMatching(/Routing > Utilization > View \(routing:utilization:view\), or set MAX_MESSAGES_PER_TRIGGER to a number/),
    })
    const numeric = await runChecks({ ...env, MAX_MESSAGES_PER_TRIGGER: '3' })
    expect(byStep(numeric)['capacity permission']).toMatchObject({ status: 'SKIP', detail: 'MAX_MESSAGES_PER_TRIGGER=3: no capacity lookup' })
  })

  it('names the webmessaging step on an unknown deployment id, and on an inactive one', async () => {
    const unknown = await runChecks({ ...goodEnv(), WEBMESSAGING_DEPLOYMENT_ID: '11111111-2222-4333-8444-555555555555' })
    expect(stepsWith(unknown, 'FAIL')).toEqual(['webmessaging sender'])
    expect(byStep(unknown)['webmessaging sender']?.detail).toMatch(/does not exist in this org \(HTTP 404 not.found/)
    const inactive = await runChecks({ ...goodEnv(), WEBMESSAGING_DEPLOYMENT_ID: INACTIVE_DEPLOYMENT })
    expect(byStep(inactive)['webmessaging sender']).toMatchObject({ status: 'FAIL', detail: `Messenger deployment ${INACTIVE_DEPLOYMENT} is Inactive` })
  })

  it('fails unknown sender numbers and integrations, and skips channels that are not configured', async () => {
    const wrong = await runChecks({ ...goodEnv(), SMS_FROM_NUMBER: '+13175550101', WHATSAPP_INTEGRATION_ID: 'nope', OPEN_INTEGRATION_ID: 'nope' })
    expect(stepsWith(wrong, 'FAIL')).toEqual(['sms sender', 'whatsapp sender', 'open sender'])
    const { SMS_FROM_NUMBER: _s, WHATSAPP_INTEGRATION_ID: _w, OPEN_INTEGRATION_ID: _o, ...webOnly } = goodEnv()
    const skipped = await runChecks(webOnly)
    expect(stepsWith(skipped, 'SKIP')).toEqual(['sms sender', 'whatsapp sender', 'open sender'])
    expect(stepsWith(skipped, 'FAIL')).toEqual([])
  })

  it("fails a budget above the org's inin-ratelimit-allowed", async () => {
    const steps = await runChecks({ ...goodEnv(), GENESYS_BUDGET_PER_MINUTE: String(RATE_LIMIT + 1) })
    expect(byStep(steps)['rate-limit budget']).toMatchObject({
      status: 'FAIL',
      fix: `set GENESYS_BUDGET_PER_MINUTE to ${RATE_LIMIT} or less (other callers of the same OAuth client share the allowance)`,
    })
    const { GENESYS_BUDGET_PER_MINUTE: _, ...defaults } = goodEnv()
    expect(byStep(await runChecks(defaults))['rate-limit budget']?.detail).toBe(`GENESYS_BUDGET_PER_MINUTE 300 (default) exceeds inin-ratelimit-allowed ${RATE_LIMIT}: sends would hit 429`)
  })

  it('prints --json for tools', async () => {
    const io = captureIo(goodEnv())
    expect(await main(['--json'], io)).toBe(0)
    const report = JSON.parse(io.lines.join('\n')) as { ok: boolean; steps: CheckStep[] }
    expect(report.ok).toBe(true)
    expect(report.steps.map((s) => s.step)).toEqual([
      'credentials',
      'token',
      'permission',
      'capacity permission',
      'webmessaging sender',
      'sms sender',
      'whatsapp sender',
      'open sender',
      'eventbridge topics',
      'rate-limit budget',
    ])
  })

  it('has --help and rejects unknown arguments', async () => {
    const help = captureIo({})
    expect(await main(['--help'], help)).toBe(0)
    expect(help.lines[0]).toMatch(/^usage: proactive check/)
    expect(await main(['--send'], captureIo({}))).toBe(2)
  })
})

describe("proactive check on the functions' Genesys HTTP layer", () => {
  const env = () => ({ ...goodEnv(), GENESYS_GATEWAY_URL: undefined, GENESYS_REGION: 'eu_west_1' })
  const ireland = () => ({ 'login.mypurecloud.ie': org.url, 'api.mypurecloud.ie': org.url })

  it('logs in again when a GET is answered 401 (an expired token), as the functions do', async () => {
    org.setFaults({ sequence: ['token401'] })
    const steps = await runChecks(env(), { fetch: regionFetch(ireland()) })
    expect(stepsWith(steps, 'FAIL')).toEqual([])
    expect(byStep(steps).permission?.status).toBe('PASS')
    expect(org.requests.filter((r) => r.path === TOKEN_PATH)).toHaveLength(2)
  })

  it('waits a short Retry-After once on a 429 and passes', async () => {
    const inner = regionFetch(ireland())
    let throttled = 0
    const throttleOnce: typeof fetch = (input, init) => {
      if (throttled === 0 && String(input).endsWith('/api/v2/tokens/me')) {
        throttled++
        const body = JSON.stringify({ status: 429, code: 'too.many.requests', message: 'Rate limit exceeded' })
        return Promise.resolve(new Response(body, { status: 429, headers: { 'retry-after': '0', 'content-type': 'application/json' } }))
      }
      return inner(input, init)
    }
    const steps = await runChecks(env(), { fetch: throttleOnce })
    expect(throttled).toBe(1)
    expect(byStep(steps).permission).toMatchObject({ status: 'PASS', detail: 'role "sender role" grants conversation:message:create' })
  })

  it('names the network error when the API host does not answer but the login host does', async () => {
    const steps = await runChecks(env(), { fetch: regionFetch({ 'login.mypurecloud.ie': org.url }) })
    expect(byStep(steps).token?.status).toBe('PASS')
    expect(byStep(steps).permission).toMatchObject({ status: 'FAIL', detail: 'request failed: ENOTFOUND', fix: 'check that https://api.mypurecloud.ie is reachable from here' })
  })

  it('shows the classified ErrorBody of a failed GET (status, code, message)', async () => {
    const steps = await runChecks({ ...env(), WEBMESSAGING_DEPLOYMENT_ID: 'no-such-deployment' }, { fetch: regionFetch(ireland()) })
    expect(byStep(steps)['webmessaging sender']?.detail).toMatch(/^Messenger deployment no-such-deployment does not exist in this org \(HTTP 40[04] [a-z.]+ .+\)$/)
  })
})

describe('proactive check: EventBridge topics', () => {
  let bridges: GenesysSimulator
  const envFor = (simulator: GenesysSimulator) => ({ GENESYS_GATEWAY_URL: simulator.url, GENESYS_CLIENT_ID: 'local-client', GENESYS_CLIENT_SECRET: 'local-secret' })

  afterEach(async () => {
    expect(bridges.agentlessRequests()).toEqual([])
    await bridges.close()
  })

  it('fails and lists the topics an integration does not forward', async () => {
    const partial = GENESYS_TOPICS.filter((topic) => topic !== DETAIL_TYPES.customerStart && topic !== DETAIL_TYPES.userEnd)
    bridges = await startGenesysSimulator({ org: { eventBridgeIntegrations: [{ id: 'eb-1', name: 'partial', topics: partial }] } })
    const step = byStep(await runChecks(envFor(bridges)))['eventbridge topics']
    expect(step).toMatchObject({ status: 'FAIL', detail: `"partial" does not forward ${DETAIL_TYPES.customerStart}, ${DETAIL_TYPES.userEnd}` })
  })

  it('passes without routingStatus but says routing-status triggers are off', async () => {
    bridges = await startGenesysSimulator({ org: { eventBridgeIntegrations: [{ id: 'eb-1', topics: GENESYS_TOPICS.filter((t) => t !== DETAIL_TYPES.routingStatus) }] } })
    const step = byStep(await runChecks(envFor(bridges)))['eventbridge topics']
    expect(step?.status).toBe('PASS')
    expect(step?.detail).toMatch(/v2\.users\.\{id\}\.routingStatus not forwarded, so routing-status triggers are off/)
  })

  it('fails when the org has no EventBridge integration, or only a disabled one', async () => {
    bridges = await startGenesysSimulator({})
    expect(byStep(await runChecks(envFor(bridges)))['eventbridge topics']).toMatchObject({ status: 'FAIL', detail: 'no amazon-eventbridge-source integration in this org: no events reach AWS' })
    await bridges.close()
    bridges = await startGenesysSimulator({ org: { eventBridgeIntegrations: [{ id: 'eb-1', name: 'off', enabled: false, topics: [...GENESYS_TOPICS] }] } })
    expect(byStep(await runChecks(envFor(bridges)))['eventbridge topics']).toMatchObject({ status: 'FAIL', detail: 'EventBridge integration "off" is DISABLED' })
  })
})

describe('proactive check: credentials', () => {
  const secrets = mockClient(SecretsManagerClient)
  afterEach(() => {
    secrets.reset()
  })
  afterAll(() => secrets.restore())

  it('reads the client from the Secrets Manager secret', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys' })
      .resolves({ SecretString: JSON.stringify({ clientId: 'sender', clientSecret: 'sender-secret' }) })
    const { GENESYS_CLIENT_ID: _i, GENESYS_CLIENT_SECRET: _s, ...env } = goodEnv()
    const steps = await runChecks({ ...env, GENESYS_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys' })
    expect(byStep(steps).credentials).toMatchObject({ status: 'PASS', detail: 'from secret arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys' })
    expect(steps.every((step) => step.status === 'PASS')).toBe(true)
  })

  it('fails the credentials step on an unreadable or malformed secret, and when none is configured', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }))
      .resolves({ SecretString: '{"id":"x"}' })
    const { GENESYS_CLIENT_ID: _i, GENESYS_CLIENT_SECRET: _s, ...env } = goodEnv()
    const unreadable = await runChecks({ ...env, GENESYS_SECRET_ARN: 'arn:missing' })
    expect(byStep(unreadable).credentials).toMatchObject({ status: 'FAIL', detail: 'cannot read secret arn:missing: ResourceNotFoundException: not found' })
    expect(byStep(unreadable).token?.status).toBe('SKIP')
    const malformed = await runChecks({ ...env, GENESYS_SECRET_ARN: 'arn:malformed' })
    expect(byStep(malformed).credentials?.detail).toBe('secret arn:malformed is not JSON with string clientId and clientSecret')
    expect(byStep(await runChecks(env)).credentials?.status).toBe('FAIL')
    expect(org.requests).toEqual([])
  })
})

function stepsWith(list: readonly CheckStep[], status: CheckStep['status']): string[] {
  return list.filter((s) => s.status === status).map((s) => s.step)
}
